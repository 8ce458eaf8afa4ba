"""The away reply: Bob writes to Alice while she is away and gets her message once."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from inbox.away import AWAY_REPLY_OPENING, send_away_replies
from inbox.conversations import get_or_start_conversation
from inbox.models import Message
from marketplace import availability, away_flag
from marketplace.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def away_replies(conversation) -> list[str]:
    return list(
        Message.objects.filter(
            conversation=conversation, kind=Message.Kind.SYSTEM, body__startswith=AWAY_REPLY_OPENING
        ).values_list("body", flat=True)
    )


@pytest.fixture
def alice_away(alice):
    availability.set_away(
        profile=alice.seller_profile,
        until=timezone.now() + timedelta(days=5),
        message="On holiday, back soon. I will answer every message.",
    )
    return alice


def test_bob_gets_the_away_reply_once_per_conversation(alice_away, bob, conversation, send):
    send(conversation, bob, "Hi Alice, can you do a logo?")
    send(conversation, bob, "Hello? Anyone there?")
    (reply,) = away_replies(conversation)
    assert "is away until" in reply and "On holiday, back soon." in reply
    seqs = list(conversation.messages.order_by("seq").values_list("kind", flat=True))
    assert seqs == ["user", "system", "user"]


def test_alices_own_messages_do_not_trigger_it(alice_away, bob, conversation, send):
    send(conversation, alice_away, "Quick note before I go.")
    assert away_replies(conversation) == []


def test_without_an_away_message_nothing_is_sent(alice, bob, conversation, send):
    availability.set_away(
        profile=alice.seller_profile, until=timezone.now() + timedelta(days=5), message=""
    )
    send(conversation, bob, "Hi")
    assert away_replies(conversation) == []


def test_back_from_away_there_is_no_reply(alice, bob, conversation, send):
    availability.set_away(
        profile=alice.seller_profile, until=timezone.now() + timedelta(days=5), message="Away."
    )
    availability.set_away(profile=alice.seller_profile, until=None, message="Away.")
    send(conversation, bob, "Hi")
    assert away_replies(conversation) == []


def test_the_thread_header_says_alice_is_away(client, alice_away, bob, conversation):
    client.force_login(bob)
    page = client.get(reverse("inbox:thread", args=[conversation.pk])).content.decode()
    assert "is away until" in page and "data-away-note" in page


@pytest.mark.django_db(transaction=True)
def test_while_nobody_is_away_a_batch_costs_no_query(alice, bob, conversation, send):
    """Send path CPU (issue 16's follow-up): every stored batch queried its recipients' seller
    profiles for an away reply. While no seller has one, the shared flag answers instead."""
    sent = send(conversation, bob, "Hi Alice")  # the flag is read from the profiles once
    with CaptureQueriesContext(connection) as queries:
        send_away_replies([sent])
    assert len(queries) == 0, [q["sql"] for q in queries]


@pytest.mark.django_db(transaction=True)
def test_going_away_is_seen_by_the_next_batch(alice, bob, conversation, send):
    """The flag remembered "nobody away"; saving Alice's profile forgets it."""
    send(conversation, bob, "Hi Alice")
    assert away_flag.cached_until() == 0
    availability.set_away(
        profile=alice.seller_profile, until=timezone.now() + timedelta(days=2), message="Away."
    )
    send(conversation, bob, "Hello?")
    assert len(away_replies(conversation)) == 1
    availability.set_away(profile=alice.seller_profile, until=None, message="Away.")
    carol = UserFactory(username="carol", email="carol@example.com")
    other = get_or_start_conversation(starter=carol, other=alice)
    send(other, carol, "Hi, are you there?")
    assert away_replies(other) == []


def test_a_change_not_yet_committed_is_not_remembered(alice):
    """A transaction that saved a profile may still roll back: what it reads stays its own."""
    availability.set_away(
        profile=alice.seller_profile, until=timezone.now() + timedelta(days=2), message="Away."
    )
    assert availability.away_replies_possible(timezone.now())
    assert away_flag.cached_until() is None
