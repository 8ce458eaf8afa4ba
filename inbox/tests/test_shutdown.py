"""Graceful shutdown inside one process (config/lifecycle.py): the writer's DRAIN hook answers
every send it accepted before the consumers' CLOSE hooks say 1001; during the shutdown new
sockets are closed with 1001 and new sends get `unavailable` (the client resends elsewhere).
The real process, signal and all, is in tests/processes/test_graceful_inbox.py."""

from __future__ import annotations

import asyncio
import json
import time

import pytest
from channels.db import database_sync_to_async

from config import lifecycle
from inbox import writer as writer_module
from inbox.models import Message
from inbox.tests.ws import assert_closed_with, connect, open_socket, receive, send

pytestmark = pytest.mark.django_db(transaction=True)


def send_frame(conversation_id: int, client_id: str, body: str = "Hello") -> dict:
    return {
        "type": "message.send",
        "conversation_id": conversation_id,
        "client_id": client_id,
        "body": body,
    }


@pytest.fixture
def slow_store(monkeypatch):
    """Each batch takes 0.3 s to store: the shutdown starts while a send is in flight."""
    real = writer_module.send_messages

    def slow(requests):
        time.sleep(0.3)
        return real(requests)

    monkeypatch.setattr(writer_module, "send_messages", slow)


async def outputs_until_closed(socket) -> list[dict]:
    outputs = []
    while True:
        output = await socket.receive_output(timeout=5)
        outputs.append(output)
        if output["type"] == "websocket.close":
            return outputs


async def test_a_send_accepted_before_the_shutdown_is_acked_and_pushed_before_the_1001(
    conversation, bob, slow_store
):
    socket = await open_socket(bob)
    await send(socket, send_frame(conversation.pk, "before-shutdown-1"))
    await asyncio.sleep(0.05)  # the writer holds it now, storing

    assert await lifecycle.run_shutdown_hooks(timeout=5) is True
    outputs = await outputs_until_closed(socket)

    frames = [json.loads(o["text"]) for o in outputs if o["type"] == "websocket.send"]
    assert [f["type"] for f in frames] == ["message.ack", "message.new"]
    assert frames[0]["client_id"] == "before-shutdown-1"
    assert outputs[-1] == {"type": "websocket.close", "code": 1001}
    stored = await database_sync_to_async(list)(
        Message.objects.filter(sender=bob).values_list("pk", "client_id")
    )
    assert stored == [(frames[0]["id"], "before-shutdown-1")]


async def test_while_shutting_down_a_send_is_refused_as_unavailable_and_not_stored(
    conversation, bob
):
    socket = await open_socket(bob)
    lifecycle.begin_shutdown()

    await send(socket, send_frame(conversation.pk, "during-shutdown-1"))

    error = await receive(socket)
    assert (error["type"], error["code"], error["client_id"]) == (
        "error",
        "unavailable",
        "during-shutdown-1",
    )
    assert not await database_sync_to_async(Message.objects.filter(sender=bob).exists)()
    await socket.disconnect()


async def test_a_socket_opened_while_shutting_down_is_closed_with_1001(bob):
    lifecycle.begin_shutdown()

    socket, connected = await connect(bob)

    assert connected  # accepted only to carry the code
    await assert_closed_with(socket, 1001)


async def test_a_socket_that_went_away_leaves_no_close_hook_behind(bob):
    before = lifecycle.pending_hooks()
    socket = await open_socket(bob)
    assert lifecycle.pending_hooks() == before + 1

    await socket.disconnect()

    assert lifecycle.pending_hooks() == before


async def test_the_writer_registers_one_drain_hook_and_it_waits_for_the_batch(
    conversation, bob, slow_store
):
    from inbox.send import SendRequest

    writer = writer_module.MessageWriter()
    before = lifecycle.pending_hooks()
    sends = [
        asyncio.ensure_future(
            writer.submit(SendRequest(conversation.pk, bob, "Hi", f"drain-test-{n}"))
        )
        for n in range(3)
    ]
    await asyncio.sleep(0.05)
    assert lifecycle.pending_hooks() == before + 1

    await writer.drain()

    assert all(task.done() for task in sends)  # answered: stored and committed
    assert await database_sync_to_async(Message.objects.filter(sender=bob).count)() == 3
