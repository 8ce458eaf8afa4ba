"""Times written into stored text (system lines) in one form that pages localize at display.

A system line is stored once for both sides, who may live in different time zones, so it
carries the instant as ISO 8601 UTC ("2026-12-08T23:05Z"); static/js/thread_extras.js shows
it in the viewer's zone, like every other time on the page.
"""

from __future__ import annotations

from datetime import UTC, datetime


def stamp(moment: datetime) -> str:
    """`moment` as minutes in UTC, e.g. 2026-12-08T23:05Z."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%MZ")
