"""inbox.channel_layer: a batch's pushes in one pipeline, delivered like separate group_sends."""

from __future__ import annotations

import asyncio
import os

import pytest
from channels.layers import InMemoryChannelLayer

from inbox.channel_layer import PipelinedPubSubChannelLayer, group_send_many

REDIS_URL = os.environ.get("REDIS_URL", "")


async def _deliveries(layer, groups: dict[str, str], events: list[tuple[str, dict]]) -> dict[str, list[dict]]:
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
    layer = PipelinedPubSubChannelLayer(hosts=[{"address": REDIS_URL, "socket_timeout": None}], prefix="test-pipelined")
    try:
        received = await _deliveries(layer, {"user.1": "alice", "user.2": "bob"}, EVENTS)
    finally:
        await layer.flush()
    assert [e["text"] for e in received["alice"]] == ["one", "three"]
    assert [e["text"] for e in received["bob"]] == ["two"]


async def test_the_in_memory_layer_gets_one_group_send_each():
    received = await _deliveries(InMemoryChannelLayer(), {"user.1": "alice", "user.2": "bob"}, EVENTS)
    assert [e["text"] for e in received["alice"]] == ["one", "three"]
    assert [e["text"] for e in received["bob"]] == ["two"]
