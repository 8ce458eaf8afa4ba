"""Times written into stored text (system lines) in one form that pages localize at display.

A system line is stored once for both sides, who may live in different time zones, so it
carries the instant as ISO 8601 UTC ("2026-12-08T23:05Z"). Pages and emails render it in the
reader's zone on the server (`split_stamps`, `localize_stamps`), so the time is right without
JavaScript and in emails; lines stored before that form ("2026-12-08 23:05 UTC") are read too.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime, tzinfo

__all__ = ["stamp", "local_time_text", "list_time_text", "split_stamps", "localize_stamps"]

# The stamp this module writes, and the older "YYYY-MM-DD HH:MM UTC" of early system lines.
_STAMP = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})Z|\s(\d{2}):(\d{2}) UTC)\b")


def stamp(moment: datetime) -> str:
    """`moment` as minutes in UTC, e.g. 2026-12-08T23:05Z."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%MZ")


def local_time_text(moment: datetime, zone: tzinfo, *, name_zone: bool = False) -> str:
    """'8 Dec 2026, 18:30' in `zone`; with name_zone 'IST' (or the offset) follows, for
    emails and other text read away from the site."""
    local = moment.astimezone(zone)
    text = local.strftime("%-d %b %Y, %H:%M")
    return f"{text} {local.tzname() or local.strftime('%z')}" if name_zone else text


def list_time_text(moment: datetime, zone: tzinfo, now: datetime) -> tuple[str, str]:
    """A list row's time in `zone`: '7:47 AM' on the day of `now` there, else 'Dec 5'; and
    its tooltip, 'Monday, December 7, 2026 7:47 AM'. Drawn by the server only, so a row
    updated live reads as one loaded with the page."""
    local = moment.astimezone(zone)
    clock = local.strftime("%-I:%M %p")
    short = clock if local.date() == now.astimezone(zone).date() else local.strftime("%b %-d")
    return short, f"{local.strftime('%A, %B %-d, %Y')} {clock}"


def _moment(match: re.Match[str]) -> datetime | None:
    year, month, day, hour, minute, old_hour, old_minute = match.groups()
    try:
        return datetime(
            int(year),
            int(month),
            int(day),
            int(hour or old_hour),
            int(minute or old_minute),
            tzinfo=UTC,
        )
    except ValueError:  # "2026-13-45T99:00Z" is text, not a time
        return None


def split_stamps(text: str) -> Iterator[tuple[str, datetime | None]]:
    """The text in pieces: (text, None) between stamps, (the stamp's text, its instant)."""
    position = 0
    for match in _STAMP.finditer(text):
        moment = _moment(match)
        if moment is None:
            continue
        if match.start() > position:
            yield text[position : match.start()], None
        yield match.group(0), moment
        position = match.end()
    if position < len(text):
        yield text[position:], None


def localize_stamps(text: str, zone: tzinfo, *, name_zone: bool = False) -> str:
    """`text` with every stamp written as the local time in `zone`."""
    return "".join(
        piece if moment is None else local_time_text(moment, zone, name_zone=name_zone)
        for piece, moment in split_stamps(text)
    )
