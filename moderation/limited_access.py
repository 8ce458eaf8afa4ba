"""A suspended user's session reaches their account page and nothing else.

They can sign in (moderation.auth), see why they are suspended, their strikes with the
evidence as it was delivered, appeal, and sign out. Every other page redirects to the account
page; the JSON API answers 403 `suspended` with the end of the suspension and the page's
address, so an open inbox tab can say why it cannot send (static/js/inbox.js). Sockets are
refused with 4403 by the consumer itself (inbox.consumers).
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone

from core.timestamps import local_time_text
from inbox.checks import is_account_suspended
from inbox.frames import error_frame
from marketplace.models import has_no_end

__all__ = ["SuspendedAccountMiddleware", "suspension_sentence"]

# What a suspended session may open: the account page, its appeal form, signing out, and
# the probes. (The standing an inbox tab asks for, /api/account/standing/, is answered here
# with `suspended`, like every JSON path.)
ALLOWED = frozenset(
    {
        "moderation:health",
        "moderation:appeal",
        "moderation:appeal_sanction",
        "account_logout",
        "healthz",
        "readyz",
    }
)


def suspension_sentence(user) -> str:
    """'Your account is suspended until 9 Jan 2027, 14:00 CET. See your account page to
    appeal.' in the zone active for the request (the user's own: TimeZoneMiddleware)."""
    until = user.suspended_until
    if has_no_end(until):
        when = "until a moderator lifts it"
    else:
        when = "until " + local_time_text(until, timezone.get_current_timezone(), name_zone=True)
    return f"Your account is suspended {when}. See your account page to appeal."


def _url_name(request: HttpRequest) -> str:
    try:
        return resolve(request.path_info).view_name
    except Resolver404:
        return ""


class SuspendedAccountMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            user is None
            or not user.is_authenticated
            or not is_account_suspended(user)
            or _url_name(request) in ALLOWED
        ):
            return self.get_response(request)
        account_url = reverse("moderation:health")
        if request.path_info.startswith("/api/"):
            until = None if has_no_end(user.suspended_until) else user.suspended_until
            frame = error_frame(
                "suspended", suspension_sentence(user), until=until, account_url=account_url
            )
            return JsonResponse(frame, status=403)
        return redirect(account_url)
