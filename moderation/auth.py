"""Login for suspended accounts, and sign-up's reserved names.

A suspended user can still sign in, to their account page only (moderation.limited_access:
every other page redirects there, the JSON API answers `suspended`, sockets close with
4403), so that they see why and can appeal. After login allauth sends them straight to
that page (`get_login_redirect_url`). The authentication backends keep their dotted names
(every stored session carries its backend's path) and load suspended users like any other.

Logging out closes the inbox sockets of that login session at once (4401); the user's
other browsers keep theirs.

Sign-up refuses a username that could pass for Gigbox or its staff, or for an existing user
(`clean_username`, marketplace.identity).
"""

from __future__ import annotations

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.auth_backends import AuthenticationBackend
from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest, HttpResponse
from django.urls import reverse

from inbox.checks import is_account_suspended, is_system_account
from inbox.push import disconnect_session
from marketplace.identity import reject_lookalike_username, reject_name

__all__ = ["AccountAdapter", "NotSuspendedModelBackend", "NotSuspendedAllauthBackend"]

CLOSE_LOGGED_OUT = 4401


class AccountAdapter(DefaultAccountAdapter):
    def clean_username(self, username: str, shallow: bool = False) -> str:
        """allauth's checks, and no name that could pass for Gigbox or its staff
        (marketplace.identity: `gıgbox`, `ＧＩＧＢＯＸ`, `trust-and-safety`), no invisible
        format characters, and no look-alike of an existing username (`sеller`, `seIler`)."""
        reject_name(username)  # first: the same answer whether or not it is taken
        username = super().clean_username(username, shallow=shallow)
        if not shallow:
            reject_lookalike_username(username)
        return username

    def pre_login(self, request: HttpRequest, user, **kwargs) -> HttpResponse | None:
        # allauth hands a user the backends refused (its stash) to this check: the system
        # account, the only user they refuse, never signs in.
        if is_system_account(user):
            from allauth.account.internal.stagekit import clear_login

            clear_login(request)
            return HttpResponse(
                "This account cannot sign in.", status=403, content_type="text/plain"
            )
        return super().pre_login(request, user, **kwargs)

    def get_login_redirect_url(self, request: HttpRequest) -> str:
        if is_account_suspended(request.user):
            return reverse("moderation:health")
        return super().get_login_redirect_url(request)

    def logout(self, request: HttpRequest) -> None:
        # Before Django's logout flushes the session: its key names the sockets to close.
        if request.session.session_key:
            disconnect_session(request.session.session_key, CLOSE_LOGGED_OUT)
        super().logout(request)


class _RefusesSystemAccount:
    def user_can_authenticate(self, user) -> bool:
        # The account that sends notices never signs in, whatever password someone set.
        return super().user_can_authenticate(user) and not is_system_account(user)  # type: ignore[misc]


class NotSuspendedModelBackend(_RefusesSystemAccount, ModelBackend):
    """Django's ModelBackend (username and password: Django admin's login). The name is
    historical: a suspended user is loaded, and moderation.limited_access confines them."""


class NotSuspendedAllauthBackend(_RefusesSystemAccount, AuthenticationBackend):
    """allauth's backend (username or email); the name is historical, as above."""
