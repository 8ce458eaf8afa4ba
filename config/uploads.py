"""Request bodies are bounded before they are read: the ASGI guard in front of Django.

Django's ASGI handler reads a whole request body (into a SpooledTemporaryFile) before any
middleware or view runs, so limits on the body belong in front of it. UploadGuard answers
at once, without reading the body:
- 413 when Content-Length is over GIGBOX_UPLOAD_REQUEST_MAX_BYTES (one attachment at the
  limit plus form overhead: the same 30 MiB nginx allows in `make serve`);
- 503 with Retry-After when this process already holds GIGBOX_UPLOAD_CONCURRENT_BYTES of
  request bodies in flight: a per-process cap on concurrent upload bytes, so a burst of large
  uploads queues at the client instead of in the server's memory and disk.
The bytes a request reserves are released when its response ends. Bodies under
DATA_UPLOAD_MAX_MEMORY_SIZE (every JSON and form post) pass without counting.
"""

from __future__ import annotations

import json
import threading
from typing import Any

from django.conf import settings

__all__ = ["UploadGuard", "reserved_upload_bytes", "too_large_error"]

_lock = threading.Lock()
_reserved = [0]  # bytes of request bodies this process is reading or handling now


def reserved_upload_bytes() -> int:
    return _reserved[0]


def _reserve(size: int) -> bool:
    with _lock:
        if _reserved[0] and _reserved[0] + size > settings.GIGBOX_UPLOAD_CONCURRENT_BYTES:
            return False  # one upload always fits, whatever the cap
        _reserved[0] += size
        return True


def _release(size: int) -> None:
    with _lock:
        _reserved[0] = max(0, _reserved[0] - size)


def too_large_error() -> dict[str, Any]:
    """The 413's body: here, and in the server process before it reads the body
    (config/http_body.py)."""
    limit = settings.GIGBOX_UPLOAD_REQUEST_MAX_BYTES
    return {
        "type": "error",
        "code": "invalid_attachment",
        "message": f"The upload is over {limit // (1024 * 1024)} MB.",
        "limit": limit,
    }


def _body_size(scope: dict[str, Any]) -> int | None:
    """Content-Length, the request's maximum for a body of unknown length, None for none."""
    headers = dict(scope.get("headers") or ())
    length = headers.get(b"content-length")
    if length is not None:
        try:
            return max(0, int(length))
        except ValueError:
            return settings.GIGBOX_UPLOAD_REQUEST_MAX_BYTES + 1
    if b"chunked" in headers.get(b"transfer-encoding", b"").lower():
        return settings.GIGBOX_UPLOAD_REQUEST_MAX_BYTES
    return None


async def _refuse(send, status: int, body: dict[str, Any], *extra: tuple[bytes, bytes]) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [(b"content-type", b"application/json"), (b"connection", b"close"), *extra],
        }
    )
    await send({"type": "http.response.body", "body": json.dumps(body).encode()})


class UploadGuard:
    """ASGI middleware for HTTP: see the module docstring."""

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send):
        size = _body_size(scope) if scope.get("type") == "http" else None
        if size is None or size <= settings.DATA_UPLOAD_MAX_MEMORY_SIZE:
            return await self.app(scope, receive, send)
        if size > settings.GIGBOX_UPLOAD_REQUEST_MAX_BYTES:
            return await _refuse(send, 413, too_large_error())
        if not _reserve(size):
            return await _refuse(
                send,
                503,
                {
                    "type": "error",
                    "code": "unavailable",
                    "message": "The server is busy with uploads; try again in a second.",
                    "retry_after": 1,
                },
                (b"retry-after", b"1"),
            )
        try:
            return await self.app(scope, receive, send)
        finally:
            _release(size)
