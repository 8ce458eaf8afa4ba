"""Pictures for the demo, drawn with Pillow at seed time (no image files in git).

Each gig gets a few "portfolio" images in its category's colours: a gradient, a few shapes
and a short caption; each seller a round avatar with initials. They go through
marketplace.media like any upload, so the demo shows the real re-encoded files.
"""

from __future__ import annotations

import io
import random

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageDraw, ImageFont

__all__ = ["gig_pictures", "avatar_picture"]

SIZE = (1280, 800)
# Two colours per category slug (top-left to bottom-right of the gradient).
PALETTES = {
    "logo-brand-design": ("#1b7f5b", "#7bd3a8"),
    "web-development": ("#1d3f8f", "#5aa7e8"),
    "writing-translation": ("#7a2e8f", "#e08ad0"),
    "video-animation": ("#b3471d", "#f6b25a"),
    "voice-over-audio": ("#0f5e6e", "#58c7c1"),
    "data-automation": ("#333a4d", "#8a99c2"),
}
DEFAULT_PALETTE = ("#3d4a5c", "#9fb0c6")


def _rgb(colour: str) -> tuple[int, int, int]:
    return tuple(int(colour[i : i + 2], 16) for i in (1, 3, 5))


def _gradient(size: tuple[int, int], start: str, end: str) -> Image.Image:
    """A diagonal gradient, drawn small and scaled up (smooth and quick)."""
    small = Image.new("RGB", (64, 40))
    a, b = _rgb(start), _rgb(end)
    for x in range(64):
        for y in range(40):
            t = (x / 63 + y / 39) / 2
            small.putpixel((x, y), tuple(round(a[i] + (b[i] - a[i]) * t) for i in range(3)))
    return small.resize(size, Image.Resampling.BICUBIC)


def _shapes(draw: ImageDraw.ImageDraw, rng: random.Random) -> None:
    width, height = SIZE
    for _ in range(6):
        x, y = rng.randrange(width), rng.randrange(height)
        r = rng.randrange(60, 260)
        colour = (255, 255, 255, rng.randrange(25, 70))
        if rng.random() < 0.5:
            draw.ellipse((x - r, y - r, x + r, y + r), fill=colour)
        else:
            draw.rounded_rectangle((x - r, y - r // 2, x + r, y + r // 2), radius=30, fill=colour)


def _caption(draw: ImageDraw.ImageDraw, lines: list[str]) -> None:
    width, height = SIZE
    big, small = ImageFont.load_default(size=84), ImageFont.load_default(size=40)
    draw.rounded_rectangle(
        (70, height - 300, width - 70, height - 70), radius=28, fill=(0, 0, 0, 90)
    )
    draw.text((110, height - 270), lines[0], font=big, fill="white")
    if len(lines) > 1:
        draw.text((114, height - 150), lines[1], font=small, fill=(255, 255, 255, 230))


def _png(image: Image.Image, name: str) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    image.convert("RGB").save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def _label(tag: str) -> str:
    """'seo' -> 'SEO', 'voice over' -> 'Voice over': a caption from a tag."""
    return tag.upper() if len(tag) <= 3 else tag[:1].upper() + tag[1:]


def gig_pictures(*, title: str, tags: list[str], category: str, count: int = 3):
    """`count` pictures of a gig, as uploads (the same gig always gets the same ones)."""
    start, end = PALETTES.get(category, DEFAULT_PALETTE)
    rng = random.Random(title)
    words = [_label(tag) for tag in tags] or [title]
    for n in range(count):
        base = _gradient(SIZE, start, end) if n % 2 == 0 else _gradient(SIZE, end, start)
        layer = Image.new("RGBA", SIZE, (0, 0, 0, 0))
        draw = ImageDraw.Draw(layer)
        _shapes(draw, rng)
        heading = words[n % len(words)][:22]
        _caption(draw, [heading, "Sample work" if n else "Gigbox demo"])
        image = Image.alpha_composite(base.convert("RGBA"), layer)
        yield _png(image, f"gig-{n + 1}.png")


def avatar_picture(*, name: str, category: str = "") -> SimpleUploadedFile:
    """A round avatar with the seller's initials."""
    start, end = PALETTES.get(category, DEFAULT_PALETTE)
    size = (320, 320)
    image = _gradient(size, start, end).convert("RGBA")
    draw = ImageDraw.Draw(image)
    initials = "".join(part[0] for part in name.split()[:2]).upper() or "?"
    font = ImageFont.load_default(size=130)
    box = draw.textbbox((0, 0), initials, font=font)
    x = (size[0] - (box[2] - box[0])) / 2 - box[0]
    y = (size[1] - (box[3] - box[1])) / 2 - box[1]
    draw.text((x, y), initials, font=font, fill="white")
    return _png(image, "avatar.png")
