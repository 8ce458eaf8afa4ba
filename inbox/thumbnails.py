"""Small previews of image attachments (marketplace.previews makes them).

Served through the same access check as the file itself (selectors.attachment_for_user), to
the conversation's participants only: staff open the file, which is logged (inbox.api).
"""

from __future__ import annotations

from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.http import require_http_methods

from inbox import selectors
from marketplace.previews import IMAGE_TYPES, THUMB_SIZE, make_thumbnail, preview_response

__all__ = ["IMAGE_TYPES", "THUMB_SIZE", "make_thumbnail", "thumbnail"]


@require_http_methods(["GET"])
def thumbnail(request: HttpRequest, attachment_id: int) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    item = selectors.attachment_for_user(request.user, attachment_id)
    if item is None or request.user.pk not in item.conversation.user_ids():
        raise Http404("No such file.")
    return preview_response(item.file, item.content_type)
