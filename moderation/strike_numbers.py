"""One numbering of strikes everywhere staff and users read it, and the strikes a case
already has.

"strike 2 of 3 active (#4)": its place among the user's active strikes (the number the
escalation policy counts), how many are active, and its id (the one the admin pages link).
A strike that no longer counts is "strike #4 (overturned)" or "(expired)".
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.utils import timezone

from moderation.models import Flag, Strike, active_strikes_q


def active_ids(user_id: int) -> list[int]:
    """The user's active strikes, oldest first: a strike's place in it is its number."""
    return list(
        Strike.objects.filter(active_strikes_q(timezone.now()), user_id=user_id)
        .order_by("created_at", "id")
        .values_list("pk", flat=True)
    )


def strike_label(strike: Strike, active: Sequence[int] | None = None) -> str:
    """ "strike 2 of 3 active (#4)", or "strike #4 (overturned)" / "(expired)"."""
    active = active_ids(strike.user_id) if active is None else active
    if strike.pk in active:
        return f"strike {active.index(strike.pk) + 1} of {len(active)} active (#{strike.pk})"
    gone = "overturned" if strike.overturned_at is not None else "expired"
    return f"strike #{strike.pk} ({gone})"


def next_label(number: int) -> str:
    """What a new strike would be: "strike 2 of 2 active"."""
    return f"strike {number} of {number} active"


def labelled(strikes: Iterable[Strike]) -> list[Strike]:
    """The strikes with `.label` set (templates show it), one query per user."""
    strikes = list(strikes)
    per_user: dict[int, list[int]] = {}
    for strike in strikes:
        if strike.user_id not in per_user:
            per_user[strike.user_id] = active_ids(strike.user_id)
        strike.label = strike_label(strike, per_user[strike.user_id])
    return strikes


def existing_strikes(message_ids: Sequence[int]) -> dict[int, Strike]:
    """The standing (not overturned) strike already given for each of these messages: the
    strike cites it, or a flag of it closed as covered by the strike."""
    found: dict[int, Strike] = {}
    standing = Strike.objects.filter(overturned_at__isnull=True)
    for strike in standing.filter(message_id__in=message_ids).order_by("created_at", "id"):
        found.setdefault(strike.message_id, strike)
    covered = (
        Flag.objects.filter(message_id__in=message_ids, covered_by__overturned_at__isnull=True)
        .exclude(covered_by=None)
        .select_related("covered_by")
        .order_by("covered_by__created_at", "id")
    )
    for flag in covered:
        found.setdefault(flag.message_id, flag.covered_by)
    return found


def case_strikes(case_id: int) -> dict[int, Strike]:
    """existing_strikes for every message of the case, open or closed."""
    return existing_strikes(
        list(Flag.objects.filter(case_id=case_id).values_list("message_id", flat=True))
    )


def case_strike(case_id: int | None) -> Strike | None:
    """The earliest standing strike given for a message of the case: a flag of the case
    confirmed on its own is covered by it (one strike per case), never struck again."""
    if case_id is None:
        return None
    given = case_strikes(case_id).values()
    return min(given, key=lambda strike: (strike.created_at, strike.pk), default=None)
