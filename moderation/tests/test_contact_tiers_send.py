"""Issue 21, problem 1 (two tiers): through the real send path, a message showing intent to
move off Gigbox with nothing to mask is delivered as written, reminds its sender, and is
flagged at low priority under its own rule; refusals and rule reminders are left alone.
Bob writes to Alice."""

from __future__ import annotations

import pytest

from moderation import selectors
from moderation.models import Flag

pytestmark = pytest.mark.django_db

A = "/admin/moderation"
INTENTS = [
    ("telegram, same username as here", "intent.same_handle"),
    ("let's continue outside, it's easier", "intent.move_off"),
    ("I'll send my number after you pay", "intent.share_later"),
]
REFUSALS = [
    "I can't share my WhatsApp here",
    "let's keep everything on Gigbox",
    "payment outside the site is not possible",
    "You asked for my Telegram: sorry, that's not allowed, we can talk here any time.",
]


@pytest.mark.parametrize(("body", "rule"), INTENTS)
def test_an_intent_is_delivered_with_a_reminder_and_a_low_flag(conversation, bob, send, body, rule):
    """Problem 1: before, nothing was recorded, no reminder, no flag."""
    sent = send(conversation, bob, body)

    assert sent.message.delivered_body == body and sent.payload["body"] == body
    assert sent.ack["masked"] is False and sent.payload["masked"] is False
    assert sent.ack["notice"].startswith("Keep the conversation on Gigbox:")
    assert sent.ack["findings"] == []  # nothing was hidden
    assert [(f["rule"], f["tier"]) for f in sent.message.findings] == [(rule, 2)]
    flag = Flag.objects.get(message=sent.message)
    assert (flag.priority, flag.rules, flag.kinds) == (Flag.Priority.LOW, [rule], ["intent"])


def test_a_masked_detail_is_flagged_at_high_priority(conversation, bob, send):
    sent = send(conversation, bob, "call me on +49 151 23456789 please")
    assert sent.ack["masked"] is True and sent.ack["notice"].startswith("We hid a phone number")
    assert Flag.objects.get(message=sent.message).priority == Flag.Priority.HIGH


@pytest.mark.parametrize("body", REFUSALS)
def test_refusals_and_reminders_are_never_masked_flagged_or_reminded(conversation, bob, send, body):
    """Problem 1: a refusal is not an attempt (the issue's Telegram refusal was masked)."""
    sent = send(conversation, bob, body)
    assert sent.message.delivered_body == body and sent.message.findings == []
    assert sent.ack["notice"] is None
    assert not Flag.objects.exists()


def test_tier_two_rules_are_counted_in_the_rule_statistics(conversation, bob, send, mona):
    from moderation import services

    first = send(conversation, bob, "telegram, same username as here")
    send(conversation, bob, "whatsapp, same name as here")
    services.dismiss_flag(flag=Flag.objects.get(message=first.message), moderator=mona)

    stats = {stat.rule: stat for stat in selectors.rule_stats()}
    assert (stats["intent.same_handle"].flags, stats["intent.same_handle"].dismissed) == (2, 1)


def test_the_queue_filters_by_priority_and_puts_high_first(client, mona, conversation, bob, send):
    low = Flag.objects.get(
        message=send(conversation, bob, "telegram, same username as here").message
    )
    high = Flag.objects.get(message=send(conversation, bob, "call +49 151 23456789").message)
    client.force_login(mona)

    listed = client.get(f"{A}/flag/").context["cl"].result_list
    assert [f.pk for f in listed] == [high.pk, low.pk]
    low_only = client.get(f"{A}/flag/?priority=low").context["cl"].result_list
    assert [f.pk for f in low_only] == [low.pk]
