"""F7/F8: PostgreSQL refuses for a while. The messages table locked for 5 s by another
connection, and the server's connections killed mid-transaction (pg_terminate_backend):
senders get a retryable `unavailable` or a late ack, nothing is acknowledged that is not
stored, and the retries store each message exactly once."""

from __future__ import annotations

import asyncio
import os
import time

import psycopg
from django.db import connection

from tests.faults.conftest import assert_no_failures
from tests.faults.harness import trials

LOCK_SECONDS = float(os.environ.get("GIGBOX_FAULT_LOCK_SECONDS", "5"))


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


def _hold_lock(seconds: float) -> None:
    with _connect() as locker:
        locker.execute("LOCK TABLE inbox_message IN ACCESS EXCLUSIVE MODE")
        time.sleep(seconds)
        locker.rollback()


def _terminate_server_backends() -> int:
    """Kill every other backend on the test database that is running or inside a transaction."""
    with _connect() as killer:
        killer.autocommit = True
        rows = killer.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() "
            "AND pid <> pg_backend_pid() AND state IN ('active', 'idle in transaction') "
            "AND query NOT ILIKE '%pg_stat_activity%'"
        ).fetchall()
    return len(rows)


def test_messages_table_locked_for_five_seconds(make_cluster, fault_run):
    cluster = make_cluster(count=2)
    run = fault_run("pg_lock")
    for _ in range(trials("pg_lock", 3)):
        cluster.ensure_all_up()
        # Wait longer than the server's lock_timeout (3 s) for an answer, so that the
        # `unavailable` is heard rather than the connection given up on first.
        tabs = run.tabs(cluster.ws_urls, ack_timeout=4.0)

        async def lock() -> None:
            await asyncio.to_thread(_hold_lock, LOCK_SECONDS)

        run.trial(
            tabs,
            sends=30,
            fault=lock,
            fault_after_acks=run.rng.randrange(5, 40),
            label="LOCK TABLE inbox_message",
        )
    figures = run.finish()
    assert_no_failures(figures, cluster)
    unavailable = sum(
        1 for e in run.history.events if e["event"] == "error" and e["code"] == "unavailable"
    )
    assert unavailable > 0, (
        "a locked table must answer `unavailable` (lock_timeout), not stall the writer"
    )


def test_server_connections_killed_mid_transaction(make_cluster, fault_run):
    cluster = make_cluster(count=2)
    run = fault_run("pg_terminate")
    killed = 0
    for _ in range(trials("pg_terminate", 10)):
        cluster.ensure_all_up()
        tabs = run.tabs(cluster.ws_urls)

        async def terminate() -> None:
            nonlocal killed
            for _ in range(12):  # a volley over ~1 s, so that some land inside a transaction
                killed += await asyncio.to_thread(_terminate_server_backends)
                await asyncio.sleep(run.rng.uniform(0.02, 0.12))

        run.trial(
            tabs,
            sends=30,
            fault=terminate,
            fault_after_acks=run.rng.randrange(1, 30),
            label="pg_terminate_backend",
        )
    run.figures.extra["backends_terminated"] = killed
    figures = run.finish()
    assert_no_failures(figures, cluster)
    assert killed > 0, "no server connection was caught to terminate"
