"""What moderation plugs into the inbox's and the marketplace's extension points
(inbox.extensions, marketplace.extensions), registered once from ModerationConfig.ready:

- every masked message gets a detector flag, in the send transaction (flag_detected_messages);
- every staff read the inbox serves (an attachment download by staff who are not a party)
  leaves a row in the staff access log first, with the staff member's own reason, and is
  refused for anyone who is not active staff (record_staff_access);
- a staff member reaches a message's files through a flag on it (the reports on a message
  are on its flag), if they may view flags;
- every staff read of an order (its page, a delivered file) leaves a row first too.
"""

from __future__ import annotations

from inbox.extensions import (
    add_masked_messages_listener,
    add_staff_evidence_source,
    add_staff_read_recorder,
)
from inbox.models import Message
from marketplace.extensions import add_staff_order_read_recorder
from marketplace.models import Order
from moderation.flagging import flag_detected_messages
from moderation.models import Flag, StaffAccess
from moderation.staff_access import is_active_staff, record_staff_access

READ_ACTIONS = {
    "attachment": StaffAccess.Action.ATTACHMENT,
    "order_page": StaffAccess.Action.ORDER_PAGE,
    "delivery_file": StaffAccess.Action.DELIVERY_FILE,
}


def record_staff_read(
    *, staff, message: Message, reason: str, reference: str, action: str
) -> StaffAccess:
    return record_staff_access(
        staff=staff,
        action=READ_ACTIONS.get(action, StaffAccess.Action.OTHER),
        reason=reason,
        message=message,
        reference=reference,
    )


def flags_of_message(*, staff, message: Message) -> list[str]:
    """ "flag:N" for each flag on the message (reports included), for staff who view flags."""
    if not (is_active_staff(staff) and staff.has_perm("moderation.view_flag")):
        return []
    return [
        f"flag:{pk}" for pk in Flag.objects.filter(message=message).values_list("pk", flat=True)
    ]


def record_order_read(*, staff, order: Order, action: str, reason: str, what: str) -> StaffAccess:
    return record_staff_access(
        staff=staff,
        action=READ_ACTIONS[action],
        reason=reason,
        reference=f"order:{order.reference}{f' {what}' if what else ''}"[:100],
    )


def register() -> None:
    add_masked_messages_listener(flag_detected_messages)
    add_staff_read_recorder(record_staff_read)
    add_staff_evidence_source(flags_of_message)
    add_staff_order_read_recorder(record_order_read)
