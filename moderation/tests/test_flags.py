"""Flags: raised by the detector on masked messages, by users' reports (merged into one open
flag per message, with a snapshot of the context); reviewed by assign, dismiss, confirm."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from inbox.checks import SendError
from moderation import selectors, services
from moderation.models import Flag, FlagReport, Strike
from moderation.reports import report_received_message

pytestmark = pytest.mark.django_db


def test_the_detector_flags_a_masked_message_with_its_context(conversation, alice, bob, send):
    send(conversation, alice, "Hi Bob, what do you need?")
    message = send(conversation, bob, "call me on +49 151 23456789 please").message

    flag = Flag.objects.get()
    assert (flag.message, flag.source, flag.status) == (
        message,
        Flag.Source.DETECTOR,
        Flag.Status.OPEN,
    )
    assert "phone" in flag.kinds and flag.rules
    snapshot = [entry["seq"] for entry in flag.snapshot["messages"]]
    assert snapshot == [1, 2]


# The inbox's send path flags through moderation's masked-messages listener (inbox.extensions).
def test_a_masked_message_is_flagged_in_the_same_transaction(conversation, bob, send):
    sent = send(conversation, bob, "mail me at bob.smith@example.com")
    flag = Flag.objects.get()
    assert (
        flag.message_id == sent.message.pk and flag.source == "detector" and flag.kinds == ["email"]
    )


def test_a_second_report_of_one_message_by_the_same_user_counts_nothing(
    conversation, alice, bob, charlie, send
):
    message = send(conversation, bob, "You are an idiot").message

    report_received_message(
        reporter=alice, message=message, reason=FlagReport.Reason.HARASSMENT, note="Rude"
    )
    with pytest.raises(SendError, match="You already reported this message"):
        report_received_message(reporter=alice, message=message, reason=FlagReport.Reason.SPAM)

    flag = Flag.objects.get()
    assert flag.source == Flag.Source.REPORT
    assert list(flag.reports.values_list("reason", flat=True)) == ["harassment"]


def test_a_report_joins_the_detector_flag(alice, contact_message, flag):
    report_received_message(
        reporter=alice, message=contact_message, reason=FlagReport.Reason.CONTACT
    )

    assert Flag.objects.get() == flag and flag.reports.count() == 1


def test_context_shows_delivered_text_only(flag):
    texts = [entry["text"] for entry in selectors.context_messages(flag)]
    assert texts and all("23456789" not in text for text in texts)


def test_assign_dismiss_and_the_rule_counts(flag, mona):
    services.assign_flag(flag=flag, moderator=mona)
    services.dismiss_flag(flag=flag, moderator=mona, note="A tracking number")

    flag.refresh_from_db()
    assert (flag.status, flag.assigned_to, flag.decided_by) == (Flag.Status.DISMISSED, mona, mona)
    stats = {stat.rule: stat for stat in selectors.rule_stats()}
    assert set(stats) == set(flag.rules)
    # One decision gives no rate (a rate needs selectors.MIN_DECISIONS).
    assert all((s.flags, s.dismissed, s.dismissal_rate) == (1, 1, None) for s in stats.values())
    with pytest.raises(ValidationError, match="already handled"):
        services.dismiss_flag(flag=flag, moderator=mona)


def test_confirm_gives_the_sender_a_strike(flag, bob, mona):
    given = services.confirm_flag(
        flag=flag,
        moderator=mona,
        kind=Strike.Kind.CONTACT_SHARING,
        note="No phone numbers, please.",
    )

    flag.refresh_from_db()
    assert flag.status == Flag.Status.CONFIRMED
    assert (given.user, given.flag, given.message) == (bob, flag, flag.message)
    assert [s.confirmed for s in selectors.rule_stats()] == [1] * len(flag.rules)


def test_reviewers_and_plain_staff_cannot_review(flag, rita, stella):
    for staff in (rita, stella):
        with pytest.raises(PermissionDenied):
            services.dismiss_flag(flag=flag, moderator=staff)
        with pytest.raises(PermissionDenied):
            services.assign_flag(flag=flag, moderator=staff)
    flag.refresh_from_db()
    assert flag.status == Flag.Status.OPEN and flag.assigned_to is None


def test_moderation_fills_the_inboxs_extension_points():
    from inbox import extensions
    from moderation.inbox_hooks import record_staff_read

    assert services.flag_detected_messages in extensions._masked_messages_listeners
    assert record_staff_read in extensions._staff_read_recorders
