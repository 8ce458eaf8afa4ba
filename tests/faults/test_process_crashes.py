"""F1/F9: a server process dies during a send burst; no message is lost or stored twice.

- kill -9 of one of two processes at a random moment: its clients reconnect to the other
  process, resend what was not acknowledged with the same client_id and catch up with sync;
- a crash right after a commit and before the acks (inbox/faults.py, switched on by
  GIGBOX_FAULT_AFTER_COMMIT in these processes only): the resend is answered from the
  database with the stored message (same id, same seq), never a second row.
"""

from __future__ import annotations

import asyncio

from tests.faults.conftest import assert_no_failures
from tests.faults.harness import trial_recovery, trials


def test_kill_9_during_a_send_burst_loses_and_duplicates_nothing(make_cluster, fault_run):
    cluster = make_cluster(count=2)
    run = fault_run("kill9")
    for _ in range(trials("kill9", 12)):
        cluster.ensure_all_up()
        tabs = run.tabs(cluster.ws_urls)
        victim = run.rng.choice(cluster.servers)

        async def kill(victim=victim) -> None:  # bound now: run within this iteration
            victim.kill()
            victim.start(wait=False)  # comes back while the clients use the other process

        run.trial(
            tabs,
            sends=25,
            fault=kill,
            fault_after_acks=run.rng.randrange(5, 80),
            label=f"kill -9 {victim.name}",
        )
    figures = run.finish()
    assert_no_failures(figures, cluster)
    assert figures.reconnects > 0, "no client noticed the kills"


def test_a_crash_between_commit_and_ack_is_answered_from_the_database_on_resend(
    make_cluster, fault_run, seed
):
    # Each process dies after a random 1 in 33 of its committed batches, before acking them.
    cluster = make_cluster(
        count=2, extra_env={"GIGBOX_FAULT_AFTER_COMMIT": "0.03", "GIGBOX_FAULT_SEED": str(seed)}
    )
    run = fault_run("crash_after_commit")
    crashes = 0
    for _ in range(trials("crash_after_commit", 6)):
        cluster.ensure_all_up()
        tabs = run.tabs(cluster.ws_urls)
        crash_times: list[float] = []

        # Bound now (default arguments): the hook runs within this iteration.
        async def restart_the_dead(tabs=tabs, crash_times=crash_times) -> None:
            # The fault is the hook itself: this notices each death and starts the process again.
            while any(tab.sending for tab in tabs):
                await asyncio.sleep(0.02)
                for server in cluster.servers:
                    if server.process is not None and server.process.poll() == 137:
                        crash_times.append(run.history.now())
                        run.history.record("crash_seen", server=server.name)
                        server.start(wait=False)

        run.trial(
            tabs,
            sends=25,
            fault=restart_the_dead,
            label="crash after commit",
            measure_recovery=False,
        )
        crashes += len(crash_times)
        run.figures.recovery_seconds.extend(
            r for t in crash_times if (r := trial_recovery(tabs, t)) is not None
        )
    run.figures.extra["crashes_after_commit"] = crashes
    figures = run.finish()
    assert_no_failures(figures, cluster)
    assert crashes > 0, "the after-commit hook never fired"
    resent = sum(
        1
        for tab in run.clients
        for cid, pending in tab.sent.items()
        if pending.attempts > 1 and cid in tab.acks
    )
    assert resent > 0, "no send was resent after a crash"
