"""Gig ratings and seller levels on cards, recomputed from visible reviews."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from deals import services
from deals.reputation import level_for, refresh_reputation
from marketplace.models import Order
from marketplace.tests.factories import OrderFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("completed", "rating", "level"),
    [
        (0, None, ""),
        (1, Decimal("4.0"), "Level 1"),
        (5, Decimal("4.5"), "Level 2"),
        (12, Decimal("4.9"), "Top Rated"),
        (12, Decimal("3.9"), ""),
    ],
)
def test_levels(completed, rating, level):
    assert level_for(completed, rating) == level


def completed_order(gig, buyer):
    return OrderFactory(
        gig=gig,
        buyer=buyer,
        status=Order.Status.COMPLETED,
        closed_at=timezone.now() - timedelta(days=1),
    )


def test_a_review_visible_to_everyone_rates_the_gig(gig, alice, bob):
    order = completed_order(gig, bob)
    services.submit_review(order=order, author=bob, rating=5, text="Lovely work.")
    gig.refresh_from_db()
    assert gig.rating_count == 0  # hidden until Alice reviews too, or the window closes
    services.submit_review(order=order, author=alice, rating=4, text="Clear brief.")
    gig.refresh_from_db()
    alice.seller_profile.refresh_from_db()
    assert (gig.rating_average, gig.rating_count) == (Decimal("5.00"), 1)
    assert alice.seller_profile.level == "Level 1"


def test_reviews_become_visible_when_the_window_closes(gig, alice):
    for n, rating in enumerate((5, 4)):
        order = completed_order(gig, UserFactory(username=f"buyer{n}"))
        services.submit_review(order=order, author=order.buyer, rating=rating, text="Good.")
    refresh_reputation(seller=alice, now=timezone.now() + timedelta(days=30))
    gig.refresh_from_db()
    assert (gig.rating_average, gig.rating_count) == (Decimal("4.50"), 2)
