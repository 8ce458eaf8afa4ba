"""One row per person (inbox/people.py): a seller with a general thread and order threads is
one row, at their newest activity, opening the thread its preview is from, counting every
thread's unread; the preview is never an away reply."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from inbox.away import AWAY_REPLY_OPENING
from inbox.conversations import get_or_start_conversation
from inbox.people import people_page, threads_with
from inbox.presentation import inbox_context
from marketplace import availability
from marketplace.tests.factories import GigFactory, OrderFactory, SellerFactory

pytestmark = pytest.mark.django_db

FILTERS = {"filter": "all", "label": "", "q": "", "cursor": None, "before": None}


@pytest.fixture
def threads(alice, bob, charlie, send):
    general = get_or_start_conversation(starter=bob, other=alice)
    send(general, alice, "hello from alice")
    orders = []
    for n in range(3):
        order = OrderFactory(buyer=bob, gig=GigFactory(seller=alice))
        thread = get_or_start_conversation(starter=bob, other=alice, order=order)
        send(thread, alice, f"about order {n}")
        orders.append(thread)
    with_charlie = get_or_start_conversation(starter=charlie, other=bob)
    send(with_charlie, charlie, "hi bob")
    return general, orders, with_charlie


def test_each_person_is_one_row_at_their_newest_activity(bob, alice, charlie, threads):
    general, orders, with_charlie = threads
    page = people_page(bob)
    people = [p.conversation.other_user_id(bob.pk) for p in page.participants]
    assert people == [charlie.pk, alice.pk]
    assert page.participants[1].conversation_id == orders[-1].pk  # alice's newest thread


def test_the_row_opens_its_previews_thread_and_counts_every_threads_unread(bob, alice, threads):
    """The row opens the newest thread (the one its preview is from), not the one with the
    oldest unread message (the general thread here): the walkthrough's seller was sent to
    old order threads that did not hold the message the row showed."""
    general, orders, _ = threads
    alices = threads_with(bob, {alice.pk})[alice.pk]
    assert alices.general_id == general.pk
    assert alices.unread == 4
    assert set(alices.conversation_ids) == {general.pk, *(t.pk for t in orders)}
    rows = inbox_context(bob, FILTERS)["rows"]
    row = next(r for r in rows if r.other.pk == alice.pk)
    assert (row.link_id, row.unread) == (orders[-1].pk, 4)
    assert _text(row) == "about order 2"


def _text(row) -> str:
    return "".join(segment.text for segment in row.preview_segments)


def test_a_stale_unread_order_thread_does_not_take_the_row(bob, alice, send):
    """Walkthrough: the row previewed "Hi Priya, when can you start?" from the newest order
    thread but opened an old order thread holding one unread system line."""
    old = get_or_start_conversation(
        starter=bob, other=alice, order=OrderFactory(buyer=bob, gig=GigFactory(seller=alice))
    )
    send(old, alice, "Order started")
    current = get_or_start_conversation(
        starter=bob, other=alice, order=OrderFactory(buyer=bob, gig=GigFactory(seller=alice))
    )
    send(current, bob, "Hi")
    send(current, alice, "Hi Priya, when can you start?")
    (row,) = inbox_context(bob, FILTERS)["rows"]
    assert (row.link_id, _text(row), row.unread) == (current.pk, "Hi Priya, when can you start?", 2)


def test_the_preview_is_the_buyers_question_not_the_away_reply(alice, bob, conversation, send):
    availability.set_away(
        profile=alice.seller_profile,
        until=timezone.now() + timedelta(days=5),
        message="On holiday, back soon.",
    )
    send(conversation, bob, "Could you start on Monday?")
    assert conversation.messages.order_by("-seq").first().body.startswith(AWAY_REPLY_OPENING)
    for user in (alice, bob):
        (row,) = inbox_context(user, FILTERS)["rows"]
        assert _text(row) == "Could you start on Monday?"
        assert row.link_id == conversation.pk


def test_pages_never_repeat_a_person(bob, send):
    sellers = [SellerFactory() for _ in range(5)]
    for seller in sellers:
        for _ in range(2):
            order = OrderFactory(buyer=bob, gig=GigFactory(seller=seller))
            send(get_or_start_conversation(starter=bob, other=seller, order=order), seller)
    seen, cursor = [], None
    while True:
        page = people_page(bob, cursor=cursor, limit=2)
        seen += [p.conversation.other_user_id(bob.pk) for p in page.participants]
        cursor = page.next_cursor
        if not cursor:
            break
    assert sorted(seen) == sorted(s.pk for s in sellers)


def test_the_list_costs_the_same_queries_for_more_people(bob, send):
    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            inbox_context(bob, FILTERS)
        return len(queries)

    seller = SellerFactory()
    send(get_or_start_conversation(starter=seller, other=bob), seller)
    few = count()
    for _ in range(6):
        other = SellerFactory()
        send(get_or_start_conversation(starter=other, other=bob), other)
        order = OrderFactory(buyer=bob, gig=GigFactory(seller=other))
        send(get_or_start_conversation(starter=bob, other=other, order=order), other)
    assert count() == few
