"""What moderation plugs into the inbox's extension points (inbox.extensions), registered
once from ModerationConfig.ready:

- every masked message gets a detector flag, in the send transaction (flag_detected_messages);
- every staff read the inbox serves (an attachment download by staff who are not a party)
  leaves a row in the staff access log first, and is refused for anyone who is not active
  staff (record_staff_access raises PermissionDenied).
"""

from __future__ import annotations

from inbox.extensions import add_masked_messages_listener, add_staff_read_recorder
from inbox.models import Message
from moderation.flagging import flag_detected_messages
from moderation.models import StaffAccess
from moderation.staff_access import record_staff_access


def record_staff_read(*, staff, message: Message, reason: str, reference: str) -> StaffAccess:
    return record_staff_access(
        staff=staff, action="other", reason=reason, message=message, reference=reference
    )


def register() -> None:
    add_masked_messages_listener(flag_detected_messages)
    add_staff_read_recorder(record_staff_read)
