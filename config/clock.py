"""The time of a write: `now()`, which the demo seeds can set in the past (`seed_time`).

Services stamp what they write (messages with their hash chain, conversations, orders and
their events, offers, reviews, disputes, moderation records) with `now()`. It is
`django.utils.timezone.now()` unless the caller is inside `seed_time(moment)`: then it reads
`moment` when the block starts and moves on with real time, so a demo story written in one
go keeps its order and its gaps. Only the seed loaders (`manage.py seed`, the apps'
`seeding.py`) use `seed_time`; requests and tests of behaviour never do (tests travel with
time-machine, which `timezone.now()` follows).

The seed moment lives in a context variable, not in a patched `timezone.now`: it is seen
only by the code the loader calls, never by another thread or task of the process, and
`timezone.now` itself is never replaced.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime, timedelta

from django.utils import timezone

__all__ = ["now", "seed_time", "story_start"]

# How far the seed clock stands from the real one (None: not seeding, the real clock).
_seed_offset: ContextVar[timedelta | None] = ContextVar("gigbox_seed_offset", default=None)


def now() -> datetime:
    """The time of this write: the real clock, or the seed moment moving on from when its
    `seed_time` block began."""
    real = timezone.now()
    offset = _seed_offset.get()
    return real if offset is None else real + offset


@contextmanager
def seed_time(moment: datetime | None) -> Iterator[None]:
    """Run the block as if the clock read `moment` when it started (None: the clock as it is
    outside the block). Nested blocks: the inner moment holds inside, the outer after."""
    if moment is None:
        yield
        return
    token = _seed_offset.set(moment - timezone.now())
    try:
        yield
    finally:
        _seed_offset.reset(token)


def story_start(*, days_ago: float, hour: int, lasting: timedelta, now: datetime) -> datetime:
    """When a demo story set `days_ago` days back at `hour` o'clock (UTC) begins: earlier if
    need be, so that all of it (`lasting`) lies in the past."""
    start = (now - timedelta(days=days_ago)).replace(hour=hour, minute=0, second=0, microsecond=0)
    return min(start, now - lasting - timedelta(minutes=1))
