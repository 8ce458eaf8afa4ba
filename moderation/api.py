"""Moderation's JSON endpoints for users (docs/protocol.md, "HTTP"): reporting a message,
and the user's standing (what an open inbox tab shows when a sanction starts or ends).

It sits beside the inbox API's paths (/api/inbox/messages/<id>/report/) and answers like it,
through the inbox API's helpers: a message that is not the user's is a 404 like a missing one.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import HttpRequest, JsonResponse
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from config import clock
from inbox import selectors
from inbox.api import api_login_required, bad_request, error_response, json_response, read_json
from inbox.checks import SendError, check_sender_sanctions
from inbox.protocol import is_text
from marketplace.models import has_no_end
from moderation.reports import report_received_message


@require_http_methods(["POST"])
@api_login_required
def report(request: HttpRequest, message_id: int) -> JsonResponse:
    message = selectors.message_for_user(request.user, message_id)
    try:
        data = read_json(request)
        reason, note = data.get("reason", ""), data.get("note", "")
        for name, value in (("reason", reason), ("note", note)):
            if not is_text(value):  # a lone surrogate was a codec message from the database
                raise ValueError(f"{name}: expected text (UTF-8, no NUL).")
        report_received_message(reporter=request.user, message=message, reason=reason, note=note)
    except ValueError as exc:
        return bad_request(str(exc))
    except ValidationError as exc:
        return bad_request(" ".join(exc.messages))
    except SendError as error:
        if error.code == "already_reported":
            return json_response(error.frame(), 409)
        return error_response(error)
    return json_response({"reported": True}, 201)


@require_http_methods(["GET"])
@api_login_required
def standing(request: HttpRequest) -> JsonResponse:
    """The user's own restriction now: what an open inbox tab shows when it may not send.
    A suspended user's request never gets here: moderation.limited_access answers it with
    403 `suspended` (until, account_url)."""
    user, now = request.user, clock.now()
    restricted = user.messaging_restricted_until
    restricted = restricted if restricted is not None and restricted > now else None
    answer = {
        "restricted_until": None if has_no_end(restricted) else restricted,
        "restricted": restricted is not None,
        "account_url": reverse("moderation:health"),
    }
    conversation_id = request.GET.get("conversation", "")
    if conversation_id.isdigit():  # may the user write in this thread (an active order's)?
        conversation = selectors.conversation_for_user(user, int(conversation_id))
        answer["can_send"] = can_send_in(user, conversation)
    return json_response(answer)


def can_send_in(user, conversation) -> bool:
    """No sanction stops the user writing in this conversation now (inbox.checks' rule)."""
    try:
        check_sender_sanctions(user, conversation=conversation)
    except SendError:
        return False
    return True
