"""The one clock of deals (offer expiry, review windows, response figures): a seam for tests."""

from __future__ import annotations

from datetime import datetime

from config import clock


def now() -> datetime:
    """The time of this write (config.clock: the seed moment while the demo seeds run)."""
    return clock.now()
