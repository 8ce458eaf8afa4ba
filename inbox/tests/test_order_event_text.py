"""Order events in words (inbox/order_events.py): counts agree with their nouns, and times are
stored as ISO UTC for pages to show in the reader's zone (core.timestamps)."""

from __future__ import annotations

import pytest

from inbox.order_events import order_event_text
from marketplace.models import OrderEvent
from marketplace.tests.factories import OrderFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("days", "revisions", "words"),
    [(1, 1, "1 day, 1 revision."), (3, 2, "3 days, 2 revisions."), (2, 0, "2 days, 0 revisions.")],
)
def test_the_placed_line_says_1_revision_not_1_revisions(days, revisions, words):
    order = OrderFactory(delivery_days=days, revisions_included=revisions)
    event = OrderEvent(order=order, kind=OrderEvent.Kind.PLACED, actor=order.buyer)
    assert words in order_event_text(order, event)


def test_the_placed_line_names_no_next_step():
    """Walkthrough: "Next step: the buyer sends the requirements" stayed in the thread (a
    stored line) after the requirements were sent at checkout. The step is shown beside the
    newest event as the order stands (thread_extras.js), never written into the text."""
    order = OrderFactory()
    event = OrderEvent(order=order, kind=OrderEvent.Kind.PLACED, actor=order.buyer)
    assert "next step" not in order_event_text(order, event).lower()
