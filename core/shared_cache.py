"""One cache client per process, and its Redis client when the cache is Redis.

`django.core.cache.cache` is one per asyncio context: every socket runs in a task of its own,
so each idle socket would keep a Redis pool of its own. And Django's RedisCache builds a new
redis-py client object on every operation, a costly constructor on a path taken per batch of
messages. Both are made once here, and again when the CACHES setting changes (tests override
it). Used by the inbox (presence, socket limits, the send rate limit) and the marketplace
(the away flag).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.cache import BaseCache, caches
from django.core.cache.backends.redis import RedisCache

__all__ = ["shared_cache", "shared_redis"]

_shared: list = [None, None, None]  # [the CACHES setting they were made for, cache, Redis client]


def _made() -> list:
    if _shared[0] is not settings.CACHES:
        backend = caches.create_connection("default")
        client = backend._cache.get_client(write=True) if isinstance(backend, RedisCache) else None
        _shared[:] = [settings.CACHES, backend, client]
    return _shared


def shared_cache() -> BaseCache:
    """The default cache, one client per process."""
    return _made()[1]


def shared_redis() -> tuple[RedisCache, Any] | None:
    """The default cache and its redis-py client (thread-safe: a connection pool), or None
    when the cache is not Redis."""
    _, backend, client = _made()
    return (backend, client) if client is not None else None
