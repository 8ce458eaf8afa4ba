"""R6: the rate limiter's store (Redis, the default cache) is down. The defined behaviour
(docs/decisions.md 13): every send is refused as `unavailable` (retryable), nothing is stored,
nothing is let through unlimited; once Redis is back the client's resend of the same
client_id is stored once. Never accepted-then-lost: stored rows == acks.

Against a real redis-server of our own on a private port, killed (SIGKILL, by its PID) while
a socket is open and started again on the same port; and against a port nobody listens on.
"""

from __future__ import annotations

import shutil
import signal
import uuid

import pytest
from channels.db import database_sync_to_async
from django.test import override_settings

from harness.servers import free_port
from inbox.checks import SendError
from inbox.conversations import get_or_start_conversation
from inbox.models import Message
from inbox.send import send_message
from inbox.tests.ws import open_socket, receive, send
from marketplace.tests.factories import SellerFactory, UserFactory
from tests.faults.harness import RedisServer, stop_process

pytestmark = pytest.mark.django_db(transaction=True)


def redis_cache(port: int) -> dict:
    return {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{port}/0",
            "KEY_PREFIX": "gigbox",
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }


@pytest.fixture
def redis_server():
    if shutil.which("redis-server") is None:
        pytest.skip("redis-server is not installed")
    server = RedisServer().start()
    yield server
    server.stop()


@pytest.fixture
def pair(transactional_db):
    alice, bob = SellerFactory(username="alice"), UserFactory(username="bob")
    return bob, get_or_start_conversation(starter=bob, other=alice)


async def send_and_answer(tab, conversation_id: int, client_id: str) -> dict:
    await send(
        tab,
        {
            "type": "message.send",
            "conversation_id": conversation_id,
            "client_id": client_id,
            "body": f"text {client_id}",
        },
    )
    while True:
        frame = await receive(tab, timeout=10)
        if frame["type"] in ("message.ack", "error"):
            return frame


async def test_redis_killed_refuses_sends_retryably_and_the_resends_are_stored_once(
    pair, redis_server
):
    with override_settings(
        CACHES=redis_cache(redis_server.port)
    ):  # restored before conftest's cache.clear()
        await _kill_and_restart(pair, redis_server)


async def _kill_and_restart(pair, redis_server) -> None:
    bob, conversation = pair
    tab = await open_socket(bob)
    acked: set[str] = set()
    for _ in range(3):
        client_id = uuid.uuid4().hex
        frame = await send_and_answer(tab, conversation.pk, client_id)
        assert frame["type"] == "message.ack", frame
        acked.add(client_id)

    stop_process(redis_server.process, signal.SIGKILL)  # our own server, by its PID
    refused = [uuid.uuid4().hex for _ in range(5)]
    for client_id in refused:
        frame = await send_and_answer(tab, conversation.pk, client_id)
        assert (
            frame["type"] == "error"
            and frame["code"] == "unavailable"
            and frame["client_id"] == client_id
        ), frame
    stored = await database_sync_to_async(
        lambda: set(Message.objects.filter(sender=bob).values_list("client_id", flat=True))
    )()
    assert stored == acked  # nothing stored for a refused send, nothing lost of an acked one

    redis_server.start()  # the same port, empty
    for client_id in refused:  # the client resends what was refused, with the same ids
        frame = await send_and_answer(tab, conversation.pk, client_id)
        assert frame["type"] == "message.ack" and frame["client_id"] == client_id, frame
        acked.add(client_id)
    await tab.disconnect()
    rows = await database_sync_to_async(
        lambda: list(Message.objects.filter(sender=bob).values_list("client_id", flat=True))
    )()
    assert sorted(rows) == sorted(acked) and len(rows) == 8  # stored == acked, no duplicate


async def test_a_store_nobody_answers_refuses_every_send(pair):
    """The cache pointed at a closed port (the socket opened before, with the usual cache)."""
    bob, conversation = pair
    tab = await open_socket(bob)
    await send(tab, {"type": "ping"})  # the connect's presence update (after hello) is done
    assert (await receive(tab))["type"] == "pong"
    with override_settings(CACHES=redis_cache(free_port())):  # nothing listens there
        answers = [await send_and_answer(tab, conversation.pk, uuid.uuid4().hex) for _ in range(4)]
    assert [(a["type"], a["code"]) for a in answers] == [("error", "unavailable")] * 4
    assert await database_sync_to_async(Message.objects.filter(sender=bob).count)() == 0
    await tab.disconnect()


def test_the_http_send_path_refuses_the_same_way(pair):
    """The form/API path (inbox.send.send_message) raises the same retryable error."""
    bob, conversation = pair
    with (
        override_settings(CACHES=redis_cache(free_port())),
        pytest.raises(SendError) as refused,
    ):
        send_message(
            conversation=conversation, sender=bob, body="hello", client_id=uuid.uuid4().hex
        )
    assert refused.value.code == "unavailable"
    assert Message.objects.filter(sender=bob).count() == 0
