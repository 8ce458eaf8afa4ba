"""Suspended accounts cannot log in; sign-up refuses reserved names.

allauth asks the account adapter's `pre_login` before every login (password, email code,
after a confirmation link); a suspended user gets the "suspended until ..." page instead.
Django admin's login form does not ask the adapter: the authentication backends below
(settings.AUTHENTICATION_BACKENDS) refuse a suspended user themselves, on every login form
and on every request of a session that survived the suspension (`get_user`).
Sessions that already exist are deleted when the suspension starts
(moderation.enforcement.end_sessions), and open sockets are closed with 4403.

Logging out closes the inbox sockets of that login session at once (4401); the user's
other browsers keep theirs.

Sign-up refuses a username that could pass for Gigbox or its staff (`clean_username`,
marketplace.identity).
"""

from __future__ import annotations

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.auth_backends import AuthenticationBackend
from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from inbox.checks import is_account_suspended
from inbox.push import disconnect_session
from marketplace.identity import reject_reserved_name
from marketplace.models import has_no_end
from marketplace.time_zones import zone_of
from moderation.notices import format_until

__all__ = ["AccountAdapter", "NotSuspendedModelBackend", "NotSuspendedAllauthBackend"]

CLOSE_LOGGED_OUT = 4401


class AccountAdapter(DefaultAccountAdapter):
    def clean_username(self, username: str, shallow: bool = False) -> str:
        """allauth's checks, and no name that could pass for Gigbox or its staff
        (marketplace.identity: `gıgbox`, `ＧＩＧＢＯＸ`, `trust-and-safety`)."""
        reject_reserved_name(username)  # first: the same answer whether or not it is taken
        return super().clean_username(username, shallow=shallow)

    def pre_login(self, request: HttpRequest, user, **kwargs) -> HttpResponse | None:
        if is_account_suspended(user):
            from allauth.account.internal.stagekit import clear_login

            clear_login(request)
            context = {
                "until": format_until(user.suspended_until, zone_of(user)),
                "ends": not has_no_end(user.suspended_until),
            }
            return render(request, "moderation/account_suspended.html", context, status=403)
        return super().pre_login(request, user, **kwargs)

    def logout(self, request: HttpRequest) -> None:
        # Before Django's logout flushes the session: its key names the sockets to close.
        if request.session.session_key:
            disconnect_session(request.session.session_key, CLOSE_LOGGED_OUT)
        super().logout(request)


class _RefusesSuspended:
    def user_can_authenticate(self, user) -> bool:
        return super().user_can_authenticate(user) and not is_account_suspended(user)  # type: ignore[misc]


class NotSuspendedModelBackend(_RefusesSuspended, ModelBackend):
    """Django's ModelBackend (username and password: Django admin's login), refusing suspended
    users."""


class NotSuspendedAllauthBackend(_RefusesSuspended, AuthenticationBackend):
    """allauth's backend (username or email). A suspended user with the right password is
    still handed to allauth (its stash), whose login then asks `pre_login`: the suspended page."""
