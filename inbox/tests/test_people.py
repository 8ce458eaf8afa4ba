"""One row per person (inbox/people.py): a seller with a general thread and order threads is
one row, at their newest activity, opening the general thread, counting every thread's unread."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from inbox.conversations import get_or_start_conversation
from inbox.people import people_page, threads_with
from inbox.presentation import inbox_context
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


def test_the_row_opens_the_general_thread_and_counts_every_threads_unread(bob, alice, threads):
    general, orders, _ = threads
    alices = threads_with(bob, {alice.pk})[alice.pk]
    assert alices.general_id == general.pk
    assert alices.unread == 4
    assert set(alices.conversation_ids) == {general.pk, *(t.pk for t in orders)}
    rows = inbox_context(bob, FILTERS)["rows"]
    row = next(r for r in rows if r.other.pk == alice.pk)
    assert (row.link_id, row.unread) == (general.pk, 4)


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
