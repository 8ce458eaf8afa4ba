"""inbox.channel_layer: a batch's pushes in one pipeline, delivered like separate group_sends."""

from __future__ import annotations

import asyncio
import os

import pytest
from channels.layers import InMemoryChannelLayer

from inbox.channel_layer import PipelinedPubSubChannelLayer, group_send_many

REDIS_URL = os.environ.get("REDIS_URL", "")


async def _deliveries(
    layer, groups: dict[str, str], events: list[tuple[str, dict]]
) -> dict[str, list[dict]]:
    channels = {}
    for group, who in groups.items():
        channels[who] = channels.get(who) or await layer.new_channel()
        await layer.group_add(group, channels[who])
    await group_send_many(layer, events)
    received: dict[str, list[dict]] = {who: [] for who in channels}
    expected = {who: sum(groups[g] == who for g, _ in events) for who in channels}
    for who, channel in channels.items():
        for _ in range(expected[who]):
            received[who].append(await asyncio.wait_for(layer.receive(channel), timeout=5))
    for group, who in groups.items():
        await layer.group_discard(group, channels[who])
    return received


EVENTS = [
    ("user.1", {"type": "inbox.frame", "text": "one"}),
    ("user.2", {"type": "inbox.frame", "text": "two"}),
    ("user.1", {"type": "inbox.frame", "text": "three"}),
]


@pytest.mark.skipif(not REDIS_URL, reason="needs REDIS_URL")
async def test_group_send_many_delivers_each_event_to_its_group_in_order():
    layer = PipelinedPubSubChannelLayer(
        hosts=[{"address": REDIS_URL, "socket_timeout": None}], prefix="test-pipelined"
    )
    try:
        received = await _deliveries(layer, {"user.1": "alice", "user.2": "bob"}, EVENTS)
    finally:
        await layer.flush()
    assert [e["text"] for e in received["alice"]] == ["one", "three"]
    assert [e["text"] for e in received["bob"]] == ["two"]


async def test_the_in_memory_layer_gets_one_group_send_each():
    received = await _deliveries(
        InMemoryChannelLayer(), {"user.1": "alice", "user.2": "bob"}, EVENTS
    )
    assert [e["text"] for e in received["alice"]] == ["one", "three"]
    assert [e["text"] for e in received["bob"]] == ["two"]


async def _nothing_more(layer, channel, wait: float = 0.3) -> bool:
    """Nothing else arrives for `channel` within `wait` (read off its queue: a cancelled
    `receive` would unsubscribe the channel)."""
    await asyncio.sleep(wait)
    queued = layer._get_layer().channels[channel].qsize()
    assert queued == 0, f"{queued} more delivered"
    return True


def _redis_layer(prefix: str) -> PipelinedPubSubChannelLayer:
    return PipelinedPubSubChannelLayer(
        hosts=[{"address": REDIS_URL, "socket_timeout": None}], prefix=prefix
    )


@pytest.mark.skipif(not REDIS_URL, reason="needs REDIS_URL")
async def test_a_batch_reaches_this_process_and_the_others_once_each():
    """`here` plays the process that stored the batch, `there` another server process (its
    own layer, own origin, own Redis connections): each socket gets each event exactly once,
    `here`'s straight from the queue, `there`'s through Redis."""
    here, there = _redis_layer("test-origin"), _redis_layer("test-origin")
    try:
        mine, theirs = await here.new_channel(), await there.new_channel()
        await here.group_add("user.1", mine)
        await there.group_add("user.1", theirs)
        await group_send_many(
            here,
            [
                ("user.1", {"type": "inbox.frame", "text": "one"}),
                ("user.1", {"type": "inbox.frame", "text": "two"}),
            ],
        )
        assert [(await asyncio.wait_for(here.receive(mine), 5))["text"] for _ in range(2)] == [
            "one",
            "two",
        ]
        assert [(await asyncio.wait_for(there.receive(theirs), 5))["text"] for _ in range(2)] == [
            "one",
            "two",
        ]
        assert await _nothing_more(here, mine) and await _nothing_more(there, theirs)
        # A plain group_send (read receipts, closes) goes the same way: each gets it once.
        await there.group_send("user.1", {"type": "inbox.frame", "text": "plain"})
        assert (await asyncio.wait_for(here.receive(mine), 5))["text"] == "plain"
        assert (await asyncio.wait_for(there.receive(theirs), 5))["text"] == "plain"
        assert await _nothing_more(here, mine) and await _nothing_more(there, theirs)
    finally:
        await here.flush()
        await there.flush()


@pytest.mark.skipif(not REDIS_URL, reason="needs REDIS_URL")
async def test_this_process_s_sockets_do_not_wait_for_redis(monkeypatch):
    """The event is in the local socket's queue before the publish is answered."""
    layer = _redis_layer("test-local-first")
    try:
        mine = await layer.new_channel()
        await layer.group_add("user.9", mine)
        shard = layer._get_layer()._shards[0]
        release = asyncio.Event()
        original_pipeline = shard._redis.pipeline

        def slow_pipeline(*args, **kwargs):
            pipe = original_pipeline(*args, **kwargs)
            execute = pipe.execute

            async def held_execute(*a, **k):
                await release.wait()
                return await execute(*a, **k)

            pipe.execute = held_execute
            return pipe

        monkeypatch.setattr(shard._redis, "pipeline", slow_pipeline)
        sending = asyncio.ensure_future(
            group_send_many(layer, [("user.9", {"type": "inbox.frame", "text": "now"})])
        )
        assert (await asyncio.wait_for(layer.receive(mine), 2))["text"] == "now"
        assert not sending.done()
        release.set()
        await sending
        assert await _nothing_more(layer, mine)
    finally:
        release.set()
        await layer.flush()


@pytest.mark.skipif(not REDIS_URL, reason="needs REDIS_URL")
async def test_this_process_s_events_keep_their_order():
    """A group_send, then a batch, then a group_send (a notice, its message, the close of a
    suspension): this process's socket gets them in that order."""
    layer = _redis_layer("test-order")
    try:
        mine = await layer.new_channel()
        await layer.group_add("user.3", mine)
        await layer.group_send("user.3", {"type": "inbox.frame", "text": "first"})
        await group_send_many(layer, [("user.3", {"type": "inbox.frame", "text": "second"})])
        await layer.group_send("user.3", {"type": "user.close", "text": "third"})
        assert [(await asyncio.wait_for(layer.receive(mine), 5))["text"] for _ in range(3)] == [
            "first",
            "second",
            "third",
        ]
        assert await _nothing_more(layer, mine)
    finally:
        await layer.flush()
