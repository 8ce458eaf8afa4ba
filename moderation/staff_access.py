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


def require_reason(reason: str) -> str:
    """The staff member's reason, stripped; ValidationError when shorter than
    MIN_REASON_CHARS. Callers that compose a longer text check the staff member's own words."""
    reason = reason.strip()
    if len(reason) < MIN_REASON_CHARS:
        raise ValidationError(
            f"Give a reason of at least {MIN_REASON_CHARS} characters: it is kept in the staff "
            "access log with your name and the time.",
            code="reason_too_short",
        )
    return reason


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
