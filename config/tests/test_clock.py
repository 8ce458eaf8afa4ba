"""config.clock: the demo seeds write in the past through a context variable; the process
clock (`django.utils.timezone.now`) is never replaced, not even while they run."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta
from io import StringIO

import django.utils.timezone
import pytest
from django.core.management import call_command
from django.utils import timezone

from config import clock
from inbox import seeding as inbox_seeding
from inbox import send as inbox_send
from inbox.models import Conversation
from inbox.verification import check_conversation
from marketplace.tests.factories import UserFactory

A_WHILE = timedelta(minutes=5)  # far more than any test takes, far less than a seed's days


def test_outside_seed_time_the_clock_is_the_real_one():
    before = timezone.now()
    assert before <= clock.now() <= timezone.now()


def test_seed_time_reads_the_moment_then_moves_on_with_real_time():
    moment = timezone.now() - timedelta(days=3)
    with clock.seed_time(moment):
        first = clock.now()
        second = clock.now()
        real = timezone.now()
    assert moment <= first <= second < moment + A_WHILE
    assert real > moment + timedelta(days=2), "the real clock is not moved"
    assert timezone.now() - A_WHILE < clock.now() <= timezone.now(), (
        "back to the real clock after the block"
    )


def test_nested_seed_times_and_none():
    outer, inner = timezone.now() - timedelta(days=5), timezone.now() - timedelta(days=2)
    with clock.seed_time(outer):
        with clock.seed_time(inner):
            assert inner <= clock.now() < inner + A_WHILE
        assert outer <= clock.now() < outer + A_WHILE
        with clock.seed_time(None):  # None: the clock as it stands
            assert outer <= clock.now() < outer + A_WHILE
    assert clock.now() > inner + timedelta(days=1)


def test_seed_time_is_seen_only_by_the_code_inside_it():
    """Another thread of the process (a request being served) keeps the real clock."""
    seen: list[datetime] = []
    with clock.seed_time(timezone.now() - timedelta(days=3)):
        assert timezone.now is django.utils.timezone.now
        other = threading.Thread(target=lambda: seen.append(clock.now()))
        other.start()
        other.join()
    assert len(seen) == 1 and seen[0] > timezone.now() - A_WHILE


@pytest.mark.django_db
def test_seeding_never_replaces_timezone_now(monkeypatch):
    """Before, during every seeded send (many of them in the past) and after `manage.py
    seed`, `django.utils.timezone.now` is the same function and reads the real time."""
    real_now = django.utils.timezone.now
    during: list[tuple[object, datetime, datetime]] = []
    send_messages = inbox_send.send_messages

    def spy(requests):
        during.append((django.utils.timezone.now, django.utils.timezone.now(), clock.now()))
        return send_messages(requests)

    monkeypatch.setattr(inbox_send, "send_messages", spy)
    call_command("seed", stdout=StringIO())
    assert django.utils.timezone.now is real_now and timezone.now is real_now
    assert during, "the seeds send messages"
    assert all(function is real_now for function, _, _ in during)
    started = timezone.now()
    assert all(real > started - A_WHILE for _, real, _ in during), (
        "timezone.now() read the real time"
    )
    assert any(real - written > timedelta(days=1) for _, real, written in during), (
        "some were written in the past"
    )


@pytest.mark.django_db
def test_a_chat_seeded_in_the_past_is_dated_then_and_verifies():
    alice, bob = UserFactory(), UserFactory()
    spec = {
        "between": [alice.username, bob.username],
        "days_ago": 3,
        "hour": 10,
        "messages": [
            {"id": "clock-1", "from": alice.username, "body": "Hello, is the logo gig still open?"},
            {
                "id": "clock-2",
                "from": bob.username,
                "body": "It is, tell me more.",
                "after_minutes": 30,
            },
        ],
    }
    inbox_seeding.load({"conversations": [spec]}, StringIO())
    conversation = Conversation.objects.get(
        user_a_id=min(alice.pk, bob.pk), user_b_id=max(alice.pk, bob.pk)
    )
    first, second = conversation.messages.order_by("seq")
    now = timezone.now()
    assert conversation.created_at <= first.created_at < now - timedelta(days=2)
    assert abs(second.created_at - first.created_at - timedelta(minutes=30)) < timedelta(seconds=5)
    assert conversation.last_message_at == second.created_at
    status = check_conversation(conversation)
    assert status.intact and status.head_seq == 2, status.describe()
