"""Who took each step of an order's timeline, in the words users read.

Staff are never named to users: a dispute's decision is "by Gigbox's dispute team" (the
dispute page says "a Gigbox reviewer"), a suspension "by Gigbox Trust & Safety" (who signs
every moderation notice). Only steps nobody took (the 3-day auto-completion, the cancellation
of a suspended seller's order) are "automatically".
"""

from __future__ import annotations

from collections.abc import Iterable

from marketplace.models import OrderEvent

STAFF_STEPS = {
    OrderEvent.Kind.RESOLVED: "by Gigbox's dispute team",
    OrderEvent.Kind.SELLER_SUSPENDED: "by Gigbox Trust & Safety",
}


def taken_by(event: OrderEvent) -> str:
    """ "by alice", "by Gigbox's dispute team", or "automatically"."""
    if event.actor is not None:
        return f"by {event.actor.username}"
    return STAFF_STEPS.get(event.kind, "automatically")


def with_authors(events: Iterable[OrderEvent]) -> list[OrderEvent]:
    """The events with `.taken_by` set, for the order page's timeline."""
    events = list(events)
    for event in events:
        event.taken_by = taken_by(event)
    return events
