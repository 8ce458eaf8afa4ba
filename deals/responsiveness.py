"""A seller's responsiveness from the openings of new conversations: pure arithmetic.

An opening is the first message of a new conversation, written by someone who is not the
seller, and the seller's first reply to it (if any). The response rate is the share of
openings answered within 24 hours; the average response time is over the openings that
were answered at all. An unanswered opening younger than 24 hours is not judged yet: the
seller still has time, so it neither helps nor hurts.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

RESPONSE_WINDOW = timedelta(hours=24)
LOOKBACK = timedelta(days=60)


@dataclass(frozen=True)
class Opening:
    asked_at: datetime
    answered_at: datetime | None = None


@dataclass(frozen=True)
class ResponseFigures:
    conversations: int  # openings judged
    answered_in_time: int
    response_rate: int | None  # percent, rounded; None without any judged opening
    average_response_seconds: int | None  # None when nothing was answered


def response_figures(openings: Iterable[Opening], *, now: datetime) -> ResponseFigures:
    """The figures over `openings` (already limited to the look-back period)."""
    judged = [
        o for o in openings if o.answered_at is not None or now - o.asked_at >= RESPONSE_WINDOW
    ]
    delays = [
        (o.answered_at - o.asked_at).total_seconds() for o in judged if o.answered_at is not None
    ]
    in_time = sum(1 for delay in delays if delay <= RESPONSE_WINDOW.total_seconds())
    return ResponseFigures(
        conversations=len(judged),
        answered_in_time=in_time,
        response_rate=round(100 * in_time / len(judged)) if judged else None,
        average_response_seconds=round(sum(delays) / len(delays)) if delays else None,
    )


def describe_duration(seconds: int | None) -> str:
    """'12 minutes', '3 hours', '2 days': how long a seller usually takes to answer."""
    if seconds is None:
        return "—"
    minutes = max(1, round(seconds / 60))
    if minutes < 60:
        return f"{minutes} minute{'s' if minutes != 1 else ''}"
    hours = round(minutes / 60)
    if hours < 48:
        return f"{hours} hour{'s' if hours != 1 else ''}"
    days = round(hours / 24)
    return f"{days} days"
