"""Demo history in the past: `manage.py seed` writes through the services as if earlier.

Every service reads the time through `django.utils.timezone.now()` (so do `auto_now_add`
fields and `deals.clock`), so replacing that one function for the length of a `with` block
dates what is written inside it (messages with their hash chain, conversations, orders,
offers, reviews) at that moment, moving on with real time. The services and their rules
stay the ones users go through; only the seed loaders use this, never a request or a test
of behaviour (tests travel with time-machine).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta

from django.utils import timezone

__all__ = ["story_start", "written_at"]


def story_start(*, days_ago: float, hour: int, lasting: timedelta, now: datetime) -> datetime:
    """When a demo story set `days_ago` days back at `hour` o'clock (UTC) begins: earlier if
    need be, so that all of it (`lasting`) lies in the past."""
    start = (now - timedelta(days=days_ago)).replace(hour=hour, minute=0, second=0, microsecond=0)
    return min(start, now - lasting - timedelta(minutes=1))


@contextmanager
def written_at(moment: datetime | None) -> Iterator[None]:
    """Run the block as if the clock read `moment` when it started (None: the real clock)."""
    if moment is None:
        yield
        return
    real_now = timezone.now
    offset = moment - real_now()
    timezone.now = lambda: real_now() + offset
    try:
        yield
    finally:
        timezone.now = real_now
