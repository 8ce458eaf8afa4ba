"""The demo conversations load through the send path, are masked like live ones, and a
second load changes nothing."""

from __future__ import annotations

import json
from datetime import timedelta
from io import StringIO
from itertools import pairwise

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import timezone

from inbox import seeding as inbox_seeding
from inbox.models import Conversation, Message

pytestmark = pytest.mark.django_db


def inbox_seed_client_ids() -> list[str]:
    data = json.loads((settings.BASE_DIR / "seeds" / "20_inbox.json").read_text())["data"]
    return [m["id"] for c in data["conversations"] for m in c["messages"]]


def test_the_demo_contact_attempts_are_masked():
    call_command("seed", stdout=StringIO())
    by_id = {m.client_id: m for m in Message.objects.exclude(client_id="")}
    for client_id in [
        "seed-buyer-seller-003",
        "seed-buyer-seller-005",
        "seed-buyer-lucas-005",
        "seed-emma-seller-003",
    ]:
        message = by_id[client_id]
        assert message.findings, client_id
        assert "[contact hidden]" in message.delivered_body
    assert "718 555 0142" not in by_id["seed-buyer-seller-003"].delivered_body
    assert not by_id["seed-buyer-seller-001"].findings


def test_the_demo_history_spreads_over_past_days_in_order():
    call_command("seed", stdout=StringIO())
    now = timezone.now()
    general = Conversation.objects.get(
        user_a__username="buyer", user_b__username="seller", order__isnull=True
    )
    times = list(general.messages.order_by("seq").values_list("created_at", flat=True))
    assert len({moment.date() for moment in times}) >= 3  # the thread shows day separators
    assert times == sorted(times) and times[-1] < now
    assert now - times[0] > timedelta(days=5)
    # The seller answered after minutes, not at once: the figures come from these times.
    first, answer = times[:2]
    assert timedelta(minutes=20) <= answer - first <= timedelta(minutes=30)
    # The split phone number still arrives within the detector's look-back: masked.
    assert Message.objects.get(client_id="seed-buyer-lucas-005").findings


def test_message_times_start_in_the_past_and_keep_the_gaps():
    spec = {"days_ago": 0, "hour": 23, "messages": [{}, {"after_minutes": 30}, {}]}
    now = timezone.now()
    times = inbox_seeding.message_times(spec, now=now)
    assert times[-1] < now  # never in the future, even late in the evening's hour
    assert [b - a for a, b in pairwise(times)] == [
        timedelta(minutes=30),
        timedelta(minutes=2),
    ]
    assert inbox_seeding.message_times({"messages": [{}, {}]}, now=now) == [None, None]
