"""F6 and D11: the network between a client and the server fails, two tabs of one user send
at once, and messages are committed while a recipient's catch-up query runs.

- a client cut off for 3 s with sends in flight: every connection through the fault proxy
  (tests/faults/proxy.py) swallows its bytes; the clients time out, reconnect once the
  network is back, resend with the same client_ids and catch up;
- every connection reset (RST) mid-burst;
- two tabs of one user: both send, each sees the other's messages, and a resend of one
  tab's client_id from the other tab is answered with the same message (same id and seq);
- a recipient connects and sends `sync` while the other side is sending: live frames plus
  that one catch-up leave no hole (no gap-triggered second sync allowed here).
"""

from __future__ import annotations

import asyncio
import json
import os

import websockets

from tests.faults.conftest import assert_no_failures
from tests.faults.harness import origin_of, trials
from tests.faults.proxy import FaultProxy

CUT_SECONDS = float(os.environ.get("GIGBOX_FAULT_CUT_SECONDS", "3"))


class Proxies:
    """One fault proxy in front of each server, made in the trial's event loop."""

    def __init__(self, cluster) -> None:
        self.cluster, self.proxies = cluster, []

    async def start(self) -> None:
        self.proxies = [
            await FaultProxy(upstream_port=server.port).start() for server in self.cluster.servers
        ]

    async def stop(self) -> None:
        for proxy in self.proxies:
            await proxy.stop()

    def urls(self) -> list[str]:
        return [f"ws://127.0.0.1:{proxy.port}" for proxy in self.proxies]


def test_clients_cut_off_for_three_seconds_with_sends_in_flight(make_cluster, fault_run):
    cluster = make_cluster(count=2)
    run = fault_run("blackhole")
    proxies = Proxies(cluster)
    swallowed = 0
    for _ in range(trials("blackhole", 3)):
        cluster.ensure_all_up()
        tabs = run.tabs(proxies.urls, ack_timeout=1.0)

        async def cut_off() -> None:
            nonlocal swallowed
            for proxy in proxies.proxies:
                proxy.blackhole()
            await asyncio.sleep(CUT_SECONDS)
            for proxy in proxies.proxies:
                swallowed += proxy.swallowed_bytes
                proxy.restore()

        run.trial(
            tabs,
            sends=30,
            fault=cut_off,
            fault_after_acks=run.rng.randrange(5, 60),
            label="blackhole",
            before=proxies.start,
            after=proxies.stop,
        )
    run.figures.extra["bytes_swallowed"] = swallowed
    figures = run.finish()
    assert_no_failures(figures, cluster)
    assert swallowed > 0 and figures.reconnects > 0, figures.summary()


def test_every_connection_reset_mid_burst(make_cluster, fault_run):
    cluster = make_cluster(count=2)
    run = fault_run("tcp_reset")
    proxies = Proxies(cluster)
    for _ in range(trials("tcp_reset", 8)):
        cluster.ensure_all_up()
        tabs = run.tabs(proxies.urls)

        async def reset() -> None:
            for proxy in proxies.proxies:
                proxy.reset_all()

        run.trial(
            tabs,
            sends=25,
            fault=reset,
            fault_after_acks=run.rng.randrange(1, 80),
            label="RST",
            before=proxies.start,
            after=proxies.stop,
        )
    figures = run.finish()
    assert_no_failures(figures, cluster)
    assert figures.reconnects > 0


def test_two_tabs_of_one_user(make_cluster, fault_run, personas):
    cluster = make_cluster(count=2)
    run = fault_run("two_tabs")
    answers: list[tuple[tuple[int, int], tuple[int, int]]] = []
    for _ in range(trials("two_tabs", 15)):
        tabs = run.tabs(cluster.ws_urls, names=("alice", "alice", "bob", "carol"))
        run.trial(tabs, sends=10, window=3)
        first, second = tabs[0], tabs[1]
        chosen = run.rng.sample(sorted(first.acks), 3)

        # Bound now (default arguments): the coroutine runs within this iteration.
        async def resend_from_the_other_tab(first=first, second=second, chosen=chosen) -> None:
            url = cluster.ws_urls()[second.server_index % 2]
            async with websockets.connect(
                f"{url}/ws/inbox/",
                origin=origin_of(url),
                additional_headers={"Cookie": f"sessionid={second.cookie}"},
            ) as ws:
                await ws.recv()  # hello
                for cid in chosen:
                    pending = first.sent[cid]
                    body = "a different body: the first one wins"
                    await ws.send(
                        json.dumps(
                            {
                                "type": "message.send",
                                "conversation_id": pending.conversation_id,
                                "client_id": cid,
                                "body": body,
                            }
                        )
                    )
                    while True:
                        frame = json.loads(await asyncio.wait_for(ws.recv(), 10))
                        if frame["type"] == "message.ack" and frame["client_id"] == cid:
                            answers.append(((frame["id"], frame["seq"]), first.acks[cid][:2]))
                            break

        asyncio.run(resend_from_the_other_tab())
    run.figures.extra["cross_tab_resends"] = len(answers)
    figures = run.finish()
    assert_no_failures(figures, cluster)
    assert answers and all(got == stored for got, stored in answers), answers
    alice_tabs = [tab for tab in run.clients if tab.name.startswith("alice")]
    # Each alice tab saw the messages the other alice tab sent (through live pushes or sync).
    for tab in alice_tabs:
        others = [
            t
            for t in alice_tabs
            if t is not tab and abs(run.clients.index(t) - run.clients.index(tab)) == 1
        ]
        for other in others:
            for cid, (message_id, seq, _) in other.acks.items():
                conversation_id = other.sent[cid].conversation_id
                assert tab.view[conversation_id].get(seq) == message_id


def test_messages_committed_while_the_recipient_catches_up(make_cluster, fault_run, personas):
    """D11, randomized: bob (re)connects and syncs at a random moment of alice's burst."""
    cluster = make_cluster(count=2)
    run = fault_run("catch_up_race")
    conversation_id = personas["bob"].conversation_ids[0]
    holes = 0
    count = trials("catch_up_race", 150)

    stalled = 0

    async def scenario() -> None:
        nonlocal holes, stalled
        known: dict[int, int] = {}  # what bob's previous tab had seen: he reconnects from there
        for _ in range(count):
            (sender,) = run.tabs(cluster.ws_urls, names=("alice",))
            sender.conversation_ids = [conversation_id]
            (reader,) = run.tabs(cluster.ws_urls, names=("bob",))
            reader.gap_sync = False  # one catch-up on connect, then live frames only
            reader.view[conversation_id] = {
                s: i
                for s, i in known.items()
                if s <= max(known, default=0) - run.rng.randrange(0, 4)
            }
            plan = [(conversation_id, f"race {n}") for n in range(run.rng.randrange(1, 6))]
            sending = asyncio.create_task(sender.run(plan, window=len(plan)))
            await asyncio.sleep(run.rng.uniform(0, 0.03))
            reading = asyncio.create_task(reader.run([]))
            await asyncio.gather(sending, reading)
            last_seq = max(seq for _, seq, _ in sender.acks.values())
            for _ in range(1000):  # bob's catch-up completed and the last message reached him
                if (
                    conversation_id in reader.synced_at
                    and reader.view[conversation_id].get(last_seq) is not None
                ):
                    break
                await asyncio.sleep(0.01)
            else:
                stalled += 1
            seen = reader.view[conversation_id]
            holes += sum(1 for seq in range(1, max(seen, default=0) + 1) if seq not in seen)
            known = dict(seen)
            await asyncio.gather(sender.finish(), reader.finish())
            run.figures.trials += 1

    asyncio.run(scenario())
    run.figures.extra["holes_before_final_sync"] = holes
    run.figures.extra["not_delivered_within_10_s"] = stalled
    figures = run.finish()
    assert_no_failures(figures, cluster)
    assert stalled == 0, (
        f"seed {run.seed}: {stalled} trial(s) where the last message never reached the reader"
    )
    assert holes == 0, (
        f"seed {run.seed}: {holes} message(s) fell between the catch-up read and live delivery"
    )
