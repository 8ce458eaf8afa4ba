"""Personas for inbox tests: alice sells, bob buys from her, charlie is a stranger to both.

`conversation` is alice and bob's general thread. `send` sends through the one send path
with a fresh client_id unless one is given.
"""

from __future__ import annotations

import uuid

import pytest

from inbox import services
from marketplace.tests.factories import UserFactory


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]




@pytest.fixture
def stella(db):
    """Staff."""
    return UserFactory(username="stella", email="stella@example.com", is_staff=True)


@pytest.fixture
def conversation(alice, bob):
    return services.get_or_start_conversation(starter=bob, other=alice)


def new_client_id() -> str:
    return uuid.uuid4().hex


@pytest.fixture
def send():
    def _send(conversation, sender, body="Hello", client_id=None, attachments=()):
        return services.send_message(
            conversation=conversation,
            sender=sender,
            body=body,
            client_id=client_id or new_client_id(),
            attachments=attachments,
        )

    return _send


PNG_BYTES = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
    b"\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa7\x35\x81\x84\x00\x00\x00\x00IEND\xaeB`\x82"
)


@pytest.fixture
def png_bytes() -> bytes:
    """A valid 1x1 PNG."""
    return PNG_BYTES
