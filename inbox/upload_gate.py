"""A sender who is already rate-limited is refused before their upload is parsed.

Middleware (settings.MIDDLEWARE, after authentication and before CSRF's view check, which
reads the form): a multipart POST to a send URL (the thread's form, the JSON API) from a user
whose send window is full gets the limit's answer at once, so their files are neither parsed
into temporary files nor checked (issue 17). The send path still counts and checks every send
that gets through; this is only the cheap early refusal. The body itself was already bounded
by config.uploads before Django read it.
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import Resolver404, resolve

from inbox.api import error_response
from inbox.checks import SendError
from inbox.presentation import send_error_text
from inbox.ratelimit import Admission, limited_for

__all__ = ["UploadRateLimitMiddleware"]

_SEND_VIEWS = frozenset({"inbox:send", "inbox_api:messages"})


class UploadRateLimitMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        refusal = self._refusal(request)
        return refusal if refusal is not None else self.get_response(request)

    def _refusal(self, request: HttpRequest) -> HttpResponse | None:
        if request.method != "POST" or request.content_type != "multipart/form-data":
            return None
        if not request.user.is_authenticated:
            return None
        try:
            match = resolve(request.path_info)
        except Resolver404:
            return None
        if match.view_name not in _SEND_VIEWS:
            return None
        retry_after = limited_for(request.user.pk)
        if retry_after is None:
            return None
        error = SendError(
            "rate_limited",
            Admission(admitted=0, retry_after=retry_after, window=0).refusal(),
            retry_after=retry_after,
        )
        if match.view_name == "inbox_api:messages":
            return error_response(error)
        messages.error(request, send_error_text(error))
        return redirect("inbox:thread", conversation_id=match.kwargs["conversation_id"])
