"""`make serve` for real: nginx in front of two server processes on the test database.

Health through nginx, static files from nginx, request ids end to end; a buyer and a seller
on different processes talk live both ways; one process stopped gracefully (SIGTERM) in the
middle of a burst of sends loses nothing: the socket closes with 1001, the client
reconnects through nginx to the other process, resends what was not acknowledged (same
client_id) and catches up with `sync`. Finally SIGTERM to the supervisor stops everything.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket

import websockets
from django.test import override_settings

from inbox.conversations import get_or_start_conversation
from inbox.models import Message
from inbox.protocol import validate_server_frame
from inbox.tests.ws import session_cookie
from marketplace.tests.factories import SellerFactory, UserFactory
from tests.processes.conftest import http_get, processes_marked, stop_serve, wait_until

BURST = 20


def test_health_static_and_request_ids_through_nginx(served):
    seen = set()
    for _ in range(6):
        status, headers, body = http_get(f"{served.url}/healthz")
        assert status == 200 and body["status"] == "ok"
        seen.add(headers["X-Gigbox-Process"])
    assert seen == {"web1", "web2"}  # both processes take traffic

    status, headers, body = http_get(f"{served.url}/readyz")
    assert status == 200
    assert body["checks"] == {"database": "ok", "redis": "ok", "migrations": "ok", "process": "ok"}
    assert len(headers["X-Request-ID"]) >= 8  # nginx's $request_id, echoed by Django

    import urllib.request

    request = urllib.request.Request(
        f"{served.url}/healthz", headers={"X-Request-ID": "trace-me-0123456789"}
    )
    with urllib.request.urlopen(request, timeout=5) as response:
        assert response.headers["X-Request-ID"] == "trace-me-0123456789"
    # nginx writes the access line after it has sent the response: wait for it, then check it.
    access_log = served.run_dir / "logs" / "access.log"
    wait_until(
        lambda: "trace-me-0123456789" in access_log.read_text(),
        timeout=5,
        message="the request's access line",
    )
    assert 'trace-me-0123456789 "GET /healthz" 200' in access_log.read_text()

    # Static files come from nginx (no process header), cached for a year.
    status, headers, _ = http_get(f"{served.url}/static/css/app.css")
    assert status == 200 and "X-Gigbox-Process" not in headers
    assert "immutable" in headers["Cache-Control"]

    # DEBUG is off: no technical 404 page.
    status, _, _ = http_get(f"{served.url}/no-such-page/")
    assert status == 404
    with urllib.request.urlopen(f"{served.url}/", timeout=5) as response:
        assert response.status == 200


class Inbox:
    """A browser tab's socket, through nginx."""

    def __init__(self, served, cookie: str) -> None:
        self.served, self.cookie = served, cookie
        self.frames: list[dict] = []

    async def open(self) -> Inbox:
        self.socket = await websockets.connect(
            f"{self.served.ws_url}/ws/inbox/",
            origin=self.served.url,
            additional_headers={"Cookie": f"sessionid={self.cookie}"},
            open_timeout=10,
        )
        self.process = self.socket.response.headers["X-Gigbox-Process"]
        hello = await self.next_frame()
        assert hello["type"] == "hello"
        return self

    async def next_frame(self, timeout: float = 10) -> dict:
        frame = json.loads(await asyncio.wait_for(self.socket.recv(), timeout))
        validate_server_frame(frame)  # every frame through nginx, as docs/protocol.md says
        self.frames.append(frame)
        return frame

    async def until(self, predicate, timeout: float = 10) -> dict:
        while True:
            frame = await self.next_frame(timeout)
            if predicate(frame):
                return frame

    async def send_message(self, conversation_id: int, client_id: str, body: str) -> None:
        await self.socket.send(
            json.dumps(
                {
                    "type": "message.send",
                    "conversation_id": conversation_id,
                    "client_id": client_id,
                    "body": body,
                }
            )
        )

    async def close(self) -> None:
        await self.socket.close()


def personas(served):
    alice = SellerFactory(username="alice", email="alice@example.com")
    bob = UserFactory(username="bob", email="bob@example.com")
    conversation = get_or_start_conversation(starter=bob, other=alice)
    # The processes run with their own SECRET_KEY: sessions must be signed with it.
    with override_settings(SECRET_KEY=served.secret_key):
        return conversation, session_cookie(alice), session_cookie(bob)


async def open_on_different_processes(
    served, first_cookie: str, second_cookie: str
) -> tuple[Inbox, Inbox]:
    first = await Inbox(served, first_cookie).open()
    for _ in range(4):  # least_conn sends the second socket to the idle process
        second = await Inbox(served, second_cookie).open()
        if second.process != first.process:
            return first, second
        await second.close()
    raise AssertionError("nginx kept both sockets on one process")


def test_buyer_and_seller_on_different_processes_talk_live_both_ways(served):
    conversation, alice_cookie, bob_cookie = personas(served)

    async def scenario():
        alice, bob = await open_on_different_processes(served, alice_cookie, bob_cookie)

        def is_new(f: dict) -> bool:
            return f["type"] == "message.new" and f["message"]["conversation_id"] == conversation.pk

        await bob.send_message(
            conversation.pk, "bob-live-00001", "Hi Alice, is the logo still 3 days?"
        )
        pushed_to_alice = await alice.until(is_new)
        await alice.send_message(conversation.pk, "alice-live-0001", "Yes, 3 days.")
        pushed_to_bob = await bob.until(
            lambda f: (
                is_new(f) and f["message"]["sender_id"] != pushed_to_alice["message"]["sender_id"]
            )
        )
        await alice.close()
        await bob.close()
        return alice.process, bob.process, pushed_to_alice, pushed_to_bob

    alice_process, bob_process, to_alice, to_bob = asyncio.run(scenario())
    assert alice_process != bob_process
    assert to_alice["message"]["body"] == "Hi Alice, is the logo still 3 days?"
    assert to_bob["message"]["body"] == "Yes, 3 days."
    assert list(
        Message.objects.filter(conversation=conversation)
        .values_list("seq", flat=True)
        .order_by("seq")
    ) == [1, 2]


def test_a_process_stopped_gracefully_mid_burst_loses_nothing(served):
    conversation, alice_cookie, bob_cookie = personas(served)
    client_ids = [f"burst-{n:04d}-graceful" for n in range(BURST)]
    # Letters, not digits: digits spread over messages look like a split phone number.
    bodies = {
        client_id: f"burst message {chr(ord('a') + n)}" for n, client_id in enumerate(client_ids)
    }

    async def scenario():
        alice, bob = await open_on_different_processes(served, alice_cookie, bob_cookie)
        doomed = served.app_process(bob.process)
        acked: dict[str, dict] = {}
        for client_id in client_ids[: BURST // 2]:
            await bob.send_message(conversation.pk, client_id, bodies[client_id])
        os.kill(doomed["pid"], signal.SIGTERM)  # bob's process goes away mid-burst
        try:
            for client_id in client_ids[BURST // 2 :]:
                await bob.send_message(conversation.pk, client_id, bodies[client_id])
            while True:
                frame = await bob.next_frame()
                if frame["type"] == "message.ack":
                    acked[frame["client_id"]] = frame
        except websockets.ConnectionClosed:
            pass
        close_code = bob.socket.close_code
        acked_before_close = dict(acked)

        # Reconnect through nginx (the stopped process no longer listens), resend what was
        # not acknowledged with the same client_id, catch up.
        bob = await Inbox(served, bob_cookie).open()
        for client_id in client_ids:
            if client_id not in acked:
                await bob.send_message(conversation.pk, client_id, bodies[client_id])
                frame = await bob.until(
                    lambda f, client_id=client_id: (
                        f["type"] in ("message.ack", "error") and f.get("client_id") == client_id
                    )
                )
                assert frame["type"] == "message.ack", frame
                acked[client_id] = frame
        await alice.socket.send(
            json.dumps({"type": "sync", "conversations": {str(conversation.pk): 0}})
        )
        synced = await alice.until(
            lambda f: f["type"] == "sync.result" and f["conversation_id"] == conversation.pk
        )

        # Still live both ways after the reconnect.
        await alice.send_message(conversation.pk, "alice-after-0001", "Got them all")
        pushed = await bob.until(
            lambda f: f["type"] == "message.new" and f["message"]["body"] == "Got them all"
        )
        await alice.close()
        await bob.close()
        return close_code, acked_before_close, acked, synced, pushed

    close_code, acked_before_close, acked, synced, pushed = asyncio.run(scenario())
    assert close_code == 1001
    # Every acknowledgement before the close is in the database, unchanged.
    for client_id, ack in acked_before_close.items():
        assert acked[client_id]["id"] == ack["id"]
        assert Message.objects.filter(pk=ack["id"], conversation=conversation).exists()
    # Exactly one message per client_id, no gaps, and alice sees them all.
    stored = Message.objects.filter(conversation=conversation, sender__username="bob")
    assert sorted(stored.values_list("pk", flat=True)) == sorted(a["id"] for a in acked.values())
    assert stored.count() == BURST
    assert [m["seq"] for m in synced["messages"]] == list(range(1, BURST + 1))
    assert sorted(m["body"] for m in synced["messages"]) == sorted(bodies.values())
    assert pushed["message"]["seq"] == BURST + 1


def test_sigterm_to_the_supervisor_stops_every_process_it_started(served):
    pids = [p["pid"] for p in served.state["processes"]] + [served.state["nginx"]["pid"]]
    assert set(pids) <= set(processes_marked(served.run_dir))  # (plus nginx's workers)
    served.process.send_signal(signal.SIGTERM)
    assert served.process.wait(timeout=40) == 0
    assert processes_marked(served.run_dir) == []
    with socket.socket() as probe:
        assert probe.connect_ex(("127.0.0.1", served.port)) != 0
    assert "nginx (pid" in served.log() and "stopped, exit code 0" in served.log()
    stop_serve(served)  # no-op now; the fixture calls it again, harmlessly
