"""The per-user send limit: a fixed-window counter in the shared cache.

GIGBOX_SEND_RATE_LIMIT messages per GIGBOX_SEND_RATE_WINDOW seconds, per user, across every
server process (the cache is Redis whenever REDIS_URL is set). The window is aligned on the
clock (window n covers [n*W, (n+1)*W)); one atomic increment admits or refuses, so a burst
from many processes admits exactly the limit (docs/decisions.md).
"""

from __future__ import annotations

import contextlib
import math
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, overload

from django.conf import settings
from django.core.cache import cache
from django.core.cache.backends.redis import RedisCache
from redis.commands.core import Script

from core.shared_cache import shared_redis

__all__ = [
    "Admission",
    "RateLimiterUnavailable",
    "admit_sends",
    "limited_for",
    "refund_sends",
]


class RateLimiterUnavailable(Exception):
    """The shared cache did not answer: sends are refused as retryable, never let through."""


@dataclass(frozen=True)
class Admission:
    admitted: int  # how many of the requested sends may go ahead (the first ones)
    retry_after: int  # whole seconds until the window ends (for the refused ones)
    window: int

    def refusal(self) -> str:
        """What a refused sender is told (messages and custom offers alike)."""
        return f"You are sending messages too fast; try again in {self.retry_after} s."


def _now() -> float:
    return time.time()


def _key(user_id: int, window: int) -> str:
    return f"inbox:send-rate:{user_id}:{window}"


@overload
def admit_sends(user_id: int, count: int = 1) -> Admission: ...
@overload
def admit_sends(user_id: Mapping[int, int]) -> dict[int, Admission]: ...


def admit_sends(user_id, count=1):
    """Count `count` sends by `user_id` in the current window and say how many fit; or, given
    a mapping {user_id: count} (a writer batch), do that for every user at once."""
    if isinstance(user_id, Mapping):
        return _admit_many(user_id)
    return _admit_many({user_id: count})[user_id]


def _admission(total: int, count: int, now: float, window: int) -> Admission:
    limit, length = settings.GIGBOX_SEND_RATE_LIMIT, settings.GIGBOX_SEND_RATE_WINDOW
    admitted = max(0, min(count, limit - (total - count)))
    retry_after = max(1, math.ceil((window + 1) * length - now))
    return Admission(admitted=admitted, retry_after=retry_after, window=window)


# KEYS: one counter per sender; ARGV[1]: expiry (s), ARGV[1 + i]: sends to count on KEYS[i].
_ADMIT_SCRIPT = Script(
    None,  # no client of its own: each call names the cache's (bytes: no encoder needed here)
    b"""
local totals = {}
for i, key in ipairs(KEYS) do
    redis.call('SET', key, 0, 'NX', 'EX', ARGV[1])
    totals[i] = redis.call('INCRBY', key, ARGV[i + 1])
end
return totals
""",
)


def _count_with_redis(
    backend: RedisCache, client: Any, counts: Mapping[int, int], window: int
) -> list[int]:
    # Django's RedisCache stores integers as plain Redis integers, so INCRBY works on its keys
    # (`refund_sends` decrements them through the cache); SET NX EX is `cache.add`. One script
    # call for the whole batch: one round trip, and little Python encoding per sender.
    keys = [backend.make_and_validate_key(_key(user_id, window)) for user_id in counts]
    return [
        int(total)
        for total in _ADMIT_SCRIPT(
            keys=keys, args=[settings.GIGBOX_SEND_RATE_WINDOW + 5, *counts.values()], client=client
        )
    ]


def _count_with_cache(counts: Mapping[int, int], window: int) -> list[int]:
    """Any other cache (the in-memory one of `make run` and the SQLite tests): add + incr."""
    timeout = settings.GIGBOX_SEND_RATE_WINDOW + 5  # outlives its window a little, then expires
    totals = []
    for user_id, count in counts.items():
        key = _key(user_id, window)
        cache.add(key, 0, timeout=timeout)
        try:
            totals.append(cache.incr(key, count))
        except ValueError:  # expired or evicted between add and incr
            cache.add(key, 0, timeout=timeout)
            totals.append(cache.incr(key, count))
    return totals


def _admit_many(counts: Mapping[int, int]) -> dict[int, Admission]:
    now = _now()
    window = int(now // settings.GIGBOX_SEND_RATE_WINDOW)
    try:
        redis = shared_redis()  # one redis-py client per process
        totals = (
            _count_with_redis(*redis, counts, window)
            if redis is not None
            else _count_with_cache(counts, window)
        )
    except Exception as exc:  # the cache is down: fail closed, retryably
        raise RateLimiterUnavailable(str(exc)) from exc
    return {
        user_id: _admission(total, count, now, window)
        for (user_id, count), total in zip(counts.items(), totals, strict=True)
    }


def limited_for(user_id: int) -> int | None:
    """Seconds until `user_id` may send again when their window is already full, else None.
    A read, counting nothing: an upload from a limited sender is refused before its body is
    parsed (inbox.upload_gate); a cache that does not answer leaves it to the send path."""
    now = _now()
    window = int(now // settings.GIGBOX_SEND_RATE_WINDOW)
    try:
        total = cache.get(_key(user_id, window)) or 0
    except Exception:
        return None
    if int(total) < settings.GIGBOX_SEND_RATE_LIMIT:
        return None
    return _admission(int(total), 0, now, window).retry_after


def refund_sends(user_id: int, admission: Admission) -> None:
    """Give back admitted sends that were not stored (the database failed), so that the
    client's retry of the same message is not refused for it."""
    if admission.admitted <= 0:
        return
    # The window ended meanwhile, or the cache is down: nothing to give back.
    with contextlib.suppress(Exception):
        cache.decr(_key(user_id, admission.window), admission.admitted)
