"""What a party sees of a message Trust & Safety hid (inbox.withdrawals writes the row).

Everything that shows a message to a party reads `shown_body`, from what was selected with
the message (`select_related("withdrawal")`): never a query per message.
"""

from __future__ import annotations

from inbox.models import Message, MessageWithdrawal

__all__ = ["WITHDRAWN_NOTICE", "withdrawal_of", "shown_body"]

WITHDRAWN_NOTICE = "This message was removed by Trust & Safety."
_DESCRIPTOR = Message.withdrawal  # the reverse one-to-one (MessageWithdrawal.message)


def withdrawal_of(message: Message) -> MessageWithdrawal | None:
    """The message's withdrawal if it was selected with it; None when not selected (a
    message just sent has none), so this never queries."""
    if not _DESCRIPTOR.is_cached(message):
        return None
    return _DESCRIPTOR.related.get_cached_value(message)


def shown_body(message: Message) -> str:
    """What a party sees: the delivered text, or the notice once Trust & Safety hid it."""
    return WITHDRAWN_NOTICE if withdrawal_of(message) is not None else message.delivered_body
