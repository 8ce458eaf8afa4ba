"""Issue 20 walkthrough: the review page said "by buyer (buyer)" (the seeded buyer is called
buyer); it now says whose review it is in words that do not repeat the name."""

from __future__ import annotations

import pytest
from django.utils import timezone

from deals import services
from marketplace.models import Order
from marketplace.tests.factories import OrderFactory

pytestmark = pytest.mark.django_db


def test_the_review_caption_names_the_author_and_what_was_reviewed(client, gig, bob):
    order = OrderFactory(
        gig=gig, buyer=bob, status=Order.Status.COMPLETED, closed_at=timezone.now()
    )
    services.submit_review(order=order, author=bob, rating=5, text="Lovely logo.")
    client.force_login(bob)
    page = client.get(f"/deals/orders/{order.pk}/review/").content.decode()
    assert f"by {bob.public_name}" in page and "review of the seller" in page
    assert "(buyer)" not in page
