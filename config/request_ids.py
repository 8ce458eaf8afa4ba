"""Request ids: the token that ties an HTTP request's or a socket's log lines together.

Both config.logging (the request and socket lines) and config.security (the refusal records)
need them; they live here so that neither of those two modules imports the other for them.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping
from typing import Any

_REQUEST_ID_RE = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


def clean_request_id(raw: str | None) -> str:
    """The id nginx sent when it looks like one; else a fresh one (never trust odd input)."""
    if raw and _REQUEST_ID_RE.match(raw):
        return raw
    return uuid.uuid4().hex


def _scope_header(scope: Mapping[str, Any], name: bytes) -> str | None:
    for key, value in scope.get("headers", ()):
        if key == name:
            return value.decode("latin1")
    return None


def socket_request_id(scope: Mapping[str, Any]) -> str:
    """The request id of a WebSocket: set once per scope (from nginx's header or new)."""
    if isinstance(scope, dict) and "gigbox_request_id" in scope:
        return scope["gigbox_request_id"]
    request_id = clean_request_id(_scope_header(scope, b"x-request-id"))
    if isinstance(scope, dict):
        scope["gigbox_request_id"] = request_id
    return request_id
