"""Previews of image attachments (inbox/thumbnails.py): made with Pillow, at most 320 px,
to the conversation's participants only, the same 404 for a stranger as for a missing file."""

from __future__ import annotations

import io

import pytest
from django.test import Client
from PIL import Image

from inbox.checks import AttachmentUpload
from inbox.models import Attachment

pytestmark = pytest.mark.django_db


def png(width: int, height: int) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), (200, 30, 30)).save(out, "PNG")
    return out.getvalue()


def client_for(user) -> Client:
    client = Client()
    client.force_login(user, backend="moderation.auth.NotSuspendedModelBackend")
    return client


@pytest.fixture
def picture(conversation, bob, send):
    send(conversation, bob, "", attachments=[AttachmentUpload("moodboard.png", png(1200, 600))])
    return Attachment.objects.get()


def test_participants_get_a_small_preview(picture, alice, bob):
    for user in (alice, bob):
        response = client_for(user).get(f"/inbox/attachments/{picture.pk}/thumb/")
        assert response.status_code == 200
        assert response["Content-Type"] == "image/jpeg"
        with Image.open(io.BytesIO(response.content)) as preview:
            assert preview.size == (320, 160)


def test_a_stranger_gets_a_404_and_a_visitor_the_login(picture, charlie):
    assert client_for(charlie).get(f"/inbox/attachments/{picture.pk}/thumb/").status_code == 404
    assert Client().get(f"/inbox/attachments/{picture.pk}/thumb/").status_code == 302


def test_a_file_that_is_not_an_image_has_no_preview(conversation, bob, send, alice):
    send(conversation, bob, "", attachments=[AttachmentUpload("notes.txt", b"plain notes\n")])
    item = Attachment.objects.get()
    assert client_for(alice).get(f"/inbox/attachments/{item.pk}/thumb/").status_code == 404


def test_a_png_with_a_broken_chunk_has_no_preview():
    """Pillow raises SyntaxError for a corrupt chunk; it must not become a 500."""
    import io

    import pytest

    from inbox.thumbnails import make_thumbnail
    from tests.factories import PNG_BYTES  # the test world's small PNG, whose chunks break

    with pytest.raises(ValueError):
        make_thumbnail(io.BytesIO(PNG_BYTES))
