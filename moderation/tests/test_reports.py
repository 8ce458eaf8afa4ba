"""report_received_message: a participant reports the other side's message (moved from
inbox/tests/test_conversations.py with the service)."""

from __future__ import annotations

import pytest

from inbox.checks import SendError
from moderation.reports import report_received_message

pytestmark = pytest.mark.django_db


def test_reports_of_one_message_merge_into_one_open_flag(conversation, alice, bob, charlie, send):
    message = send(conversation, alice, "buy cheap followers").message
    first = report_received_message(
        reporter=bob, message=message, reason="spam", note="unsolicited"
    )
    with pytest.raises(SendError, match="You already reported this message"):
        report_received_message(reporter=bob, message=message, reason="scam", note="")
    assert first.flag.reports.get() == first and first.flag.source == "report"
    with pytest.raises(SendError):
        report_received_message(reporter=charlie, message=message, reason="spam")
    with pytest.raises(SendError):
        report_received_message(reporter=alice, message=message, reason="spam")
