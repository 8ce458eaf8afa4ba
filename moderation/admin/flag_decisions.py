"""The flag page's decisions in words, the rules its bulk actions apply, and the reveals a
session may show again."""

from __future__ import annotations

import time

from django.core.exceptions import ValidationError
from django.http import HttpRequest

from moderation import services, strike_numbers
from moderation.models import Flag, FlagReport, Strike


def done_message(decision: str, flag: Flag, strike: Strike | None) -> str:
    """What the decision did, strikes named as everywhere ("strike 2 of 2 active (#4)")."""
    if strike is not None:
        label = strike_numbers.strike_label(strike)
        if strike.flag_id == flag.pk:
            return f"Flag {flag.pk} confirmed: {label} given to {strike.user}."
        return f"Flag {flag.pk} closed as covered by {label}: no new strike."
    return {
        "assign": "Assigned to you.",
        "dismiss": "Dismissed.",
        "duplicate": "Closed as a duplicate.",
    }[decision]


def dismiss_unless_struck(flag: Flag, moderator) -> None:
    """A flag whose case already has a strike is not "not contact": the bulk dismissal
    refuses it (close it as covered instead), so no rule counts a false positive."""
    standing = strike_numbers.case_strike(flag.case_id)
    if standing is not None:
        raise ValidationError(
            f"Flag {flag.pk} not dismissed: its case {flag.case_id} already has "
            f"{strike_numbers.strike_label(standing)}. Close it as covered by that strike."
        )
    services.dismiss_flag(flag=flag, moderator=moderator)


def default_strike_kind(flag: Flag) -> str:
    reasons = set(flag.reports.values_list("reason", flat=True))
    if flag.kinds or FlagReport.Reason.CONTACT in reasons:
        return Strike.Kind.CONTACT_SHARING
    if FlagReport.Reason.HARASSMENT in reasons:
        return Strike.Kind.ABUSE
    if FlagReport.Reason.SPAM in reasons:
        return Strike.Kind.SPAM
    return Strike.Kind.OTHER


REVEAL_SHOWN_FOR = 600  # seconds a reveal's result can be shown again (a refresh) unrecorded
REVEALS_KEY = "moderation:reveals"


def remember_reveal(request: HttpRequest, flag_id: int, access_id: int) -> None:
    """The recorded reveal this session may show (its result page, refreshed)."""
    reveals = request.session.get(REVEALS_KEY, {})
    reveals[str(flag_id)] = {"access": access_id, "at": time.time()}
    request.session[REVEALS_KEY] = reveals


def revealed_in_session(request: HttpRequest, flag_id: int, shown: str) -> bool:
    """True when `shown` names the reveal this session recorded for the flag, within
    REVEAL_SHOWN_FOR: another session, an old link or a made-up id shows nothing."""
    entry = request.session.get(REVEALS_KEY, {}).get(str(flag_id))
    return (
        entry is not None
        and shown == str(entry["access"])
        and time.time() - entry["at"] <= REVEAL_SHOWN_FOR
    )
