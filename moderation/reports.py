"""A participant reports a message they received (the inbox thread's Report link, the JSON API).

Who may report is checked here, with the inbox's answers: someone outside the conversation
gets the same `forbidden` as for a conversation that does not exist, and one's own message
cannot be reported, nor a system message (on every path: the page and the JSON API).
moderation.flagging.report_message then files it (one open flag per message; seeds call that
one directly).
"""

from __future__ import annotations

from inbox.checks import SendError
from inbox.models import Message
from moderation.flagging import report_message
from moderation.models import FlagReport


def report_received_message(
    *, reporter, message: Message, reason: str, note: str = ""
) -> FlagReport:
    """Report a message of the other participant to moderation."""
    if reporter.pk not in message.conversation.user_ids():
        raise SendError("forbidden", "No such conversation.")
    if message.kind != Message.Kind.USER or message.sender_id is None:
        # Trust & Safety notices and order events are the platform's: the page has no link.
        raise SendError("forbidden", "Only messages from people can be reported.")
    if message.sender_id == reporter.pk:
        raise SendError("forbidden", "You cannot report your own message.")
    return report_message(reporter=reporter, message=message, reason=reason, note=note)
