"""Fixtures shared by every app's tests."""

from __future__ import annotations

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
    """Rate-limit counters and lockouts live in the cache: each test starts from none."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _no_shutdown_hooks_left():
    """Writers and consumers register shutdown hooks (config.lifecycle) on the test's event
    loop: forget them, and the shutting-down flag, after each test."""
    yield
    from config import lifecycle

    lifecycle.reset_for_tests()


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    """Uploaded files go to a throw-away folder, never into the working tree."""
    settings.MEDIA_ROOT = tmp_path / "media"


def pytest_collection_modifyitems(config, items):
    """Browser tests run last: Playwright's sync API leaves an event loop in the main thread
    for the rest of the session, and Django refuses ORM calls beside a running loop."""
    items.sort(key=lambda item: "tests/browser/" in str(item.path).replace("\\", "/"))


# The personas every app's tests share (app conftests add their own): alice sells, bob buys
# from her, charlie is a stranger to both.


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
