"""The security log (ASVS 16.3.2, RELIABILITY S22): one structured record on the
`gigbox.security` logger for every refused authorization attempt.

The answer an outsider gets stays the boring not-found one; only this log knows it was a
refusal. Records come from the few places that refuse, never from views one by one:

- the selectors that answer "no such X" for an object that is not the user's (inbox, deals,
  marketplace, disputes, moderation) call `refused(object_type, object_id)`;
- `SecurityLogMiddleware` records a `PermissionDenied` (the admin's wrong staff group) and a
  logged-in non-staff user sent from an admin URL to the admin login;
- the socket: `RefusalLoggingOriginValidator` (bad or missing Origin), the consumer's
  connect refusal (`refused_handshake`), and each client frame binds its action
  (`bind_socket_frame`) so the selectors' calls carry who, where from and which frame.

Who, where from and the request id come from the attempt bound to the current context
(`bind_request` in config.logging.RequestLogMiddleware, `bind_socket_frame` in the consumer).
The holder is a mutable object, so the selectors running in a worker thread (a copy of the
context) still see it and mark it; an attempt gives at most one record, however many
selectors refuse inside it.
"""

from __future__ import annotations

import logging
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlparse

from channels.security.websocket import OriginValidator
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.utils.deprecation import MiddlewareMixin

security_logger = logging.getLogger("gigbox.security")

EVENT = "authz.refused"
NOT_FOUND_OR_NOT_YOURS = "not_found_or_not_yours"


@dataclass
class Attempt:
    """One request or one client frame: what the security record says about who asked."""

    channel: str  # "http" or "ws"
    request_id: str | None
    ip: str | None
    action: str
    user: Any = None  # the request's user (lazy) or the socket's
    request: Any = None  # for the URL name, resolved after the binding
    recorded: bool = field(default=False)

    def action_name(self) -> str:
        match = getattr(self.request, "resolver_match", None)
        if match is not None and match.view_name:
            return f"{self.request.method} {match.view_name}"
        return self.action


_attempt: ContextVar[Attempt | None] = ContextVar("gigbox_security_attempt", default=None)


def bind_request(request) -> None:
    """Called at the start of every HTTP request (config.logging.RequestLogMiddleware)."""
    _attempt.set(
        Attempt(
            channel="http",
            request_id=getattr(request, "request_id", None),
            ip=request.META.get("REMOTE_ADDR"),
            action=f"{request.method} {request.path}",
            request=request,
        )
    )


def _scope_ip(scope) -> str | None:
    client = scope.get("client") if scope else None
    return client[0] if client else None


def _socket_attempt(scope, action: str) -> Attempt:
    from config.request_ids import socket_request_id

    return Attempt(
        channel="ws",
        request_id=socket_request_id(scope),
        ip=_scope_ip(scope),
        action=action,
        user=scope.get("user"),
    )


def bind_socket_frame(scope, frame_type: str) -> None:
    """Called for each parsed client frame: the selectors' refusals name this frame."""
    _attempt.set(_socket_attempt(scope, f"ws {frame_type}"))


def _user_field(user) -> int | str:
    try:
        if user is not None and user.is_authenticated:
            return user.pk
    except Exception:  # a lazy user that cannot load: still log the attempt
        pass
    return "anonymous"


def _emit(
    attempt: Attempt | None,
    object_type: str,
    object_id: Any,
    reason: str,
    user=None,
    **details: Any,
) -> None:
    if attempt is not None:
        if attempt.recorded:
            return  # one record per attempt (a request, a frame)
        attempt.recorded = True
    if user is None and attempt is not None:
        # The request's user is set after the binding (AuthenticationMiddleware).
        user = attempt.user if attempt.user is not None else getattr(attempt.request, "user", None)
    who = _user_field(user)
    action = attempt.action_name() if attempt is not None else "internal"
    fields = {
        "event": EVENT,
        "channel": attempt.channel if attempt is not None else "internal",
        "user_id": who,
        "ip": attempt.ip if attempt is not None else None,
        "action": action,
        "object_type": object_type,
        "object_id": object_id,
        "reason": reason,
        "request_id": attempt.request_id if attempt is not None else None,
        **details,
    }
    security_logger.warning(
        "refused %s %s=%s user=%s", action, object_type, object_id, who, extra=fields
    )


def refused(
    object_type: str, object_id: Any, *, user=None, reason: str = NOT_FOUND_OR_NOT_YOURS
) -> None:
    """Record that the current attempt asked for `object_type` `object_id` (as given) and was
    refused. Call it where the boring not-found answer is decided; it never raises."""
    try:
        _emit(_attempt.get(), object_type, object_id, reason, user)
    except Exception:  # the log must never change the answer
        logging.getLogger(__name__).exception("security record failed")


def refused_handshake(scope, reason: str, **details: Any) -> None:
    """A WebSocket opening refused (bad Origin, anonymous, closed account)."""
    try:
        attempt = _socket_attempt(scope, "ws connect")
        _emit(attempt, "socket", scope.get("path", ""), reason, scope.get("user"), **details)
    except Exception:
        logging.getLogger(__name__).exception("security record failed")


# HTTP: the admin ----------------------------------------------------------------------------


def _admin_object(request) -> tuple[str, Any]:
    """("admin:<app>.<model>", the id in the URL or None) for an admin URL."""
    match = getattr(request, "resolver_match", None)
    kwargs = dict(match.kwargs) if match is not None else {}
    parts = [p for p in request.path.split("/") if p]
    object_type = "admin:" + ".".join(parts[1:3]) if len(parts) > 1 else "admin"
    object_id = kwargs.get("pk", kwargs.get("object_id", next(iter(kwargs.values()), None)))
    return object_type, object_id


def _is_admin_path(request) -> bool:
    match = getattr(request, "resolver_match", None)
    if match is not None:
        return "admin" in match.namespaces
    return request.path.startswith("/admin/")


class SecurityLogMiddleware(MiddlewareMixin):
    """After AuthenticationMiddleware: the two refusals no selector sees. A view's
    PermissionDenied (staff outside the group an admin page needs), and a logged-in user
    who is not active staff sent from an admin URL to the admin login."""

    def process_response(self, request, response):
        if (
            response.status_code == 302
            and _is_admin_path(request)
            and "/admin/login/" in response.get("Location", "")
        ):
            user = getattr(request, "user", None)
            if (
                user is not None
                and user.is_authenticated
                and not (user.is_active and user.is_staff)
            ):
                refused(*_admin_object(request), reason="not_staff")
        return response

    def process_exception(self, request, exception):
        if isinstance(exception, PermissionDenied):
            object_type, object_id = (
                _admin_object(request) if _is_admin_path(request) else ("view", None)
            )
            refused(object_type, object_id, reason="permission_denied")
        return None  # Django answers as before (403)


# WebSocket: the Origin ------------------------------------------------------------------------


def _origin(scope) -> str | None:
    for name, value in scope.get("headers", ()):
        if name == b"origin":
            return value.decode("latin1")
    return None


class RefusalLoggingOriginValidator(OriginValidator):
    """Channels' OriginValidator, recording each refused handshake (same answer: a 403)."""

    async def __call__(self, scope, receive, send):
        if scope.get("type") == "websocket":
            origin = _origin(scope)
            try:
                parsed = urlparse(origin) if origin is not None else None
            except ValueError:
                parsed = None
            if not self.valid_origin(parsed):
                refused_handshake(scope, "bad_origin", origin=origin)
        return await super().__call__(scope, receive, send)


def allowed_hosts_origin_validator(application) -> RefusalLoggingOriginValidator:
    """channels.security.websocket.AllowedHostsOriginValidator, with the refusal record."""
    allowed_hosts = settings.ALLOWED_HOSTS
    if settings.DEBUG and not allowed_hosts:
        allowed_hosts = ["localhost", "127.0.0.1", "[::1]"]
    return RefusalLoggingOriginValidator(application, allowed_hosts)
