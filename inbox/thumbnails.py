"""Small previews of image attachments, made on the server with Pillow.

Served through the same access check as the file itself (selectors.attachment_for_user), to
the conversation's participants only: staff open the file, which is logged (inbox.api). The
preview is re-encoded from the decoded pixels (PNG or JPEG), so nothing but pixels passes
from the sender's file to the reader's page.
"""

from __future__ import annotations

import io

from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.http import require_http_methods
from PIL import Image, ImageOps, UnidentifiedImageError

from inbox import selectors

__all__ = ["THUMB_SIZE", "make_thumbnail", "thumbnail"]

THUMB_SIZE = (320, 320)
IMAGE_TYPES = {"image/png", "image/jpeg", "image/gif", "image/webp"}
MAX_PIXELS = 40_000_000  # a larger picture is offered as a download only (decompression bombs)


def make_thumbnail(data: io.BufferedIOBase) -> tuple[bytes, str]:
    """(bytes, content type) of a preview at most THUMB_SIZE; ValueError if not an image."""
    try:
        with Image.open(data) as image:
            if image.width * image.height > MAX_PIXELS:
                raise ValueError("too large to preview")
            image = ImageOps.exif_transpose(image)
            image.thumbnail(THUMB_SIZE)
            out = io.BytesIO()
            if image.mode in ("RGBA", "LA", "P"):
                image.convert("RGBA").save(out, "PNG", optimize=True)
                return out.getvalue(), "image/png"
            image.convert("RGB").save(out, "JPEG", quality=82)
            return out.getvalue(), "image/jpeg"
    # Pillow reports a corrupt chunk as SyntaxError: a broken upload has no preview, no 500.
    except (UnidentifiedImageError, OSError, SyntaxError, Image.DecompressionBombError) as error:
        raise ValueError(str(error)) from None


@require_http_methods(["GET"])
def thumbnail(request: HttpRequest, attachment_id: int) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    item = selectors.attachment_for_user(request.user, attachment_id)
    if item is None or request.user.pk not in item.conversation.user_ids():
        raise Http404("No such file.")
    if item.content_type not in IMAGE_TYPES:
        raise Http404("No preview for this file.")
    try:
        with item.file.open("rb") as data:
            body, content_type = make_thumbnail(data)
    except ValueError:
        raise Http404("No preview for this file.") from None
    response = HttpResponse(body, content_type=content_type)
    response["Cache-Control"] = "private, max-age=86400"
    response["X-Content-Type-Options"] = "nosniff"
    return response
