"""Whether any seller's away reply may be running, kept in the shared cache.

The inbox answers every stored batch of messages with its recipients' away replies
(inbox.away), and almost always nobody is away: `marketplace.availability.away_replies_possible`
reads one cache key here (the latest end among the away replies set) instead
of querying the profiles for every batch. The cache is shared by every server process, so a
seller who goes away in one process is seen by the sockets of every other.

Any save of a seller profile forgets the value (SellerProfile.save): at once, so that the
same transaction reads its own change, and again after commit, so that a process that
recomputed it from the old rows in between does not keep it. The value also expires after
TIMEOUT seconds, which bounds the one race left (a reader that read the old rows before the
commit and stores them after it). With the cache unreachable every batch queries, as before.
"""

from __future__ import annotations

import logging
import math
from datetime import datetime

from django.db import connection, transaction

from core.shared_cache import shared_cache, shared_redis

logger = logging.getLogger(__name__)

__all__ = ["KEY", "TIMEOUT", "cached_until", "remember", "forget"]

KEY = "marketplace:away-replies-until"
TIMEOUT = 60  # seconds


def cached_until() -> int | None:
    """The latest end of an away reply (a timestamp in whole seconds, rounded up; 0: none is
    set), or None: unknown. With Redis, a plain GET on the process's one client (Django's
    RedisCache stores an int as a Redis integer)."""
    try:
        redis = shared_redis()
        if redis is None:
            return shared_cache().get(KEY)
        backend, client = redis
        raw = client.get(backend.make_key(KEY))
        return None if raw is None else int(raw)
    except Exception:  # the cache is down: unknown, the caller reads the profiles
        logger.warning("away flag: cache read failed", exc_info=True)
        return None


def remember(latest: datetime | None) -> int:
    """Store what the profiles say (`latest`: the latest `away_until` among the profiles with
    an away message); kept only when no save forgot the value meanwhile (`add`), and not
    when this connection's open transaction saved a profile (it may yet roll back)."""
    until = math.ceil(latest.timestamp()) if latest is not None else 0
    if _saved_in_open_transaction():
        return until
    try:
        shared_cache().add(KEY, until, TIMEOUT)
    except Exception:
        logger.warning("away flag: cache write failed", exc_info=True)
    return until


def _saved_in_open_transaction() -> bool:
    # Django's pending on-commit callbacks: (savepoint ids, function, robust).
    return any(entry[1] is _delete for entry in connection.run_on_commit)


def _delete() -> None:
    try:
        shared_cache().delete(KEY)
    except Exception:  # a profile is saved whatever the cache does; the value expires anyway
        logger.warning("away flag: cache delete failed", exc_info=True)


def forget() -> None:
    """A seller profile changed: its away reply may have started, moved or ended."""
    _delete()
    transaction.on_commit(_delete)
