"""Errors Django answers before any view, in the JSON API's shape on /api/ paths.

A client of the JSON API (docs/protocol.md, "HTTP (JSON)") reads `{"type": "error", "code",
"message"}` from every error; Django's own CSRF refusal and its 400 for a body over
DATA_UPLOAD_MAX_MEMORY_SIZE were HTML pages. Other paths keep Django's pages.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views import csrf, defaults

__all__ = ["API_PREFIX", "bad_request", "csrf_failure"]

API_PREFIX = "/api/"


def _is_api(request: HttpRequest) -> bool:
    return request.path.startswith(API_PREFIX)


def _error(code: str, message: str, status: int) -> JsonResponse:
    return JsonResponse({"type": "error", "code": code, "message": message}, status=status)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """CSRF_FAILURE_VIEW: 403 `csrf_failed` on /api/ (send the token in X-CSRFToken)."""
    if _is_api(request):
        return _error("csrf_failed", "The CSRF token is missing or wrong: reload the page.", 403)
    return csrf.csrf_failure(request, reason=reason)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """handler400: a body over DATA_UPLOAD_MAX_MEMORY_SIZE is 413 `too_large` on /api/."""
    if _is_api(request):
        if isinstance(exception, RequestDataTooBig):
            limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
            return _error("too_large", f"The request body is over {limit:,} bytes.", 413)
        return _error("invalid_frame", "The request is malformed.", 400)
    return defaults.bad_request(request, exception)  # type: ignore[arg-type]
