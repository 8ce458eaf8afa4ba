"""F3/F4: Redis (channel layer and rate-limit cache) paused for 5 s, and restarted empty.

The database is the truth: sends are stored exactly once and acknowledged (during a pause
the rate limiter cannot count, so sends are refused as `unavailable`, retryable, and the
clients' retries go through once Redis answers: docs/decisions.md 13); every client ends
with every message, live or through `sync`.
"""

from __future__ import annotations

import asyncio
import os

from tests.faults.conftest import assert_no_failures, live_receipts_after
from tests.faults.harness import trials

PAUSE_SECONDS = float(os.environ.get("GIGBOX_FAULT_PAUSE_SECONDS", "5"))


def test_redis_paused_for_five_seconds_costs_delay_not_messages(make_cluster, fault_run):
    cluster = make_cluster(count=2)
    run = fault_run("redis_pause")
    live_after = 0
    for _ in range(trials("redis_pause", 3)):
        cluster.ensure_all_up()
        tabs = run.tabs(cluster.ws_urls, ack_timeout=2.0)

        async def pause() -> None:
            cluster.redis.pause()
            try:
                await asyncio.sleep(PAUSE_SECONDS)
            finally:
                cluster.redis.resume()

        started = run.history.now()
        run.trial(
            tabs,
            sends=30,
            fault=pause,
            fault_after_acks=run.rng.randrange(5, 40),
            label="redis SIGSTOP",
        )
        live_after += live_receipts_after(run.history, started + PAUSE_SECONDS)
    run.figures.extra["live_receipts_after_resume"] = live_after
    figures = run.finish()
    assert_no_failures(figures, cluster)


def test_redis_restarted_empty_costs_delay_not_messages(make_cluster, fault_run):
    cluster = make_cluster(count=2)
    run = fault_run("redis_restart")
    live_after = 0
    for _ in range(trials("redis_restart", 4)):
        cluster.ensure_all_up()
        tabs = run.tabs(cluster.ws_urls)

        async def restart() -> None:
            await asyncio.to_thread(cluster.redis.restart_empty)

        mark = run.history.now()
        run.trial(
            tabs,
            sends=30,
            fault=restart,
            fault_after_acks=run.rng.randrange(5, 60),
            label="redis restart empty",
        )
        live_after += live_receipts_after(run.history, mark)
    run.figures.extra["live_receipts_after_restart"] = live_after
    figures = run.finish()
    assert_no_failures(figures, cluster)
