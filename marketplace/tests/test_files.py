"""marketplace.files: what a file is, by its content, for every use."""

from __future__ import annotations

import io

import pytest

from marketplace import files

JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\0" * 64
MP3 = b"ID3\x03\x00\x00\x00\x00\x00\x00" + b"\0" * 64


@pytest.mark.parametrize(
    "name, data, expected",
    [
        ("photo.jpg", JPEG, "image/jpeg"),  # puremagic names it .jfif first
        ("song.mp3", MP3, "audio/mpeg"),  # a match without a content type (.koz) is passed over
        ("notes.md", b"# Notes\n", "text/plain"),
        ("beep.txt", b"ring \x07 ring", None),  # a control character is not plain text
    ],
)
def test_deliveries_judge_the_content(name, data, expected):
    assert files.detect_content_type(data, name, files.DELIVERY_TYPES) == expected


def test_a_long_file_is_judged_by_both_ends_and_left_at_its_start():
    """An SVG is known by its closing tag, far from the head of a large file."""
    stream = io.BytesIO(
        b"<!-- " + b"x" * 50_000 + b" -->\n" + b'<svg xmlns="http://www.w3.org/2000/svg"></svg>'
    )
    assert (
        files.detect_content_type(stream, "a.txt", frozenset(files.KNOWN_TYPES)) == "image/svg+xml"
    )
    assert stream.tell() == 0


def test_text_split_across_read_chunks_is_still_text():
    text = ("caf\u00e9 " * 40_000).encode()  # multi-byte characters straddle every chunk edge
    assert files.detect_content_type(text, "long.txt", files.ATTACHMENT_TYPES) == "text/plain"


@pytest.mark.parametrize(
    "content_type, name, expected",
    [
        ("text/plain", "notes.md", ".md"),
        ("text/plain", "notes.html", ".txt"),
        ("image/jpeg", "x.jpeg", ".jpg"),
        (files.DOCX, "a.zip", ".docx"),
    ],
)
def test_a_stored_copy_is_named_by_its_type(content_type, name, expected):
    assert files.stored_extension(content_type, name) == expected
