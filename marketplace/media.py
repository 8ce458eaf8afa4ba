"""Gig images and seller avatars: checked, re-encoded and stored with their thumbnails.

An upload is accepted when its bytes are an image (marketplace.files, the same detector as
attachments: JPEG, PNG, WebP or GIF; no SVG), within GIGBOX_IMAGE_MAX_BYTES and MAX_PIXELS.
Pillow decodes it and only the pixels are kept: a fresh image is encoded as JPEG, so EXIF
(GPS, a script in a comment), ICC profiles, trailing bytes of a polyglot and animation frames
are all gone. Sizes are made at upload: the picture itself (at most 1600 px) and two
thumbnails (cards and the gallery strip). Every file is written before the row; if anything
fails, the files written so far are deleted, so nothing is half-stored.

The files live under public/ in MEDIA_ROOT, served without an access check and with long
cache headers (marketplace.storefront_views.public_media): gig pages and profiles are public.
"""

from __future__ import annotations

import io
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models.fields.files import FieldFile
from PIL import Image, ImageOps, UnidentifiedImageError

from marketplace import files as file_types
from marketplace.models import Gig, GigImage, SellerProfile

__all__ = [
    "IMAGE_TYPES",
    "MAX_IMAGES",
    "add_gig_image",
    "remove_gig_image",
    "make_cover",
    "set_avatar",
    "clean_image",
]

IMAGE_TYPES = frozenset({"image/png", "image/jpeg", "image/gif", "image/webp"})
MAX_IMAGES = 5
MAX_PIXELS = 40_000_000  # a decompression bomb is refused before its pixels are decoded
FULL = (1600, 1600)  # fitted inside
LARGE = (640, 400)  # cards and the gallery's main picture, cropped to 16:10
SMALL = (160, 100)  # the gallery strip
AVATAR = (256, 256)
AVATAR_SMALL = (64, 64)
NOT_AN_IMAGE = "Only images can be uploaded here: JPEG, PNG, WebP or GIF."


def _limit() -> int:
    return getattr(settings, "GIGBOX_IMAGE_MAX_BYTES", 5 * 1024 * 1024)


def clean_image(upload: UploadedFile) -> Image.Image:
    """The upload's pixels in a fresh RGB image (no metadata), or ValidationError."""
    if upload.size > _limit():
        raise ValidationError(f"The image is too large: the limit is {_limit() >> 20} MB.")
    if file_types.detect_content_type(upload, upload.name or "", IMAGE_TYPES) is None:
        raise ValidationError(NOT_AN_IMAGE, code="not_an_image")
    try:
        with Image.open(upload) as original:
            if original.width * original.height > MAX_PIXELS:
                raise ValidationError("The image has too many pixels.", code="too_many_pixels")
            original.seek(0)  # the first frame of an animation
            upright = ImageOps.exif_transpose(original)
            return _pixels_only(upright)
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise ValidationError(NOT_AN_IMAGE, code="not_an_image") from None
    finally:
        upload.seek(0)


def _pixels_only(image: Image.Image) -> Image.Image:
    rgba = image.convert("RGBA")
    clean = Image.new("RGB", rgba.size, "white")
    clean.paste(rgba, mask=rgba.getchannel("A"))
    return clean


def _jpeg(image: Image.Image) -> ContentFile:
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=85, optimize=True, progressive=True)
    return ContentFile(buffer.getvalue())


def _fitted(image: Image.Image, box: tuple[int, int]) -> Image.Image:
    fitted = image.copy()
    fitted.thumbnail(box, Image.Resampling.LANCZOS)
    return fitted


def _cropped(image: Image.Image, box: tuple[int, int]) -> Image.Image:
    return ImageOps.fit(image, box, Image.Resampling.LANCZOS)


@dataclass
class _Written:
    """Files saved so far, deleted again when the step fails."""

    files: list[FieldFile]

    def save(self, field: FieldFile, name: str, content: ContentFile) -> None:
        field.save(name, content, save=False)
        self.files.append(field)

    def discard(self) -> None:
        for field in self.files:
            field.delete(save=False)


@transaction.atomic
def add_gig_image(*, gig: Gig, upload: UploadedFile) -> GigImage:
    """Add an image to the gig (last place; the first image is the cover)."""
    Gig.objects.select_for_update().filter(pk=gig.pk).first()  # one upload at a time per gig
    count = gig.images.count()
    if count >= MAX_IMAGES:
        raise ValidationError(f"A gig can have {MAX_IMAGES} images at most.", code="too_many")
    image = clean_image(upload)
    row = GigImage(gig=gig, position=count, width=0, height=0)
    full = _fitted(image, FULL)
    row.width, row.height = full.size
    written = _Written([])
    try:
        written.save(row.image, "full.jpg", _jpeg(full))
        written.save(row.large, "large.jpg", _jpeg(_cropped(image, LARGE)))
        written.save(row.small, "small.jpg", _jpeg(_cropped(image, SMALL)))
        row.full_clean()
        row.save()
    except Exception:
        written.discard()
        raise
    return row


def _renumber(gig: Gig, first: GigImage | None = None) -> None:
    images = list(gig.images.all())
    if first is not None:
        images = [first] + [i for i in images if i.pk != first.pk]
    for position, image in enumerate(images):
        if image.position != position:
            GigImage.objects.filter(pk=image.pk).update(position=position)


@transaction.atomic
def remove_gig_image(*, image: GigImage) -> None:
    """Delete the image and its files (after commit); the others close ranks."""
    gig, files = image.gig, [image.image, image.large, image.small]
    image.delete()
    _renumber(gig)
    transaction.on_commit(lambda: [f.storage.delete(f.name) for f in files if f.name])


@transaction.atomic
def make_cover(*, image: GigImage) -> None:
    """Put the image first: it becomes the gig's cover."""
    _renumber(image.gig, first=image)


@transaction.atomic
def set_avatar(*, profile: SellerProfile, upload: UploadedFile) -> SellerProfile:
    """Replace the seller's photo (square, two sizes); the old files go after commit."""
    image = clean_image(upload)
    old = [f.name for f in (profile.avatar, profile.avatar_small) if f.name]
    written = _Written([])
    try:
        # Never the same name twice: the files are cached for a year (long cache headers).
        written.save(profile.avatar, f"{uuid.uuid4().hex}.jpg", _jpeg(_cropped(image, AVATAR)))
        small = _jpeg(_cropped(image, AVATAR_SMALL))
        written.save(profile.avatar_small, f"{uuid.uuid4().hex}.jpg", small)
        profile.save(update_fields=["avatar", "avatar_small"])
    except Exception:
        written.discard()
        raise
    storage = profile.avatar.storage
    transaction.on_commit(lambda: [storage.delete(name) for name in old])
    return profile
