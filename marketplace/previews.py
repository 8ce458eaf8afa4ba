"""Small previews of private images (message attachments, delivered files), made on the
server with Pillow.

Each caller serves them through the same access check as the file itself (inbox.thumbnails,
marketplace.views.delivery_thumbnail). The preview is re-encoded from the decoded pixels
(PNG or JPEG), so nothing but pixels passes from the sender's file to the reader's page.
"""

from __future__ import annotations

import io

from django.db.models.fields.files import FieldFile
from django.http import Http404, HttpResponse
from PIL import Image, ImageOps, UnidentifiedImageError

from marketplace.media import IMAGE_TYPES, MAX_PIXELS

__all__ = ["THUMB_SIZE", "IMAGE_TYPES", "make_thumbnail", "preview_response"]

THUMB_SIZE = (320, 320)


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


def preview_response(file: FieldFile, content_type: str) -> HttpResponse:
    """The preview of a file the caller has checked the reader may see; 404 without one."""
    if content_type not in IMAGE_TYPES:
        raise Http404("No preview for this file.")
    try:
        with file.open("rb") as data:
            body, preview_type = make_thumbnail(data)
    except ValueError:
        raise Http404("No preview for this file.") from None
    response = HttpResponse(body, content_type=preview_type)
    response["Cache-Control"] = "private, max-age=86400"
    response["X-Content-Type-Options"] = "nosniff"
    return response
