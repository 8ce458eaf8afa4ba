"""Reviews asked for where an order ends: a button on the completed order's page (until you
have reviewed), and a reminder in the inbox a few days after completion."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from deals.services import submit_review
from marketplace.models import Order
from marketplace.tests.factories import OrderFactory

pytestmark = pytest.mark.django_db


def completed_order(gig, bob, *, days_ago: float = 0) -> Order:
    closed = timezone.now() - timedelta(days=days_ago)
    return OrderFactory(gig=gig, buyer=bob, status=Order.Status.COMPLETED, closed_at=closed)


def test_the_completed_order_page_asks_each_side_for_a_review(client, gig, alice, bob):
    order = completed_order(gig, bob)
    for user, other in ((bob, "Alice Studio"), (alice, "bob")):
        client.force_login(user)
        page = client.get(order.get_absolute_url()).content.decode()
        assert f"Leave a review of {other}" in page
        assert f"/deals/orders/{order.pk}/review/" in page


def test_after_reviewing_the_page_links_to_the_reviews(client, gig, bob):
    order = completed_order(gig, bob)
    submit_review(order=order, author=bob, rating=5, text="Great logo.")
    client.force_login(bob)
    page = client.get(order.get_absolute_url()).content.decode()
    assert "Leave a review" not in page and "See the reviews of this order" in page


def test_an_order_in_progress_asks_for_nothing(client, gig, bob):
    order = OrderFactory(gig=gig, buyer=bob)
    client.force_login(bob)
    assert "review" not in client.get(order.get_absolute_url()).content.decode().lower()


def test_the_inbox_reminds_a_few_days_after_completion(client, gig, bob):
    fresh = completed_order(gig, bob, days_ago=1)
    older = completed_order(gig, bob, days_ago=4)
    client.force_login(bob)
    page = client.get("/inbox/").content.decode()
    assert f"/deals/orders/{older.pk}/review/" in page
    assert f"/deals/orders/{fresh.pk}/review/" not in page
