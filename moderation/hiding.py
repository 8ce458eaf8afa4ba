"""Hiding a message from the parties: a moderator's decision, with a reason. The inbox keeps
the message as stored and shows both parties a notice instead (inbox.withdrawals); the
access log gets a row too, so the log alone tells who touched which evidence."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction

from inbox.models import Message, MessageWithdrawal
from inbox.withdrawals import withdraw_message
from moderation.models import StaffAccess
from moderation.staff_access import is_active_staff, record_staff_access

__all__ = ["hide_message"]


@transaction.atomic
def hide_message(*, message: Message, moderator, reason: str, reference: str) -> MessageWithdrawal:
    """Hide `message` from both parties (moderators who review flags only); ValidationError
    for a reason under 10 characters or a message hidden already."""
    if not (is_active_staff(moderator) and moderator.has_perm("moderation.change_flag")):
        raise PermissionDenied("Only moderators can hide a message.")
    withdrawal = withdraw_message(
        message=message, staff=moderator, reason=reason, reference=reference
    )
    record_staff_access(
        staff=moderator,
        action=StaffAccess.Action.HIDE_MESSAGE,
        reason=reason,
        message=message,
        reference=reference,
    )
    return withdrawal
