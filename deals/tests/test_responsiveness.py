"""Response rate and average first-response time: the arithmetic on constructed histories,
then the same figures from a real message log."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from deals import services
from deals.models import ResponseStats
from deals.responsiveness import Opening, describe_duration, response_figures
from inbox.conversations import get_or_start_conversation
from inbox.send import send_message
from marketplace.tests.factories import OrderFactory, UserFactory

NOW = datetime(2026, 7, 1, 12, 0, tzinfo=UTC)
H = timedelta(hours=1)


def opening(asked_hours_ago: float, answered_after_hours: float | None) -> Opening:
    asked = NOW - asked_hours_ago * H
    return Opening(
        asked, None if answered_after_hours is None else asked + answered_after_hours * H
    )


class TestArithmetic:
    def test_no_conversations_no_figures(self):
        figures = response_figures([], now=NOW)
        assert (figures.conversations, figures.response_rate, figures.average_response_seconds) == (
            0,
            None,
            None,
        )

    def test_answers_within_24_hours_count_towards_the_rate(self):
        figures = response_figures(
            [opening(100, 1), opening(100, 23.9), opening(100, 30), opening(100, None)], now=NOW
        )
        assert (figures.conversations, figures.answered_in_time, figures.response_rate) == (
            4,
            2,
            50,
        )

    def test_exactly_24_hours_is_in_time(self):
        assert response_figures([opening(48, 24)], now=NOW).response_rate == 100

    def test_the_average_is_over_answered_conversations_only(self):
        figures = response_figures([opening(100, 1), opening(100, 3), opening(100, None)], now=NOW)
        assert figures.average_response_seconds == 2 * 3600

    def test_a_late_answer_counts_in_the_average_but_not_the_rate(self):
        figures = response_figures([opening(100, 2), opening(100, 48)], now=NOW)
        assert (figures.response_rate, figures.average_response_seconds) == (50, 25 * 3600)

    def test_an_unanswered_opening_younger_than_24_hours_is_not_judged_yet(self):
        figures = response_figures([opening(100, 1), opening(5, None)], now=NOW)
        assert (figures.conversations, figures.response_rate) == (1, 100)

    def test_an_early_answer_to_a_young_opening_counts(self):
        figures = response_figures([opening(5, 1)], now=NOW)
        assert (figures.conversations, figures.response_rate) == (1, 100)

    def test_the_rate_rounds_to_a_whole_percent(self):
        assert (
            response_figures(
                [opening(100, 1), opening(100, 1), opening(100, None)], now=NOW
            ).response_rate
            == 67
        )

    @pytest.mark.parametrize(
        "seconds, words",
        [
            (None, "—"),
            (30, "1 minute"),
            (600, "10 minutes"),
            (7200, "2 hours"),
            (3 * 86400, "3 days"),
        ],
    )
    def test_durations_in_words(self, seconds, words):
        assert describe_duration(seconds) == words


# From the message log -----------------------------------------------------------------------


def say(conversation, sender, body, moment):
    with time_machine.travel(moment, tick=False):
        send_message(
            conversation=conversation,
            sender=sender,
            body=body,
            client_id=f"{sender.pk}-{moment.isoformat()}",
        )


@pytest.mark.django_db
def test_figures_from_the_message_log(alice, bob, charlie, dave):
    erin, fred = UserFactory(username="erin"), UserFactory(username="fred")
    quick = get_or_start_conversation(starter=bob, other=alice)
    say(quick, bob, "Hi, can you do a logo?", NOW - 50 * H)
    say(quick, alice, "Yes, gladly.", NOW - 49 * H)  # 1 hour
    say(quick, bob, "Great", NOW - 48 * H)
    late = get_or_start_conversation(starter=charlie, other=alice)
    say(late, charlie, "Hello?", NOW - 80 * H)
    say(late, alice, "Sorry, I was away.", NOW - 40 * H)  # 40 hours
    unanswered = get_or_start_conversation(starter=erin, other=alice)
    say(unanswered, erin, "Anyone there?", NOW - 30 * H)
    started_by_alice = get_or_start_conversation(starter=alice, other=dave)
    say(started_by_alice, alice, "Want to collaborate?", NOW - 30 * H)  # not an opening she owes
    too_young = get_or_start_conversation(starter=fred, other=alice)
    say(too_young, fred, "Quick question", NOW - 2 * H)  # she still has time
    gina = UserFactory(username="gina")
    say(
        get_or_start_conversation(starter=gina, other=alice), gina, "Long ago", NOW - 61 * 24 * H
    )  # outside 60 days

    stats = services.update_response_stats(seller=alice, now=NOW)
    assert (stats.conversations, stats.answered_in_time, stats.response_rate) == (3, 1, 33)
    assert stats.average_response_seconds == round((1 + 40) / 2 * 3600)


@pytest.mark.django_db
def test_an_order_thread_is_not_a_new_conversation(alice, bob, gig):
    order = OrderFactory(gig=gig, buyer=bob)
    thread = get_or_start_conversation(starter=bob, other=alice, order=order)
    say(thread, bob, "About the order", NOW - 30 * H)
    assert services.update_response_stats(seller=alice, now=NOW).conversations == 0


@pytest.mark.django_db
def test_the_hourly_command_updates_every_seller(alice, dave, bob, capsys):
    conversation = get_or_start_conversation(starter=bob, other=alice)
    say(conversation, bob, "Hi", timezone.now() - 30 * H)
    say(conversation, alice, "Hello!", timezone.now() - 29 * H)
    call_command("update_response_stats")
    assert ResponseStats.objects.get(seller=alice).response_rate == 100
    assert ResponseStats.objects.get(seller=dave).response_rate is None
    assert not ResponseStats.objects.filter(seller=bob).exists()  # not a seller
    assert "2 sellers" in capsys.readouterr().out


@pytest.mark.django_db
def test_recomputing_reads_the_log_once_per_seller(alice, bob):
    for n in range(3):
        conversation = get_or_start_conversation(
            starter=UserFactory(username=f"buyer{n}"), other=alice
        )
        say(
            conversation,
            conversation.user_b if conversation.user_a_id == alice.pk else conversation.user_a,
            "Hi",
            NOW - 30 * H,
        )
    with CaptureQueriesContext(connection) as queries:
        services.update_response_stats(seller=alice, now=NOW)
    statements = [q["sql"] for q in queries.captured_queries if "SAVEPOINT" not in q["sql"]]
    assert len(statements) <= 3  # the openings, then the stats row read and written
    assert sum("inbox_message" in sql for sql in statements) == 1


@pytest.mark.django_db
def test_openings_while_the_seller_is_away_do_not_count(alice, bob, charlie):
    from marketplace.models import AwayPeriod

    AwayPeriod.objects.create(seller=alice, started_at=NOW - 100 * H, ends_at=NOW - 20 * H)
    during = get_or_start_conversation(starter=bob, other=alice)
    say(during, bob, "Are you there?", NOW - 90 * H)  # unanswered, but she was away
    after = get_or_start_conversation(starter=charlie, other=alice)
    say(after, charlie, "Hello", NOW - 10 * H)
    say(after, alice, "Hi!", NOW - 9 * H)
    stats = services.update_response_stats(seller=alice, now=NOW)
    assert (stats.conversations, stats.response_rate) == (1, 100)
