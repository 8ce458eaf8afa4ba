"""Which files Gigbox accepts, judged by their content: one allow-list, one detector.

Every upload goes through `detect_content_type` with the subset its use allows:
ATTACHMENT_TYPES for inbox attachments and dispute evidence (inbox.files), DELIVERY_TYPES
for order deliveries (marketplace.services). The module sits low in the dependency graph
(marketplace <- inbox <- moderation) so that every app can import it.

Types are detected from the bytes with puremagic; the user's file extension only chooses
between types that share one container (a .doc and an .xls are both OLE2 files). Zip files
are opened to tell Office documents from plain archives. A file whose content is a known
type outside the use's subset is refused, and so is one whose content matches no type.
"""

from __future__ import annotations

import codecs
import io
import zipfile
from pathlib import PurePath
from typing import BinaryIO

import puremagic

__all__ = [
    "ATTACHMENT_TYPES",
    "DELIVERY_TYPES",
    "KNOWN_TYPES",
    "detect_content_type",
    "stored_extension",
    "stored_name",
]

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
OLE2_TYPES = {
    ".doc": "application/msword",
    ".xls": "application/vnd.ms-excel",
    ".ppt": "application/vnd.ms-powerpoint",
}

# The allow-list: every content type Gigbox accepts for some use, with the extension a
# stored copy is named with.
KNOWN_TYPES: dict[str, str] = {
    "image/png": ".png",
    "image/jpeg": ".jpg",
    "image/gif": ".gif",
    "image/webp": ".webp",
    "image/svg+xml": ".svg",
    "image/vnd.adobe.photoshop": ".psd",
    "application/pdf": ".pdf",
    "audio/mpeg": ".mp3",
    "video/mp4": ".mp4",
    "application/zip": ".zip",
    "text/plain": ".txt",
    DOCX: ".docx",
    XLSX: ".xlsx",
    PPTX: ".pptx",
    **{content_type: suffix for suffix, content_type in OLE2_TYPES.items()},
}

_IMAGES = frozenset({"image/png", "image/jpeg", "image/gif", "image/webp"})
_OOXML = frozenset({DOCX, XLSX, PPTX})

# Attachments are shown and downloaded inside a chat: no SVG (it can carry script), no media.
ATTACHMENT_TYPES = frozenset(
    {*_IMAGES, "application/pdf", "application/zip", "text/plain", *_OOXML, *OLE2_TYPES.values()}
)
# Deliveries are the work itself: design sources, audio and video too, but not Office 97 files.
DELIVERY_TYPES = frozenset(
    {
        *_IMAGES,
        "image/svg+xml",
        "image/vnd.adobe.photoshop",
        "application/pdf",
        "audio/mpeg",
        "video/mp4",
        "application/zip",
        "text/plain",
        *_OOXML,
    }
)
assert KNOWN_TYPES.keys() >= ATTACHMENT_TYPES and KNOWN_TYPES.keys() >= DELIVERY_TYPES

# A text file keeps its own extension when it is one of these.
TEXT_SUFFIXES = frozenset({".txt", ".md", ".csv"})

# Other extensions a stored copy may keep for its type.
_ALIASES = {"image/jpeg": frozenset({".jpeg"})}
# Text that starts like this is a script or markup a browser or shell would run: refused,
# whatever its name (issue 17: `brief.hta`, a text `x.svg`, `page.html`).
_SCRIPT_STARTS = (b"#!", b"<")

# puremagic looks at a file's first bytes (headers) and last bytes (footers: an SVG's
# "</svg>"): it is given both ends, so a large upload is never read whole for it.
_SAMPLE_BYTES = 8192
_ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")
_OLE2_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")
_OOXML_PARTS = (
    ("word/document.xml", DOCX),
    ("xl/workbook.xml", XLSX),
    ("ppt/presentation.xml", PPTX),
)


def detect_content_type(source: bytes | BinaryIO, name: str, allowed: frozenset[str]) -> str | None:
    """The content type of `source` (bytes or a seekable binary file, left at its start)
    when it is one of `allowed`, else None. `name` is the user's file name."""
    stream = io.BytesIO(source) if isinstance(source, bytes) else source
    try:
        content_type = _content_type(stream, PurePath(name).suffix.lower())
    finally:
        stream.seek(0)
    return content_type if content_type in allowed else None


def stored_extension(content_type: str, name: str) -> str:
    """The extension a stored copy of a file of `content_type` gets: the type's own, except
    that plain text keeps a text extension the user gave it (.md, .csv)."""
    suffix = PurePath(name).suffix.lower()
    if content_type == "text/plain" and suffix in TEXT_SUFFIXES:
        return suffix
    return KNOWN_TYPES[content_type]


def stored_name(content_type: str, name: str) -> str:
    """`name` with the extension of `content_type` (`brief.hta` of text is `brief.txt`): a
    file is never offered under a script or HTML name. A name already ending right stays."""
    path = PurePath(name)
    suffix = path.suffix.lower()
    if suffix == stored_extension(content_type, name) or suffix in _ALIASES.get(content_type, ()):
        return name
    return f"{path.stem if suffix else name}{stored_extension(content_type, name)}"


def _content_type(stream: BinaryIO, suffix: str) -> str | None:
    """What the bytes are (allowed or not), or None when they are nothing we know."""
    stream.seek(0)
    head = stream.read(_SAMPLE_BYTES)
    if head.startswith(_ZIP_MAGIC):
        return _zip_type(stream)
    if head.startswith(_OLE2_MAGIC):
        return OLE2_TYPES.get(suffix)
    recognised = _magic_type(head + _tail(stream, len(head)))
    if recognised is not None:
        # A recognised type (html, exe, ...) is that type, even if the same bytes would
        # also pass as text.
        return recognised
    if not head or head.lstrip().startswith(_SCRIPT_STARTS):
        return None
    return "text/plain" if _is_plain_text(stream) else None


def _tail(stream: BinaryIO, head_size: int) -> bytes:
    """The last bytes after the head (none when the head was the whole file)."""
    end = stream.seek(0, io.SEEK_END)
    if end <= head_size:
        return b""
    stream.seek(max(head_size, end - _SAMPLE_BYTES))
    return stream.read(_SAMPLE_BYTES)


def _magic_type(sample: bytes) -> str | None:
    """The content type puremagic is most confident of, among the matches that name one."""
    try:
        matches = [match for match in puremagic.magic_string(sample) if match.mime_type]
    except puremagic.PureError:
        return None
    if not matches:
        return None
    return max(matches, key=lambda match: match.confidence).mime_type


def _zip_type(stream: BinaryIO) -> str | None:
    try:
        names = set(zipfile.ZipFile(stream).namelist())
    except (zipfile.BadZipFile, ValueError, OSError):
        return None
    for part, content_type in _OOXML_PARTS:
        if part in names:
            return content_type
    return "application/zip"


def _is_plain_text(stream: BinaryIO) -> bool:
    """UTF-8 throughout, with no NUL and no control character but tab, newlines and form feed."""
    stream.seek(0)
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        while chunk := stream.read(64 * 1024):
            if b"\x00" in chunk or not _printable(decoder.decode(chunk)):
                return False
        return _printable(decoder.decode(b"", final=True))
    except UnicodeDecodeError:
        return False


_TEXT_CONTROLS = dict.fromkeys(map(ord, "\t\r\n\f"))


def _printable(text: str) -> bool:
    # str.translate and str.isprintable run in C: a 24 MB file is checked in a fraction of
    # the time a per-character loop took.
    return text.translate(_TEXT_CONTROLS).isprintable()
