"""Attachments: what is accepted (by content, not by name) and how it is offered back.

What a file is, and which types may be attached, is marketplace.files' (one detector and
one allow-list for attachments, dispute evidence and order deliveries); this module asks it
with the attachments' subset and names and serves the files.
"""

from __future__ import annotations

from pathlib import PurePath
from urllib.parse import quote

from marketplace import files as file_types

__all__ = [
    "ALLOWED_CONTENT_TYPES",
    "detect_content_type",
    "stored_name",
    "content_disposition",
    "clean_file_name",
]

ALLOWED_CONTENT_TYPES = file_types.ATTACHMENT_TYPES


def detect_content_type(data: bytes, name: str) -> str | None:
    """The allowed content type of `data`, or None when it is not one Gigbox accepts."""
    return file_types.detect_content_type(data, name, ALLOWED_CONTENT_TYPES)


def stored_name(content_type: str, name: str) -> str:
    """The name a checked file is stored and offered under: its type's extension."""
    return file_types.stored_name(content_type, name)


def clean_file_name(name: str) -> str:
    """The user's file name without any directory part or control characters, at most 200 chars."""
    base = PurePath(name.replace("\\", "/")).name
    base = "".join(ch for ch in base if ch.isprintable()).strip().strip(".")
    return base[:200]


def content_disposition(name: str) -> str:
    """`attachment` with an ASCII fallback and the RFC 5987 UTF-8 name."""
    ascii_name = "".join(
        ch if ch.isascii() and ch.isprintable() and ch not in '"\\;' else "_" for ch in name
    )
    return (
        f'attachment; filename="{ascii_name or "download"}"; '
        f"filename*=UTF-8''{quote(name, safe='')}"
    )
