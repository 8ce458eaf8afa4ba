"""Attachments: what is accepted (by content, not by name) and how it is offered back.

Types are detected from the bytes with puremagic; the user's file extension only chooses
between types that share one container (a .doc and an .xls are both OLE2 files). Zip files
are opened to tell Office documents from plain archives. Anything not on the allow-list is
refused, and so is a file whose content matches no allowed type.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import PurePath
from urllib.parse import quote

import puremagic

__all__ = ["ALLOWED_CONTENT_TYPES", "detect_content_type", "content_disposition", "clean_file_name"]

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
OLE2_TYPES = {".doc": "application/msword", ".xls": "application/vnd.ms-excel", ".ppt": "application/vnd.ms-powerpoint"}

ALLOWED_CONTENT_TYPES = frozenset(
    {
        "image/png",
        "image/jpeg",
        "image/gif",
        "image/webp",
        "application/pdf",
        "application/zip",
        "text/plain",
        DOCX,
        XLSX,
        PPTX,
        *OLE2_TYPES.values(),
    }
)

_OOXML_PARTS = (("word/document.xml", DOCX), ("xl/workbook.xml", XLSX), ("ppt/presentation.xml", PPTX))
_OLE2_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")


def _zip_type(data: bytes) -> str | None:
    try:
        names = set(zipfile.ZipFile(io.BytesIO(data)).namelist())
    except (zipfile.BadZipFile, ValueError, OSError):
        return None
    for part, content_type in _OOXML_PARTS:
        if part in names:
            return content_type
    return "application/zip"


def _is_plain_text(data: bytes) -> bool:
    if b"\x00" in data:
        return False
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return all(ch.isprintable() or ch in "\t\r\n\f" for ch in text)


def detect_content_type(data: bytes, name: str) -> str | None:
    """The allowed content type of `data`, or None when it is not one Gigbox accepts."""
    if data.startswith(b"PK\x03\x04") or data.startswith(b"PK\x05\x06"):
        return _zip_type(data)
    if data.startswith(_OLE2_MAGIC):
        return OLE2_TYPES.get(PurePath(name).suffix.lower())
    try:
        matches = puremagic.magic_string(data)
    except puremagic.PureError:
        matches = []
    if matches:
        # A recognised type that is not allowed (html, exe, ...) is refused, even if the
        # same bytes would also pass as text.
        best = max(matches, key=lambda match: match.confidence)
        return best.mime_type if best.mime_type in ALLOWED_CONTENT_TYPES else None
    return "text/plain" if data and _is_plain_text(data) else None


def clean_file_name(name: str) -> str:
    """The user's file name without any directory part or control characters, at most 200 chars."""
    base = PurePath(name.replace("\\", "/")).name
    base = "".join(ch for ch in base if ch.isprintable()).strip().strip(".")
    return base[:200]


def content_disposition(name: str) -> str:
    """`attachment` with an ASCII fallback and the RFC 5987 UTF-8 name."""
    ascii_name = "".join(ch if ch.isascii() and ch.isprintable() and ch not in '"\\;' else "_" for ch in name)
    return f"attachment; filename=\"{ascii_name or 'download'}\"; filename*=UTF-8''{quote(name, safe='')}"
