"""Issue 17, finding 4: script files never pass under a script or HTML name.

Text is accepted only as text: a text attachment is stored and offered under a `.txt` name
(or .md/.csv), whatever the sender called it; scripts and markup are refused outright."""

from __future__ import annotations

import pytest

from inbox.checks import AttachmentUpload, SendError, check_attachment
from inbox.files import content_disposition
from inbox.models import Attachment

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "name, stored",
    [
        ("invoice.pdf.bat", "invoice.pdf.txt"),
        ("brief.hta", "brief.txt"),
        ("logo.vbs", "logo.txt"),
        ("setup.ps1", "setup.txt"),
        ("run.cmd", "run.txt"),
        ("notes.txt", "notes.txt"),
        ("table.csv", "table.csv"),
        ("README", "README.txt"),
    ],
)
def test_text_is_stored_and_offered_under_a_text_name(conversation, bob, send, name, stored):
    send(conversation, bob, "", attachments=[AttachmentUpload(name, b"echo hello\r\n")])
    attachment = Attachment.objects.get()
    assert attachment.name == stored and attachment.content_type == "text/plain"
    assert f'filename="{stored}"' in content_disposition(attachment.name)


def test_a_png_under_an_executable_name_is_renamed(png_bytes):
    assert check_attachment(AttachmentUpload("logo.exe", png_bytes)).name == "logo.png"
    assert check_attachment(AttachmentUpload("photo.jpeg.png", png_bytes)).name == "photo.jpeg.png"


@pytest.mark.parametrize(
    "name, content",
    [
        ("page.html", b"<!doctype html><p>hi</p>"),
        ("page.txt", b"  <HTML><body onload=alert(1)>"),
        ("x.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script>'),
        ("x.txt", b"<?xml version='1.0'?><svg/>"),
        ("brief.hta", b'<script language=vbscript>CreateObject("WScript.Shell")</script>'),
        ("setup.sh", b"#!/bin/sh\nrm -rf ~\n"),
    ],
)
def test_scripts_and_markup_are_refused_as_text(name, content):
    with pytest.raises(SendError) as info:
        check_attachment(AttachmentUpload(name, content))
    assert info.value.code == "invalid_attachment"
