"""The composer's pre-send check: what the send path would hide in a draft, before it is sent.

The draft goes through the very function the send path calls (the contact policy's
mask_message, core.contact_policy, with the same history: the sender's last user messages in
the conversation, within the policy's window), so the warning a sender sees is exactly what
would be masked. Nothing is stored or flagged; a per-user limit in the shared cache keeps it
from being used as a free oracle at machine speed (static/js/inbox.js debounces it to one
call per pause in typing).
"""

from __future__ import annotations

import json
import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_http_methods

from config import clock
from core.contact_policy import get_contact_policy, hides
from inbox import selectors
from inbox.api import api_login_required
from inbox.models import Message

__all__ = ["PRECHECK_LIMIT", "PRECHECK_WINDOW", "check_draft", "precheck"]

PRECHECK_LIMIT = 120  # checks per user ...
PRECHECK_WINDOW = 60  # ... per this many seconds


def _history(conversation_id: int, sender_id: int) -> list[str]:
    """The detector's history as the send path reads it (inbox.store)."""
    policy = get_contact_policy()
    since = clock.now() - policy.history_window
    rows = (
        Message.objects.filter(
            conversation_id=conversation_id,
            sender_id=sender_id,
            kind=Message.Kind.USER,
            created_at__gte=since,
        )
        .order_by("-seq")
        .values_list("body", flat=True)[: policy.history_messages]
    )
    return list(reversed(rows))


def check_draft(*, conversation, sender, body: str) -> dict[str, object]:
    """{masked, delivered, kinds}: whether sending `body` now would hide anything, the text
    the other side would get, and the kinds of what would be hidden (in order, once each)."""
    detection = get_contact_policy().mask_message(body, _history(conversation.pk, sender.pk))
    kinds: list[str] = []
    for finding in filter(hides, detection.findings):
        kind = str(finding.get("kind", "contact"))
        if kind not in kinds:
            kinds.append(kind)
    return {
        "masked": detection.delivered_body != body,
        "delivered": detection.delivered_body,
        "kinds": kinds,
    }


def _admit(user_id: int) -> int:
    """0 when the check may run, else the seconds until the user's window ends."""
    now = time.time()
    window = int(now // PRECHECK_WINDOW)
    key = f"inbox:precheck:{user_id}:{window}"
    cache.add(key, 0, PRECHECK_WINDOW + 5)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, PRECHECK_WINDOW + 5)
        count = 1
    if count <= PRECHECK_LIMIT:
        return 0
    return max(1, int((window + 1) * PRECHECK_WINDOW - now))


@require_http_methods(["POST"])
@api_login_required
def precheck(request: HttpRequest, conversation_id: int) -> JsonResponse:
    conversation = selectors.conversation_for_user(request.user, conversation_id)
    try:
        data = json.loads(request.body.decode("utf-8") or "{}")
        body = data["body"] if isinstance(data, dict) else None
    except (UnicodeDecodeError, ValueError, KeyError):
        body = None
    if not isinstance(body, str):
        return JsonResponse({"type": "error", "code": "invalid_frame", "message": "body?"}, 400)
    if len(body) > settings.GIGBOX_MESSAGE_MAX_CHARS:
        return JsonResponse({"masked": False, "delivered": body, "kinds": [], "too_long": True})
    retry_after = _admit(request.user.pk)
    if retry_after:
        response = JsonResponse(
            {"type": "error", "code": "rate_limited", "retry_after": retry_after}, status=429
        )
        response["Retry-After"] = str(retry_after)
        return response
    return JsonResponse(check_draft(conversation=conversation, sender=request.user, body=body))
