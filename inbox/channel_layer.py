"""The Redis pub/sub channel layer, plus `group_send_many`: a batch's pushes in one round
trip, delivered at once to the sockets of the process that sends them.

channels_redis' pub/sub layer publishes one message per `group_send`, each under its
shard's lock and each waiting for Redis' answer, so a batch's pushes would be as many
sequential round trips. `group_send_many`
serialises them all, then sends them as one pipeline per shard under the same lock: the
same PUBLISH commands, in the same order, one round trip.

It also puts each event straight into the queues of this process's sockets in the group,
before publishing it for the other processes: a recipient connected to the
process that stored the message no longer waits for Redis to echo the publish back. The
published copy carries the sending process's origin mark, and that process's receiver drops
it (it was delivered already); every other process strips the mark and delivers it as
usual. `group_send` goes the same way, so this process's sockets get its events (a batch's
messages, a notice, then the close of a suspension) in the order they were sent.

`send_here_first` splits the two steps for the writer (lever 18): the local deliveries are
done when it returns, before the batch's senders are answered; what it returns publishes.

Selected by config/env.py when REDIS_URL is set. It relies on channels_redis 4.3's
internals (`_get_layer`, the loop layer's `channels`, `groups` and `_shards`, the shard's
`_lock`, `_ensure_redis`, `_redis` and `_receive_message`): pinned in requirements.txt, and
inbox/tests/test_channel_layer.py fails if they move.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Awaitable, Sequence
from typing import Any

from channels_redis.pubsub import (
    RedisPubSubChannelLayer,
    RedisPubSubLoopLayer,
    RedisSingleShardConnection,
)
from channels_redis.utils import _wrap_close

__all__ = ["PipelinedPubSubChannelLayer", "group_send_many", "send_here_first"]

# No serialised event starts with a NUL byte (msgpack writes a map marker first, an encrypted
# one is a Fernet token): a published payload that does carries a 16-byte origin after it.
ORIGIN_MARK = b"\x00"
_MARKED_HEADER = len(ORIGIN_MARK) + 16


class _OriginAwareShard(RedisSingleShardConnection):
    """A shard whose receiver skips the publishes of its own process (delivered in-process)."""

    def _receive_message(self, message: dict[str, Any] | None) -> None:
        if message is not None and message["data"][:1] == ORIGIN_MARK:
            if message["data"][1:_MARKED_HEADER] == self.channel_layer.origin:
                return
            message = {**message, "data": message["data"][_MARKED_HEADER:]}
        super()._receive_message(message)


class _LoopLayer(RedisPubSubLoopLayer):
    """The per-event-loop layer, with an origin of its own and origin-aware shards."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.origin = uuid.uuid4().bytes
        self._shards = [_OriginAwareShard(shard.host, self) for shard in self._shards]

    def deliver_here(self, group_channel: str, data: bytes) -> None:
        """Queue `data` for this process's channels in the group (what the receiver would do
        with the publish, without the round trip)."""
        for channel in self.groups.get(group_channel, ()):
            queue = self.channels.get(channel)
            if queue is not None:
                queue.put_nowait(data)


class PipelinedPubSubChannelLayer(RedisPubSubChannelLayer):
    async def group_send(self, group: str, message: dict[str, Any]) -> None:
        await self.group_send_many([(group, message)])

    def _get_layer(self) -> _LoopLayer:
        loop = asyncio.get_running_loop()
        layer = self._layers.get(loop)
        if layer is None:
            layer = self._layers[loop] = _LoopLayer(*self._args, **self._kwargs, channel_layer=self)
            _wrap_close(self, loop)
        return layer

    async def group_send_many(self, events: Sequence[tuple[str, dict[str, Any]]]) -> None:
        """`group_send(group, event)` for each pair, in order: delivered at once to this
        process's sockets, and published for the others in one pipeline per shard."""
        await self.deliver_here_then_publish(events)

    def deliver_here_then_publish(
        self, events: Sequence[tuple[str, dict[str, Any]]]
    ) -> Awaitable[None]:
        """Deliver each event to this process's sockets now; the returned coroutine publishes
        them for the other processes (it must be awaited)."""
        layer = self._get_layer()
        marked_origin = ORIGIN_MARK + layer.origin
        by_shard: dict[int, tuple[Any, list[tuple[str, bytes]]]] = {}
        for group, event in events:
            channel = layer._get_group_channel_name(group)
            data = self.serialize(event)
            layer.deliver_here(channel, data)
            shard = layer._get_shard(channel)
            by_shard.setdefault(id(shard), (shard, []))[1].append((channel, marked_origin + data))
        return _publish(list(by_shard.values()))


async def _publish(by_shard: list[tuple[Any, list[tuple[str, bytes]]]]) -> None:
    for shard, publishes in by_shard:
        async with shard._lock:
            shard._ensure_redis()
            pipe = shard._redis.pipeline(transaction=False)
            for channel, data in publishes:
                pipe.publish(channel, data)
            await pipe.execute()


async def group_send_many(layer: Any, events: Sequence[tuple[str, dict[str, Any]]]) -> None:
    """Pipelined when the layer can (Redis), else one `group_send` after the other (in memory)."""
    await send_here_first(layer, events)


def send_here_first(layer: Any, events: Sequence[tuple[str, dict[str, Any]]]) -> Awaitable[None]:
    """`group_send_many` in two steps: with the Redis layer this process's sockets have the
    events when this returns, and the awaitable publishes them for the others; with any
    other layer (in memory) the awaitable does it all."""
    if isinstance(layer, PipelinedPubSubChannelLayer):
        return layer.deliver_here_then_publish(events)
    return _one_by_one(layer, events)


async def _one_by_one(layer: Any, events: Sequence[tuple[str, dict[str, Any]]]) -> None:
    for group, event in events:
        await layer.group_send(group, event)
