"""One check of what a file is (marketplace.files) serves three uses: inbox attachments,
dispute evidence and order deliveries. Fed the same bytes, they agree: a type both uses
allow is stored with the same content type, and what neither allows is refused by all."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from disputes import services as dispute_services
from inbox.checks import AttachmentUpload, SendError, check_attachment
from marketplace import files as file_types
from marketplace import services as market_services

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 64


def _zipped(*names: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in names:
            archive.writestr(name, "<x/>")
    return buffer.getvalue()


SAMPLES = [
    ("logo.png", PNG),
    ("photo.jpg", b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\0" * 64),
    ("scan.pdf", b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj"),
    ("notes.txt", "Plain notes, caf\u00e9.\n".encode()),
    ("brief.docx", _zipped("[Content_Types].xml", "word/document.xml")),
    ("assets.zip", _zipped("a.txt")),
    ("old.doc", bytes.fromhex("D0CF11E0A1B11AE1") + b"\0" * 600),
    ("drawing.svg", b'<svg xmlns="http://www.w3.org/2000/svg"></svg>'),
    ("page.txt", b"<html><script>alert(1)</script></html>"),
    ("tool.png", b"MZ\x90\x00" + b"\0" * 60),
    ("mystery.bin", b"\x00\x01\x02\x03binary"),
    ("broken.zip", b"PK\x03\x04not really a zip"),
]


def _as_attachment(name: str, data: bytes) -> str | None:
    try:
        return check_attachment(AttachmentUpload(name, data)).content_type
    except SendError:
        return None


def _as_evidence(dispute, author, name: str, data: bytes) -> str | None:
    try:
        entry = dispute_services.add_evidence(
            dispute=dispute, author=author, body="See file", upload=AttachmentUpload(name, data)
        )
    except ValidationError:
        return None
    return entry.content_type


def _as_delivery(name: str, data: bytes) -> str | None:
    try:
        return market_services._checked_file(SimpleUploadedFile(name, data))[1]
    except ValidationError:
        return None


@pytest.mark.parametrize("name, data", SAMPLES, ids=[name for name, _ in SAMPLES])
def test_attachments_evidence_and_deliveries_agree(dispute, bob, name, data):
    detected = file_types.detect_content_type(data, name, frozenset(file_types.KNOWN_TYPES))
    attachment, evidence, delivery = (
        _as_attachment(name, data),
        _as_evidence(dispute, bob, name, data),
        _as_delivery(name, data),
    )

    assert attachment == evidence
    assert attachment == (detected if detected in file_types.ATTACHMENT_TYPES else None)
    assert delivery == (detected if detected in file_types.DELIVERY_TYPES else None)
    if detected in file_types.ATTACHMENT_TYPES & file_types.DELIVERY_TYPES:
        assert attachment == delivery == detected


def test_the_samples_cover_accepted_and_refused_files():
    """The agreement above means something only if some samples pass and some are refused."""
    known = frozenset(file_types.KNOWN_TYPES)
    results = {file_types.detect_content_type(data, name, known) for name, data in SAMPLES}
    assert {
        "image/png",
        "image/jpeg",
        "text/plain",
        file_types.DOCX,
        "application/zip",
        None,
    } <= results
