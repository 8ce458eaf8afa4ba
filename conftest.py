"""Fixtures shared by every app's tests."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from django.core.cache import cache


def pytest_configure(config):
    """SQLite's test database is a file under var/ (settings: a browser test's server process
    shares it); a fresh clone has no var/, and SQLite does not create folders."""
    from django.conf import settings

    test_name = settings.DATABASES["default"].get("TEST", {}).get("NAME")
    if test_name:
        Path(test_name).parent.mkdir(parents=True, exist_ok=True)


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Rate-limit counters and lockouts live in the cache, and the writer's known heads in
    the process (each test's database is rolled back): each test starts from none."""
    from inbox import known_heads

    cache.clear()
    known_heads.clear()
    yield
    cache.clear()
    known_heads.clear()


@pytest.fixture(autouse=True)
def _no_shutdown_hooks_left():
    """Writers and consumers register shutdown hooks (config.lifecycle) on the test's event
    loop: forget them, and the shutting-down flag, after each test."""
    yield
    from config import lifecycle

    lifecycle.reset_for_tests()


# Tests that log in to a server in another process (tests/browser, processes, faults) keep
# the hashers that server has; the others make many users, and the production hasher costs
# ~0.2 s a user.
_FAST_PASSWORD_FOLDERS = (
    "deals",
    "disputes",
    "inbox",
    "marketplace",
    "moderation",
    "tests/security",
)


@pytest.fixture(autouse=True)
def _fast_passwords(request):
    folder = Path(request.node.path).relative_to(request.config.rootpath).as_posix()
    if folder.startswith(tuple(f"{name}/" for name in _FAST_PASSWORD_FOLDERS)):
        request.getfixturevalue("settings").PASSWORD_HASHERS = [
            "django.contrib.auth.hashers.MD5PasswordHasher"
        ]


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    """Uploaded files go to a throw-away folder, never into the working tree."""
    settings.MEDIA_ROOT = tmp_path / "media"


def pytest_collection_modifyitems(config, items):
    """Browser tests run last: Playwright's sync API leaves an event loop in the main thread
    for the rest of the session, and Django refuses ORM calls beside a running loop."""
    items.sort(key=lambda item: "tests/browser/" in str(item.path).replace("\\", "/"))


# The personas every app's tests share (app conftests add their own): alice sells, bob buys
# from her, charlie is a stranger to both; stella is staff in no group, rita reviews
# disputes. Alice's logo gig, alice and bob's general thread and a send helper too.


@pytest.fixture
def alice(db):
    from marketplace.tests.factories import SellerFactory

    return SellerFactory(username="alice", email="alice@example.com")


@pytest.fixture
def bob(db):
    from marketplace.tests.factories import UserFactory

    return UserFactory(username="bob", email="bob@example.com")


@pytest.fixture
def charlie(db):
    from marketplace.tests.factories import UserFactory

    return UserFactory(username="charlie", email="charlie@example.com")


@pytest.fixture
def stella(db):
    """Staff in no group."""
    from tests.factories import StaffFactory

    return StaffFactory(username="stella")


@pytest.fixture
def rita(db):
    """A dispute reviewer."""
    from marketplace.roles import DISPUTE_REVIEWERS
    from tests.factories import StaffFactory

    return StaffFactory(username="rita", groups=[DISPUTE_REVIEWERS])


@pytest.fixture
def gig(alice):
    """Alice's logo gig."""
    from marketplace.tests.factories import GigFactory

    return GigFactory(seller=alice, title="I will design a minimalist logo", slug="minimalist-logo")


@pytest.fixture
def conversation(alice, bob):
    """Alice and bob's general thread (bob started it)."""
    from inbox.conversations import get_or_start_conversation

    return get_or_start_conversation(starter=bob, other=alice)


@pytest.fixture
def send():
    """Send through the one send path, with a fresh client_id unless one is given."""
    from inbox.send import send_message

    def _send(conversation, sender, body="Hello", client_id=None, attachments=()):
        return send_message(
            conversation=conversation,
            sender=sender,
            body=body,
            client_id=client_id or uuid.uuid4().hex,
            attachments=attachments,
        )

    return _send


@pytest.fixture
def png_bytes() -> bytes:
    """A valid 1x1 PNG."""
    from tests.factories import PNG_BYTES

    return PNG_BYTES
