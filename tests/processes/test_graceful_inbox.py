"""SIGTERM to a real inbox process (python -m config.server, config.asgi with a slow store,
on the test database): the send in flight is stored and acknowledged BEFORE the 1001 close
frame, sends read during the drain are refused as `unavailable`, and no acknowledged message
is missing from the database. Runs on SQLite (in-memory channel layer) or PostgreSQL+Redis."""

from __future__ import annotations

import asyncio
import json
import os
import signal

import pytest
import websockets
from django.db import connection

from harness.servers import database_url_for
from inbox.conversations import get_or_start_conversation
from inbox.models import Message
from inbox.protocol import validate_server_frame
from inbox.tests.ws import session_cookie
from marketplace.tests.factories import SellerFactory, UserFactory
from tests.processes.conftest import private_redis_db

pytestmark = pytest.mark.django_db(transaction=True)

BURST = 20


def inbox_env() -> dict[str, str]:
    env = {
        **os.environ,
        "DATABASE_URL": database_url_for(connection.settings_dict),
        "GIGBOX_SEND_RATE_LIMIT": "1000",  # a burst; the limit has its own tests
    }
    if env.get("REDIS_URL"):
        env["REDIS_URL"] = private_redis_db(env["REDIS_URL"])
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    return env


def valid_frame(raw: str | bytes) -> dict:
    """A frame from the real process, checked against docs/protocol.md (inbox/protocol.py)."""
    frame = json.loads(raw)
    validate_server_frame(frame)
    return frame


def test_sigterm_acks_every_accepted_send_before_closing_with_1001(app_process):
    alice = SellerFactory(username="alice", email="alice@example.com")
    bob = UserFactory(username="bob", email="bob@example.com")
    conversation = get_or_start_conversation(starter=bob, other=alice)
    cookie = session_cookie(bob)
    # Each batch takes 0.5 s to store: the send just before the signal is still in flight.
    server = app_process(env=inbox_env(), application="tests.processes.slow_inbox_app:application")
    client_ids = [f"graceful-{n:04d}-inbox" for n in range(BURST)]

    def frame(n: int) -> str:
        # Letters, not digits: digits spread over messages look like a split phone number.
        body = f"burst message {chr(ord('a') + n % 26)}"
        return json.dumps(
            {
                "type": "message.send",
                "conversation_id": conversation.pk,
                "client_id": client_ids[n],
                "body": body,
            }
        )

    async def scenario():
        async with websockets.connect(
            f"{server.ws_url}/ws/inbox/",
            origin=server.url,
            additional_headers={"Cookie": f"sessionid={cookie}"},
        ) as socket:
            assert json.loads(await socket.recv())["type"] == "hello"
            await socket.send(frame(0))
            await asyncio.sleep(0.2)  # being stored now
            os.kill(server.process.pid, signal.SIGTERM)
            await asyncio.sleep(0.1)  # the signal is handled: shutting down
            for n in range(1, BURST):
                await socket.send(frame(n))
            frames = []
            try:
                async for raw in socket:
                    frames.append(json.loads(raw))
            except websockets.ConnectionClosed:
                pass
            return frames, socket.close_code

    frames, close_code = asyncio.run(scenario())
    answers = [f for f in frames if f["type"] in ("message.ack", "error")]
    acked = {f["client_id"]: f for f in answers if f["type"] == "message.ack"}

    # The send in flight at the signal was stored and acknowledged, and the 1001 came after
    # its answer (the frames were read up to the close).
    assert close_code == 1001
    assert list(acked) == [client_ids[0]]
    # Sends read during the drain were refused, in order, with the client_id to resend with
    # (how many are read before the close is up to timing; the rest get no answer at all).
    refused = [f["client_id"] for f in answers if f["type"] == "error"]
    assert {f["code"] for f in answers if f["type"] == "error"} <= {"unavailable"}
    assert refused == client_ids[1 : 1 + len(refused)]
    # Every acknowledged message is in the database as acked; nothing unacknowledged is.
    stored = dict(
        Message.objects.filter(conversation=conversation, sender=bob).values_list("client_id", "pk")
    )
    assert stored == {client_id: ack["id"] for client_id, ack in acked.items()}
    assert server.process.wait(timeout=15) == 0
    assert "ws closed /ws/inbox/ code=1001" in server.log()
