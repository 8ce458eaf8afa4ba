"""A socket's `sync` behind a locked messages table answers a retryable `unavailable` within
the lock timeout, instead of stalling (inbox.selectors._bounded_reads, the consumer's
DatabaseError handler), and the socket keeps working once the lock is gone.

PostgreSQL only: SQLite has no lock_timeout (and no table locks held by another connection
that a read would wait for). Another connection takes ACCESS EXCLUSIVE on inbox_message, as
tests/faults/test_database_faults.py does against real server processes.
"""

from __future__ import annotations

import asyncio
import threading
import time
import uuid

import psycopg
import pytest
from channels.db import database_sync_to_async
from django.db import connection

from inbox.conversations import get_or_start_conversation
from inbox.send import send_message
from inbox.store_postgres import LOCK_TIMEOUT
from inbox.tests.ws import open_socket, receive, send
from marketplace.tests.factories import SellerFactory, UserFactory
from tests.faults.conftest import require

pytestmark = pytest.mark.django_db(transaction=True)
LOCK_TIMEOUT_SECONDS = 3.0  # inbox.store_postgres.LOCK_TIMEOUT


def _connect() -> psycopg.Connection:
    settings = connection.settings_dict
    return psycopg.connect(
        host=settings.get("HOST") or "127.0.0.1",
        port=settings.get("PORT") or 5432,
        user=settings.get("USER") or "postgres",
        password=settings.get("PASSWORD") or None,
        dbname=settings["NAME"],
        autocommit=False,
    )


class TableLock(threading.Thread):
    """Holds LOCK TABLE inbox_message from another connection until released (at most 15 s)."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.locked, self.release = threading.Event(), threading.Event()

    def run(self) -> None:
        with _connect() as locker:
            locker.execute("LOCK TABLE inbox_message IN ACCESS EXCLUSIVE MODE")
            self.locked.set()
            self.release.wait(15)
            locker.rollback()


@pytest.fixture
def pair(transactional_db):
    require(
        connection.vendor == "postgresql",
        "lock timeouts need PostgreSQL: set DATABASE_URL=postgres://...",
    )
    assert f"{LOCK_TIMEOUT_SECONDS:.0f}s" == LOCK_TIMEOUT
    alice, bob = SellerFactory(username="alice"), UserFactory(username="bob")
    conversation = get_or_start_conversation(starter=bob, other=alice)
    send_message(
        conversation=conversation, sender=alice, body="Hello Bob", client_id=uuid.uuid4().hex
    )
    return bob, conversation


async def test_sync_behind_a_locked_table_answers_unavailable_within_the_lock_timeout(pair):
    bob, conversation = pair
    tab = await open_socket(bob)
    lock = TableLock()
    lock.start()
    try:
        assert await asyncio.to_thread(lock.locked.wait, 5)
        started = time.monotonic()
        await send(tab, {"type": "sync", "conversations": {str(conversation.pk): 0}})
        frame = await receive(tab, timeout=LOCK_TIMEOUT_SECONDS + 4)
        waited = time.monotonic() - started
    finally:
        lock.release.set()
        await asyncio.to_thread(lock.join, 10)
    assert (
        frame["type"] == "error" and frame["code"] == "unavailable" and frame["retry_after"] == 1
    ), frame
    assert LOCK_TIMEOUT_SECONDS - 0.5 <= waited < LOCK_TIMEOUT_SECONDS + 3, (
        waited
    )  # the timeout, not the lock's 15 s
    # The same socket, asked again once the lock is gone: the messages.
    await send(tab, {"type": "sync", "conversations": {str(conversation.pk): 0}})
    result = await receive(tab)
    assert result["type"] == "sync.result" and [m["body"] for m in result["messages"]] == [
        "Hello Bob"
    ]
    await tab.disconnect()


async def test_the_reads_limits_do_not_outlive_the_sync(pair):
    """SET LOCAL: the connection's next statement has no lock_timeout left from the sync."""
    from inbox import selectors

    bob, conversation = pair

    @database_sync_to_async
    def sync_then_settings() -> tuple[list, str, str]:
        replies = selectors.sync_replies(bob, {conversation.pk: 0})
        with connection.cursor() as cursor:
            cursor.execute("SHOW statement_timeout")
            statement = cursor.fetchone()[0]
        return replies, statement, selectors.SYNC_STATEMENT_TIMEOUT

    replies, statement_timeout, ours = await sync_then_settings()
    assert replies[0]["type"] == "sync.result"
    assert statement_timeout != ours
