"""Who counts as staff, and the staff access log: a row (who read what, and why) is written
before any protected data is shown. moderation.services re-exports both.
"""

from __future__ import annotations

import logging

from django.core.exceptions import ValidationError
from django.db import transaction

from inbox.checks import is_account_suspended
from inbox.models import Conversation, Message
from moderation.models import StaffAccess

security_log = logging.getLogger("gigbox.security")

MIN_REASON_CHARS = 10  # "x" or "check" says nothing to whoever audits the log later
KEPT_IN_LOG = "it is kept in the staff access log with your name and the time"
SHOWN_TO_USER = "the user reads it, and so do other moderators"


def reason_rule(kept: str = KEPT_IN_LOG) -> str:
    """The rule's wording, also a form's "required" message (an empty field says the same)."""
    return f"Give a reason of at least {MIN_REASON_CHARS} characters: {kept}."


def require_reason(reason: str, *, kept: str = KEPT_IN_LOG, field: str | None = None) -> str:
    """The staff member's reason, stripped; ValidationError (on `field` if given) when shorter
    than MIN_REASON_CHARS. The one rule for every staff reason: reads (kept in the log) and
    decisions the user reads (kept=SHOWN_TO_USER). Callers that compose a longer text check
    the staff member's own words."""
    reason = (reason or "").strip()
    if len(reason) < MIN_REASON_CHARS:
        error = ValidationError(reason_rule(kept), code="reason_too_short")
        raise ValidationError({field: error}) if field else error
    return reason


def user_facing_reason(reason: str, field: str | None = None) -> str:
    """require_reason for a reason the user reads (sanction, lift, strike note, appeal)."""
    return require_reason(reason, kept=SHOWN_TO_USER, field=field)


def appeal_rule() -> str:
    """The same rule for a user's appeal, in words for users."""
    return (
        f"Write at least {MIN_REASON_CHARS} characters: say in your own words why it is "
        "wrong. You can appeal only once, and a moderator decides on what you write."
    )


def appeal_text(text: str, field: str | None = "text") -> str:
    """A user's appeal, stripped; ValidationError when shorter than MIN_REASON_CHARS."""
    text = (text or "").strip()
    if len(text) < MIN_REASON_CHARS:
        error = ValidationError(appeal_rule(), code="appeal_too_short")
        raise ValidationError({field: error}) if field else error
    return text


def appeal_validator(value: str) -> None:
    appeal_text(value, field=None)


def reason_validator(value: str) -> None:
    """Form field validator for a reason the user reads: the services' rule and wording."""
    user_facing_reason(value)


def read_reason_validator(value: str) -> None:
    """Form field validator for a staff read's reason (kept in the log): require_reason."""
    require_reason(value)


def is_active_staff(user) -> bool:
    """Active, staff and not suspended: a staff session may outlive a suspension (a session
    engine whose sessions end_sessions cannot delete), so every staff check asks this."""
    return user.is_active and user.is_staff and not is_account_suspended(user)


@transaction.atomic
def record_staff_access(
    *,
    staff,
    action: str,
    reason: str,
    conversation: Conversation | None = None,
    message: Message | None = None,
    reference: str = "",
) -> StaffAccess:
    """Write who read what and why, before the protected data is shown.

    Refuses a reason under MIN_REASON_CHARS and anyone who is not active staff or is suspended
    (ValidationError): a read with no row must not happen, so callers record first and show
    afterwards.
    """
    if not is_active_staff(staff):
        raise ValidationError(
            "Only active staff members who are not suspended can read protected data."
        )
    access = StaffAccess(
        staff=staff,
        action=action,
        reason=require_reason(reason),
        conversation=conversation,
        message=message,
        reference=reference.strip(),
    )
    if message is not None and conversation is None:
        access.conversation_id = message.conversation_id
    access.full_clean()
    access.save()
    # One line per read; %r keeps CR/LF and escape codes in the reason from forging lines.
    security_log.info(
        "staff_access staff=%s action=%s conversation=%s message=%s reference=%r",
        staff.pk,
        action,
        access.conversation_id,
        access.message_id,
        access.reference,
    )
    return access
