"""inbox.writer after a commit: this process's recipients get their `message.new` before
the batch's senders get their answers (lever 18), and the sender's own copy comes last."""

from __future__ import annotations

import asyncio
import os

import pytest

from inbox import push
from inbox import writer as writer_module
from inbox.channel_layer import PipelinedPubSubChannelLayer
from inbox.models import Message
from inbox.push import _message_events, user_group
from inbox.send import SendRequest, SentMessage

REDIS_URL = os.environ.get("REDIS_URL", "")
SENDER, RECIPIENT = 11, 12


def _sent(seq: int = 7) -> SentMessage:
    message = Message(
        conversation_id=5,
        seq=seq,
        sender_id=SENDER,
        client_id="client-0001",
        body="Hi",
        delivered_body="Hi",
    )
    payload = {"id": seq, "conversation_id": 5, "seq": seq, "body": "Hi"}
    return SentMessage(
        message,
        {"type": "message.ack", "client_id": "client-0001", "seq": seq},
        payload,
        (SENDER, RECIPIENT),
    )


def test_the_sender_s_own_copy_is_the_last_event():
    for user_ids in [(SENDER, RECIPIENT), (RECIPIENT, SENDER)]:
        sent = _sent()
        sent = SentMessage(sent.message, sent.ack, sent.payload, user_ids)
        assert [group for group, _ in _message_events(sent)] == [
            user_group(RECIPIENT),
            user_group(SENDER),
        ]


@pytest.mark.skipif(not REDIS_URL, reason="needs REDIS_URL")
async def test_recipients_here_have_the_message_before_the_sender_is_answered(monkeypatch):
    layer = PipelinedPubSubChannelLayer(
        hosts=[{"address": REDIS_URL, "socket_timeout": None}], prefix="test-writer"
    )
    monkeypatch.setattr(push, "get_channel_layer", lambda: layer)
    monkeypatch.setattr(writer_module, "_send_on_database_thread", _stored_at_once)
    try:
        recipient, sender = await layer.new_channel(), await layer.new_channel()
        await layer.group_add(user_group(RECIPIENT), recipient)
        await layer.group_add(user_group(SENDER), sender)
        queued_when_answered: list[tuple[int, int]] = []
        queues = layer._get_layer().channels

        outcome = writer_module.MessageWriter().enqueue(
            SendRequest(5, object(), "Hi", "client-0001")
        )
        outcome.add_done_callback(
            lambda _: queued_when_answered.append(
                (queues[recipient].qsize(), queues[sender].qsize())
            )
        )
        assert isinstance(await asyncio.wait_for(outcome, 5), SentMessage)

        assert queued_when_answered == [(1, 1)]
        assert (await asyncio.wait_for(layer.receive(recipient), 5))["head"] == [5, 7]
        assert (await asyncio.wait_for(layer.receive(sender), 5))["head"] == [5, 7]
    finally:
        await layer.flush()


async def _stored_at_once(requests: list[SendRequest]) -> list[SentMessage]:
    return [_sent() for _ in requests]
