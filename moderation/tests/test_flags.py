"""Flags: raised by the detector inside the send transaction, or by users' reports."""

from __future__ import annotations

import uuid

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from inbox import services as inbox_services
from inbox.services import SendRequest, send_messages
from marketplace.tests.factories import SellerFactory, UserFactory
from moderation import services
from moderation.models import Flag, FlagReport

pytestmark = pytest.mark.django_db


@pytest.fixture
def alice():
    return SellerFactory(username="alice")


@pytest.fixture
def bob():
    return UserFactory(username="bob")


@pytest.fixture
def conversation(alice, bob):
    return inbox_services.get_or_start_conversation(starter=bob, other=alice)


def send(conversation, sender, body):
    return inbox_services.send_message(conversation=conversation, sender=sender, body=body, client_id=uuid.uuid4().hex)


def test_a_masked_message_gets_a_detector_flag_with_a_snapshot(conversation, alice, bob):
    send(conversation, alice, "Hello Bob")
    send(conversation, bob, "Hi")
    message = send(conversation, bob, "mail bob.smith@example.com").message
    flag = Flag.objects.get()
    assert (flag.message, flag.source, flag.status) == (message, "detector", "open")
    assert flag.kinds == ["email"] and flag.rules == ["email.plain"]
    assert [m["seq"] for m in flag.snapshot["messages"]] == [1, 2, 3]
    assert flag.snapshot["messages"][-1]["body"] == "mail bob.smith@example.com"


def test_a_clean_message_is_not_flagged(conversation, bob):
    send(conversation, bob, "When can you start?")
    assert not Flag.objects.exists()


def test_a_batch_flags_its_masked_messages_together(conversation, bob):
    requests = [
        SendRequest(conversation.pk, bob, text, uuid.uuid4().hex)
        for text in ["a@example.com please", "nothing here", "or b@example.org"]
    ]
    send_messages(requests)
    assert sorted(Flag.objects.values_list("message__seq", flat=True)) == [1, 3]


def test_a_flag_fails_with_its_message_or_not_at_all(conversation, bob, monkeypatch):
    from inbox.models import Message

    def broken(*, messages):
        raise IntegrityError("flag insert failed")

    monkeypatch.setattr(services, "flag_detected_messages", broken)
    (outcome,) = send_messages([SendRequest(conversation.pk, bob, "mail a@example.com", "flag-key-0001")])
    assert isinstance(outcome, inbox_services.SendError)
    assert not Message.objects.exists() and not Flag.objects.exists()


def test_one_open_flag_per_message(conversation, bob):
    message = send(conversation, bob, "mail a@example.com").message
    with pytest.raises(IntegrityError), transaction.atomic():
        Flag.objects.create(message=message, source="report")
    Flag.objects.filter(message=message).update(status="dismissed")
    report = services.report_message(reporter=bob, message=message, reason="contact")
    assert report.flag.status == "open" and Flag.objects.filter(message=message).count() == 2


def test_reports_merge_into_the_detector_flag(conversation, alice, bob):
    message = send(conversation, bob, "mail a@example.com").message
    services.report_message(reporter=alice, message=message, reason="contact", note="shared his mail")
    assert Flag.objects.count() == 1 and FlagReport.objects.get().flag.source == "detector"


def test_a_report_needs_a_known_reason(conversation, alice, bob):
    message = send(conversation, bob, "hello").message
    with pytest.raises(ValidationError):
        services.report_message(reporter=alice, message=message, reason="because")
    assert not FlagReport.objects.exists()
