"""Two daphne processes sharing PostgreSQL and Redis: a message sent through one is
delivered live through the other, and a recipient who was away catches up from the
database on either. Skipped without REDIS_URL and a PostgreSQL DATABASE_URL, except in CI
(CI=true), where it must run."""

from __future__ import annotations

import asyncio
import json
import os
import uuid
from collections.abc import Iterator

import pytest
import websockets
from django.db import connection

from harness.servers import DaphneServer, database_url_for
from inbox.models import Message
from inbox.protocol import validate_server_frame
from inbox.tests.ws import session_cookie
from tests.support import require

pytestmark = [pytest.mark.processes, pytest.mark.django_db(transaction=True)]


def _require_shared_infrastructure() -> None:
    missing = []
    if not os.environ.get("REDIS_URL"):
        missing.append("REDIS_URL is not set")
    if connection.vendor != "postgresql":
        missing.append("DATABASE_URL is not a PostgreSQL URL")
    require(
        not missing, "two server processes need shared Redis and PostgreSQL: " + "; ".join(missing)
    )


@pytest.fixture
def two_servers(transactional_db, tmp_path) -> Iterator[list[DaphneServer]]:
    _require_shared_infrastructure()
    env = {
        "DATABASE_URL": database_url_for(connection.settings_dict),
        "REDIS_URL": os.environ["REDIS_URL"],
        "MEDIA_ROOT": str(tmp_path / "media"),
    }
    servers = []
    try:
        for n in range(2):
            servers.append(DaphneServer(env=env, log_path=tmp_path / f"daphne-{n}.log").start())
        yield servers
    finally:
        for server in servers:
            server.stop()


class Socket:
    """A browser-like client: session cookie, same-site Origin, frames checked on receipt."""

    def __init__(self, server: DaphneServer, cookie: str) -> None:
        self.server, self.cookie = server, cookie

    async def __aenter__(self) -> Socket:
        self.connection = await websockets.connect(
            f"{self.server.ws_url}/ws/inbox/",
            origin=self.server.url,
            additional_headers={"Cookie": f"sessionid={self.cookie}"},
        )
        hello = await self.receive()
        assert hello["type"] == "hello"
        return self

    async def __aexit__(self, *exc) -> None:
        await self.connection.close()

    async def send(self, frame: dict) -> None:
        await self.connection.send(json.dumps(frame))

    async def receive(self, timeout: float = 5) -> dict:
        frame = json.loads(await asyncio.wait_for(self.connection.recv(), timeout))
        validate_server_frame(frame)
        return frame

    async def receive_type(self, kind: str) -> dict:
        while True:
            frame = await self.receive()
            if frame["type"] == kind:
                return frame


def test_a_message_sent_through_one_process_reaches_the_other_live(
    two_servers, conversation, alice, bob
):
    first, second = two_servers
    alice_cookie, bob_cookie = session_cookie(alice), session_cookie(bob)

    async def scenario() -> tuple[dict, dict]:
        async with (
            Socket(second, alice_cookie) as alice_socket,
            Socket(first, bob_cookie) as bob_socket,
        ):
            await bob_socket.send(
                {
                    "type": "message.send",
                    "conversation_id": conversation.pk,
                    "client_id": "two-proc-0001",
                    "body": "Hi from process one",
                }
            )
            ack = await bob_socket.receive_type("message.ack")
            pushed = await alice_socket.receive_type("message.new")
            return ack, pushed

    ack, pushed = asyncio.run(scenario())
    assert (
        pushed["message"]["id"] == ack["id"] and pushed["message"]["body"] == "Hi from process one"
    )
    assert Message.objects.get().pk == ack["id"]


def test_a_recipient_who_was_away_catches_up_on_the_other_process(
    two_servers, conversation, alice, bob
):
    first, second = two_servers
    alice_cookie, bob_cookie = session_cookie(alice), session_cookie(bob)

    async def scenario() -> dict:
        async with Socket(first, bob_cookie) as bob_socket:
            for n in range(3):
                await bob_socket.send(
                    {
                        "type": "message.send",
                        "conversation_id": conversation.pk,
                        "client_id": f"away-{n:04d}-{uuid.uuid4().hex[:8]}",
                        "body": f"note {'abc'[n]}",
                    }
                )
                await bob_socket.receive_type("message.ack")
        async with Socket(second, alice_cookie) as alice_socket:
            await alice_socket.send({"type": "sync", "conversations": {str(conversation.pk): 0}})
            return await alice_socket.receive_type("sync.result")

    result = asyncio.run(scenario())
    assert [m["seq"] for m in result["messages"]] == [1, 2, 3] and result["has_more"] is False
