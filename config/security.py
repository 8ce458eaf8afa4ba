"""The security log (ASVS 16.3.2, RELIABILITY S22): one structured record on the
`gigbox.security` logger for every refused authorization attempt.

The answer an outsider gets stays the boring not-found one; only this log knows it was a
refusal. Records come from the few places that refuse, never from views one by one:

- the selectors that answer "no such X" for an object that is not the user's (inbox, deals,
  marketplace, disputes, moderation) call `refused(object_type, object_id)`;
- `SecurityLogMiddleware` records a `PermissionDenied` (the admin's wrong staff group) and a
  logged-in non-staff user sent from an admin URL to the admin login;
- the socket: `ExactOriginValidator` (bad or missing Origin), the consumer's
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
from urllib.parse import urlsplit

from channels.security.websocket import WebsocketDenier
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http.request import split_domain_port, validate_host
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


def scope_ip(scope) -> str | None:
    client = scope.get("client") if scope else None
    return client[0] if client else None


def _socket_attempt(scope, action: str) -> Attempt:
    from config.request_ids import socket_request_id

    return Attempt(
        channel="ws",
        request_id=socket_request_id(scope),
        ip=scope_ip(scope),
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


DEFAULT_PORTS = {"http": 80, "https": 443}
Origin = tuple[str, str, int]  # scheme, host (lower case), port


def _header(scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", ()):
        if key == name:
            return value.decode("latin1")
    return None


def parse_origin(value: str | None) -> Origin | None:
    """(scheme, host, port) of a serialized origin, or None for anything else (`null`, a
    path, user info, a port that is no port: `http://127.0.0.1:8000.evil.com`, a wildcard:
    Django's CSRF check reads `https://*.example.com` in CSRF_TRUSTED_ORIGINS as every
    subdomain, the socket's check lets in exact origins only)."""
    if not value:
        return None
    try:
        parts = urlsplit(value)
        port = parts.port
    except ValueError:
        return None
    if (
        parts.scheme not in DEFAULT_PORTS
        or not parts.hostname
        or "*" in parts.hostname
        or parts.username is not None
        or parts.path not in ("", "/")
        or parts.query
        or parts.fragment
    ):
        return None
    return parts.scheme, parts.hostname.lower(), port or DEFAULT_PORTS[parts.scheme]


def _is_secure(scope) -> bool:
    """As Django's request.is_secure(): the scheme, or the proxy's header when the settings
    name one (SECURE_PROXY_SSL_HEADER; a browser cannot set it on a WebSocket)."""
    if scope.get("scheme") in ("https", "wss"):
        return True
    proxy_header = getattr(settings, "SECURE_PROXY_SSL_HEADER", None)
    if not proxy_header:
        return False
    meta_name, expected = proxy_header
    name = meta_name.removeprefix("HTTP_").lower().replace("_", "-").encode("latin1")
    value = _header(scope, name)
    return value is not None and value.split(",")[0].strip() == expected


def _own_origin(scope) -> Origin | None:
    """The origin of the page this server served: scheme, and the Host header (port
    included) when it is one of ALLOWED_HOSTS."""
    host = _header(scope, b"host")
    if not host:
        return None
    allowed = list(settings.ALLOWED_HOSTS)
    if settings.DEBUG and not allowed:
        allowed = [".localhost", "127.0.0.1", "[::1]"]
    domain, port = split_domain_port(host)
    if not domain or not validate_host(domain, allowed):
        return None
    scheme = "https" if _is_secure(scope) else "http"
    return parse_origin(f"{scheme}://{host}")


def allowed_origin(scope) -> bool:
    """Exact scheme, host and port (issue 17, finding 8): the server's own origin (the
    Host of the handshake, checked against ALLOWED_HOSTS) or one of CSRF_TRUSTED_ORIGINS."""
    origin = parse_origin(_header(scope, b"origin"))
    if origin is None:
        return False
    if origin == _own_origin(scope):
        return True
    return origin in {parse_origin(trusted) for trusted in settings.CSRF_TRUSTED_ORIGINS}


class ExactOriginValidator:
    """Refuses a WebSocket handshake from any other origin (a 403), recording each one."""

    def __init__(self, application) -> None:
        self.application = application

    async def __call__(self, scope, receive, send):
        if scope.get("type") == "websocket" and not allowed_origin(scope):
            refused_handshake(scope, "bad_origin", origin=_header(scope, b"origin"))
            return await WebsocketDenier()(scope, receive, send)
        return await self.application(scope, receive, send)


def allowed_hosts_origin_validator(application) -> ExactOriginValidator:
    """Channels' AllowedHostsOriginValidator compared hosts only; this one compares
    origins (scheme, host and port), and records the refusals."""
    return ExactOriginValidator(application)
