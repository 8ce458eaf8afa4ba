"""Browser tests: Debian's Chromium driven by Playwright against a real daphne process.

pytest-django's live_server is WSGI only (no WebSocket), so a daphne process serves the
test database instead. In CI (CI=true) a missing browser fails the run; elsewhere these
tests are skipped with a note saying how to install it.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator

import pytest
from django.db import connection

from harness.servers import DaphneServer, database_url_for
from marketplace.tests.factories import SellerFactory, UserFactory
from tests.support import require

CHROMIUM = os.environ.get("GIGBOX_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


@pytest.fixture(scope="session", autouse=True)
def _database_before_playwright(django_db_setup):
    """Create the test database before Playwright starts its event loop in this thread."""


@pytest.fixture(autouse=True)
def _allow_orm_beside_playwright(monkeypatch):
    """Playwright's sync API runs an event loop in the test thread; Django then refuses ORM
    calls there. Allowed here only, for the browser tests while they run (docs/decisions.md);
    the rest of the session, and every server process, runs without it."""
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "tests/browser" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


def _require_chromium() -> None:
    require(
        bool(os.path.exists(CHROMIUM) and shutil.which(CHROMIUM)),
        f"Chromium not found at {CHROMIUM}: apt-get install -y chromium",
    )


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    _require_chromium()
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": CHROMIUM_ARGS,
        "headless": True,
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "en-US", "timezone_id": "UTC"}


@pytest.fixture
def live_daphne(transactional_db, tmp_path) -> Iterator[DaphneServer]:
    """A daphne process serving the test database; stopped (by PID) after the test."""
    _require_chromium()
    server = DaphneServer(
        env={
            "DATABASE_URL": database_url_for(connection.settings_dict),
            "MEDIA_ROOT": str(tmp_path / "media"),
        },
        log_path=tmp_path / "daphne.log",
    )
    server.start()
    yield server
    server.stop()


# The two people most browser tests need: a seller in India and a buyer in Germany (their
# zones differ, so times show whose zone a page uses). A module defines its own to differ.
@pytest.fixture
def alice(transactional_db):
    return SellerFactory(username="alice", email="alice@example.com", timezone="Asia/Kolkata")


@pytest.fixture
def bob(transactional_db):
    return UserFactory(username="bob", email="bob@example.com", timezone="Europe/Berlin")
