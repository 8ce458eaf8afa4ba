"""The per-user send limit: exact at window edges, shared by threads and processes."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core.cache import cache
from django.db import connection

from inbox import ratelimit
from inbox.checks import SendError
from inbox.ratelimit import RateLimiterUnavailable, admit_sends, refund_sends

# 1_800_000_000 is a multiple of 60: a window starts exactly here.
WINDOW_START = datetime.fromtimestamp(1_800_000_000, tz=UTC)


@pytest.fixture(autouse=True)
def _limits(settings):
    settings.GIGBOX_SEND_RATE_LIMIT = 30
    settings.GIGBOX_SEND_RATE_WINDOW = 60


def admitted(user_id: int, count: int) -> list[bool]:
    return [admit_sends(user_id, 1).admitted == 1 for _ in range(count)]


def test_the_limit_is_exact_inside_one_window():
    with time_machine.travel(WINDOW_START + timedelta(seconds=1), tick=False):
        assert admitted(1, 31) == [True] * 30 + [False]
        assert admit_sends(1, 1).retry_after == 59


def test_window_edges_with_a_frozen_clock():
    """N at t, N at t+window-e, N at t+window+e (Zulip's test shape), with N = limit."""
    with time_machine.travel(WINDOW_START, tick=False) as clock:
        assert admitted(1, 30) == [True] * 30
        clock.move_to(WINDOW_START + timedelta(seconds=59, microseconds=999_000))
        assert admitted(1, 1) == [False]
        assert admit_sends(1, 1).retry_after == 1
        clock.move_to(WINDOW_START + timedelta(seconds=60))
        assert admitted(1, 31) == [True] * 30 + [False]
        clock.move_to(WINDOW_START + timedelta(seconds=120, microseconds=1))
        assert admitted(1, 1) == [True]


def test_users_are_counted_apart():
    with time_machine.travel(WINDOW_START, tick=False):
        assert admitted(1, 30) == [True] * 30
        assert admitted(2, 1) == [True]


def test_a_batch_admits_its_first_sends_that_fit():
    with time_machine.travel(WINDOW_START, tick=False):
        assert admit_sends(1, 25).admitted == 25
        assert admit_sends(1, 10).admitted == 5
        assert admit_sends(1, 3).admitted == 0


def test_a_refund_gives_back_admitted_sends():
    with time_machine.travel(WINDOW_START, tick=False):
        admission = admit_sends(1, 30)
        refund_sends(1, admission)
        assert admit_sends(1, 30).admitted == 30


def test_a_cache_that_does_not_answer_fails_closed(monkeypatch):
    def down(*args, **kwargs):
        raise ConnectionError("redis is down")

    monkeypatch.setattr(cache, "add", down)  # the in-memory cache's path
    monkeypatch.setattr(ratelimit, "_count_with_redis", down)  # Redis' (REDIS_URL set)
    with pytest.raises(RateLimiterUnavailable):
        admit_sends(1, 1)


@pytest.mark.django_db
def test_an_unavailable_cache_refuses_sends_as_retryable(conversation, bob, send, monkeypatch):
    from inbox import send as send_module

    monkeypatch.setattr(
        send_module, "admit_sends", lambda *a: (_ for _ in ()).throw(RateLimiterUnavailable("down"))
    )
    with pytest.raises(SendError) as info:
        send(conversation, bob)
    assert info.value.code == "unavailable"


@pytest.mark.django_db
def test_the_31st_message_in_a_window_is_refused_and_not_stored(conversation, bob, send):
    from inbox.models import Message

    with time_machine.travel(WINDOW_START + timedelta(seconds=30), tick=False):
        for _ in range(30):
            send(conversation, bob, "fine words")
        with pytest.raises(SendError) as info:
            send(conversation, bob, "one too many")
        assert info.value.code == "rate_limited" and info.value.extra["retry_after"] == 30
    assert Message.objects.count() == 30
    with time_machine.travel(WINDOW_START + timedelta(seconds=60), tick=False):
        send(conversation, bob, "one too many")
    assert Message.objects.count() == 31


def test_a_concurrent_burst_admits_exactly_the_limit():
    """100 sends at once from many threads (each its own Redis connection when REDIS_URL is
    set, as separate server processes would be): exactly 30 get through. The clock stands
    still mid-window: a burst that straddles a window edge may rightly admit up to twice the
    limit (the edges have tests of their own above)."""
    with (
        time_machine.travel(WINDOW_START + timedelta(seconds=30), tick=False),
        ThreadPoolExecutor(max_workers=32) as pool,
    ):
        results = list(pool.map(_admit_one_in_a_worker, range(100)))
    assert sum(results) == 30


def _admit_one_in_a_worker(_: int) -> int:
    # A worker thread that touched the database holds its own connection until it is closed:
    # left open, PostgreSQL refuses to drop the test database at the end of the run.
    try:
        return admit_sends(7, 1).admitted
    finally:
        connection.close()


@pytest.mark.django_db
def test_resends_and_refused_sends_use_none_of_the_budget(conversation, bob, send):
    """Only stored messages count: a resend answered with the stored message, or a send
    refused by a check, leaves the sender's budget as it was."""
    from inbox.models import Message

    with time_machine.travel(WINDOW_START + timedelta(seconds=30), tick=False):
        first = send(conversation, bob, "the first", client_id="first")
        for _ in range(5):
            assert (
                send(conversation, bob, "the first", client_id="first").message.pk
                == first.message.pk
            )
        for _ in range(5):
            with pytest.raises(SendError) as empty:
                send(conversation, bob, "   ")
            assert empty.value.code == "empty"
        for n in range(29):
            send(conversation, bob, f"message {n}")
        with pytest.raises(SendError) as info:
            send(conversation, bob, "the 31st")
        assert info.value.code == "rate_limited"
    assert Message.objects.filter(sender=bob).count() == 30


@pytest.mark.django_db
def test_a_mixed_batch_counts_only_what_it_stores(conversation, bob, send):
    from inbox.send import SendRequest, SentMessage, send_messages

    with time_machine.travel(WINDOW_START + timedelta(seconds=30), tick=False):
        send(conversation, bob, "stored before", client_id="old")
        outcomes = send_messages(
            [
                SendRequest(conversation.pk, bob, "a resend", "old"),
                SendRequest(conversation.pk, bob, "", "empty"),
                SendRequest(conversation.pk, bob, "new one", "new"),
                SendRequest(conversation.pk, bob, "new one", "new"),  # a repeat inside the batch
            ]
        )
        assert [type(o).__name__ for o in outcomes] == [
            "SentMessage",
            "SendError",
            "SentMessage",
            "SentMessage",
        ]
        assert outcomes[0].duplicate and not outcomes[2].duplicate and outcomes[3].duplicate
        assert isinstance(outcomes[2], SentMessage)
        # two stored in all ("old" and "new"): 28 of the 30 are left
        assert admit_sends(bob.pk, 29).admitted == 28


@pytest.mark.django_db
def test_a_batch_that_fails_on_the_database_uses_none_of_the_budget(
    conversation, bob, send, monkeypatch
):
    """Sends of a batch whose reads fail are refused as retryable and use none of the budget."""
    from django.db import OperationalError

    from inbox import store

    def reads_fail(*reading):
        raise OperationalError("the database went away")

    with time_machine.travel(WINDOW_START + timedelta(seconds=30), tick=False):
        monkeypatch.setattr(store.current(), "read", reads_fail)
        for _ in range(40):
            with pytest.raises(SendError) as info:
                send(conversation, bob, "lost")
            assert info.value.code == "unavailable"
        monkeypatch.undo()
        assert admit_sends(bob.pk, 30).admitted == 30
