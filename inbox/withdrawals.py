"""Hiding a message from the parties (Trust & Safety): both then see a notice instead of its
text, live and on reload. The message row is evidence and stays as stored (the chain still
verifies); a MessageWithdrawal row beside it says who hid it, when and why.

The inbox never asks who may do this (it does not import moderation): moderation's admin
action checks its own permission, records the staff read, then calls `withdraw_message`.
What a party is shown: inbox.withdrawn.shown_body.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from inbox import push
from inbox.frames import serialize_message
from inbox.models import Message, MessageWithdrawal

__all__ = ["MIN_REASON_CHARS", "withdraw_message"]

MIN_REASON_CHARS = 10


def withdraw_message(
    *, message: Message, staff, reason: str, reference: str = ""
) -> MessageWithdrawal:
    """Hide `message` from both parties and tell their open tabs (after commit). The caller
    has checked the staff member's permission; this refuses a short reason, a system
    message and a message hidden already (ValidationError)."""
    reason = reason.strip()
    if len(reason) < MIN_REASON_CHARS:
        raise ValidationError(
            f"Say why you hide this message ({MIN_REASON_CHARS} characters at least): "
            "it is kept with the evidence."
        )
    if message.kind != Message.Kind.USER:
        raise ValidationError("Only a user's message can be hidden.")
    withdrawal = MessageWithdrawal(
        message=message, withdrawn_by=staff, reason=reason, reference=reference.strip()
    )
    try:
        with transaction.atomic():
            withdrawal.save()
    except IntegrityError:
        raise ValidationError("This message is hidden already.") from None
    message = Message.objects.select_related("withdrawal", "conversation").get(pk=message.pk)
    _tell_parties(message)
    return withdrawal


def _tell_parties(message: Message) -> None:
    """A `message.withdrawn` frame to both participants: open threads swap the text for the
    notice (a tab that misses it shows the notice on its next load or sync)."""
    conversation = message.conversation
    frame = {"type": "message.withdrawn", "message": serialize_message(message, for_user=None)}
    push.push_frames([(user_id, frame) for user_id in conversation.user_ids()])
    push.push_summaries(conversation, conversation.user_ids())  # the list's preview too
