"""The Redis pub/sub channel layer, plus `group_send_many`: a batch's pushes in one round trip.

channels_redis' pub/sub layer publishes one message per `group_send`, each under its
shard's lock and each waiting for Redis' answer, so the writer's 200 pushes of a 100-message
batch were 200 sequential round trips (docs/benchmarks.md, lever 4). `group_send_many`
serialises them all, then sends them as one pipeline per shard under the same lock: the
same PUBLISH commands, in the same order, one round trip.

Selected by config/env.py when REDIS_URL is set. It relies on channels_redis 4.3's
internals (`_get_layer`, the shard's `_lock`, `_ensure_redis`, `_redis`): pinned in
requirements.txt, and inbox/tests/test_channel_layer.py fails if they move.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from channels_redis.pubsub import RedisPubSubChannelLayer

__all__ = ["PipelinedPubSubChannelLayer", "group_send_many"]


class PipelinedPubSubChannelLayer(RedisPubSubChannelLayer):
    async def group_send_many(self, events: Sequence[tuple[str, dict[str, Any]]]) -> None:
        """`group_send(group, event)` for each pair, in order, one pipeline per shard."""
        layer = self._get_layer()
        by_shard: dict[int, tuple[Any, list[tuple[str, bytes]]]] = {}
        for group, event in events:
            channel = layer._get_group_channel_name(group)
            shard = layer._get_shard(channel)
            by_shard.setdefault(id(shard), (shard, []))[1].append((channel, self.serialize(event)))
        for shard, publishes in by_shard.values():
            async with shard._lock:
                shard._ensure_redis()
                pipe = shard._redis.pipeline(transaction=False)
                for channel, data in publishes:
                    pipe.publish(channel, data)
                await pipe.execute()


async def group_send_many(layer: Any, events: Sequence[tuple[str, dict[str, Any]]]) -> None:
    """Pipelined when the layer can (Redis), else one `group_send` after the other (in memory)."""
    if isinstance(layer, PipelinedPubSubChannelLayer):
        await layer.group_send_many(events)
        return
    for group, event in events:
        await layer.group_send(group, event)
