"""Attachments: accepted by content, limited in size, named without contact details, and
served only to the participants (and staff) as downloads."""

from __future__ import annotations

import hashlib
import io
import zipfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from inbox.checks import AttachmentUpload, SendError, read_upload
from inbox.files import content_disposition, detect_content_type
from inbox.models import Attachment, Message
from inbox.protocol import validate_server_frame
from inbox.verification import verify_conversation

pytestmark = pytest.mark.django_db


def zipped(*names: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in names:
            archive.writestr(name, "<x/>")
    return buffer.getvalue()


@pytest.mark.parametrize(
    "name, content, expected",
    [
        ("logo.png", "png", "image/png"),
        ("scan.pdf", b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj", "application/pdf"),
        ("notes.txt", "Plain notes, caf\u00e9.\n".encode(), "text/plain"),
        (
            "brief.docx",
            zipped("[Content_Types].xml", "word/document.xml"),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        (
            "sheet.xlsx",
            zipped("[Content_Types].xml", "xl/workbook.xml"),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
        ("assets.zip", zipped("a.txt"), "application/zip"),
        ("old.doc", bytes.fromhex("D0CF11E0A1B11AE1") + b"\0" * 600, "application/msword"),
        ("page.txt", b"<html><script>alert(1)</script></html>", None),
        ("tool.png", b"MZ\x90\x00" + b"\0" * 60, None),
        ("mystery.bin", b"\x00\x01\x02\x03binary", None),
        ("broken.zip", b"PK\x03\x04not really a zip", None),
    ],
)
def test_the_type_comes_from_the_content(name, content, expected, png_bytes):
    data = png_bytes if content == "png" else content
    assert detect_content_type(data, name) == expected


def test_a_file_is_stored_under_a_server_chosen_name_and_chained(
    conversation, bob, send, png_bytes
):
    sent = send(
        conversation, bob, "", attachments=[AttachmentUpload("../../etc/My Logo.png", png_bytes)]
    )
    attachment = Attachment.objects.get()
    assert attachment.name == "My Logo.png"
    assert attachment.file.name.startswith(f"attachments/{conversation.pk}/")
    assert "Logo" not in attachment.file.name
    assert attachment.sha256 == hashlib.sha256(png_bytes).hexdigest() and attachment.size == len(
        png_bytes
    )
    assert sent.payload["attachments"][0]["url"] == f"/inbox/attachments/{attachment.pk}/"
    conversation.refresh_from_db()
    assert verify_conversation(conversation) is None


@pytest.mark.parametrize(
    "upload, reason",
    [
        (AttachmentUpload("page.html", b"<html><body>hi</body></html>"), "only images"),
        (AttachmentUpload("call 0151 2345 6789.png", "png"), "contact details"),
        (AttachmentUpload("empty.txt", b""), "empty"),
        (AttachmentUpload("", b"text"), "name"),
    ],
)
def test_a_refused_file_stores_nothing(conversation, bob, send, upload, reason, png_bytes):
    if upload.content == "png":
        upload = AttachmentUpload(upload.name, png_bytes)
    with pytest.raises(SendError) as info:
        send(conversation, bob, "see attached", attachments=[upload])
    assert info.value.code == "invalid_attachment" and reason in info.value.message
    assert not Message.objects.exists() and not Attachment.objects.exists()


def test_the_size_limit_is_a_setting(conversation, bob, send, settings):
    settings.GIGBOX_ATTACHMENT_MAX_BYTES = 1024
    send(conversation, bob, "fits", attachments=[AttachmentUpload("a.txt", b"a" * 1024)])
    with pytest.raises(SendError) as info:
        send(conversation, bob, "too big", attachments=[AttachmentUpload("b.txt", b"a" * 1025)])
    assert info.value.code == "invalid_attachment" and info.value.extra["limit"] == 1024


def test_the_default_limit_is_25_mb(settings):
    assert settings.GIGBOX_ATTACHMENT_MAX_BYTES == 25 * 1024 * 1024


def test_an_upload_over_the_limit_is_refused_before_it_is_read():
    class HugeUpload:  # what Django hands over for a 2 GB file: on disk, with its size known
        name, size = "footage.zip", 2 * 1024**3

        def read(self) -> bytes:
            raise AssertionError("read into memory before the size check")

    with pytest.raises(SendError) as info:
        read_upload(HugeUpload())
    assert (info.value.code, info.value.message) == (
        "invalid_attachment",
        "footage.zip is over 25 MB.",
    )


def stored_files(settings) -> list[Path]:
    return [path for path in Path(settings.MEDIA_ROOT).rglob("*") if path.is_file()]


@pytest.mark.parametrize("via", ["api", "form"])
def test_an_over_limit_upload_gets_the_clear_error_and_stores_nothing(
    conversation, bob, settings, via
):
    settings.GIGBOX_ATTACHMENT_MAX_BYTES = 1024 * 1024
    client = Client()
    client.force_login(bob, backend="moderation.auth.NotSuspendedModelBackend")
    big = SimpleUploadedFile("big.txt", b"a" * (1024 * 1024 + 1), content_type="text/plain")
    form = {"client_id": "http-key-too-big", "body": "the brief", "files": [big]}
    if via == "api":
        response = client.post(f"/api/inbox/conversations/{conversation.pk}/messages/", form)
        assert response.status_code == 400
        body = response.json()
        assert (body["code"], body["message"], body["limit"]) == (
            "invalid_attachment",
            "big.txt is over 1 MB.",
            1024 * 1024,
        )
        validate_server_frame(body, over_http=True)
    else:
        response = client.post(f"/inbox/{conversation.pk}/send/", form, follow=True)
        page = response.content.decode()
        assert "big.txt is over 1 MB." in page
        assert response.context["send_form"]["body"].value() == "the brief"  # the draft is kept
    assert not Message.objects.exists() and not Attachment.objects.exists()
    assert stored_files(settings) == []


def test_a_failed_write_leaves_no_file_behind(conversation, bob, send, monkeypatch, settings):
    from django.db import OperationalError

    from inbox import store

    monkeypatch.setattr(
        store.current(),
        "write",
        lambda *args, **kwargs: (_ for _ in ()).throw(OperationalError("down")),
    )
    with pytest.raises(SendError):
        send(conversation, bob, "x", attachments=[AttachmentUpload("a.txt", b"hello")])
    folder = settings.MEDIA_ROOT / "attachments" / str(conversation.pk)
    assert not folder.exists() or not any(folder.iterdir())


# Download ---------------------------------------------------------------------------------------


@pytest.fixture
def attachment(conversation, bob, send):
    send(
        conversation,
        bob,
        "the brief",
        attachments=[AttachmentUpload('Brief \u00e9t\u00e9 "v2".txt', b"The brief, in words.\n")],
    )
    return Attachment.objects.get()


def client_for(user) -> Client:
    client = Client()
    client.force_login(user, backend="moderation.auth.NotSuspendedModelBackend")
    return client


@pytest.mark.parametrize("who", ["alice", "bob"])
def test_participants_download_with_safe_headers(attachment, who, request):
    response = client_for(request.getfixturevalue(who)).get(f"/inbox/attachments/{attachment.pk}/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"The brief, in words.\n"
    assert response["Content-Type"] == "text/plain"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"] == content_disposition(attachment.name)
    assert response["Content-Disposition"].startswith('attachment; filename="Brief _t_ _v2_.txt"; ')
    assert (
        "filename*=UTF-8''Brief%20%C3%A9t%C3%A9%20%22v2%22.txt" in response["Content-Disposition"]
    )


@pytest.mark.parametrize("who", ["charlie", "stella"])
def test_an_outsider_gets_the_same_404_as_for_a_missing_file(attachment, who, request):
    """Staff with no flag, report or dispute holding the message are outsiders too (issue 18,
    problem 4: staff downloaded any attachment by its sequential id)."""
    client = client_for(request.getfixturevalue(who))
    not_yours = client.get(f"/inbox/attachments/{attachment.pk}/")
    missing = client.get("/inbox/attachments/987654/")
    assert not_yours.status_code == missing.status_code == 404
    assert not_yours.content == missing.content


def test_an_anonymous_visitor_is_sent_to_log_in(attachment):
    response = Client().get(f"/inbox/attachments/{attachment.pk}/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
