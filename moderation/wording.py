"""The words of every sanction notice, in one place: subjects and texts for a warning, a
messaging restriction and a suspension when it starts, is lifted and ends.

Kind labels ("Messaging restricted", "Account suspended") describe a state and read wrongly
as nouns ("The account suspended has been lifted"), so each kind has its own sentences here.
"""

from __future__ import annotations

from datetime import datetime

from marketplace.models import has_no_end
from moderation.models import Sanction
from moderation.notices import account_url, format_until

__all__ = [
    "WARNING_SUBJECT",
    "warning_text",
    "started_subject",
    "started_text",
    "lifted_subject",
    "lifted_text",
    "ended_subject",
    "ended_text",
    "appeal_terms",
    "stands_text",
]

RESTRICT, SUSPEND = Sanction.Kind.RESTRICT, Sanction.Kind.SUSPEND


def _until(moment: datetime | None) -> str:
    """'until 1 Dec 2026, 16:00 UTC', or 'until a moderator lifts it'."""
    text = format_until(moment)
    return text if has_no_end(moment) else f"until {text}"


WARNING_SUBJECT = "A warning from Gigbox Trust & Safety"


def warning_text() -> str:
    return "This is a warning: nothing else changes for now."


_STARTED_SUBJECTS = {
    RESTRICT: "Your messaging is restricted",
    SUSPEND: "Your account is suspended",
}


def started_subject(kind: str) -> str:
    return _STARTED_SUBJECTS[kind]


def started_text(kind: str, ends_at: datetime | None) -> str:
    until = _until(ends_at)
    if kind == RESTRICT:
        return (
            f"You can read your messages, but you cannot start conversations or send messages "
            f"{until}, except in the conversations of your active orders, so that you can "
            "finish them."
        )
    return (
        f"Your account is suspended {until}. You can still sign in, but only to your account "
        f"page, where you can see why and appeal: {account_url()}"
    )


_LIFTED_SUBJECTS = {
    RESTRICT: "Your messaging restriction was lifted",
    SUSPEND: "Your account suspension was lifted",
}


def lifted_subject(kind: str) -> str:
    return _LIFTED_SUBJECTS[kind]


def lifted_text(kind: str, reason: str) -> str:
    if kind == RESTRICT:
        effect = "Your messaging restriction has been lifted: you can send messages again."
    else:
        effect = "Your account suspension has been lifted: you can use Gigbox again."
    return f"{effect}\n\nReason: {reason}"


_ENDED_SUBJECTS = {
    RESTRICT: "Your messaging restriction has ended",
    SUSPEND: "Your account suspension has ended",
}


def ended_subject(kind: str) -> str:
    return _ENDED_SUBJECTS[kind]


def ended_text(kind: str, ended_at: datetime | None) -> str:
    when = format_until(ended_at)
    if kind == RESTRICT:
        return f"Your messaging restriction ended on {when}: you can send messages again."
    return f"Your account suspension ended on {when}: you can use Gigbox again."


def appeal_terms(deadline: datetime | None) -> str:
    """How to appeal a strike or a sanction imposed directly, with its deadline
    (moderation.selectors.appeal_deadline; a sanction's end)."""
    return f"You can appeal it {_until(deadline)} on your account page: {account_url()}"


def stands_text(kind: str, ends_at: datetime | None) -> str:
    """A rejected appeal of a sanction imposed directly: what stays, and until when."""
    what = "Your messaging restriction" if kind == RESTRICT else "Your account suspension"
    return f"{what} stays {_until(ends_at)}."
