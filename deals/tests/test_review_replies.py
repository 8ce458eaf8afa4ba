"""Alice answers Bob's review of her gig, once, in public; nobody else can."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from deals import services
from deals.review_replies import reply_to_review
from marketplace.models import Order
from marketplace.tests.factories import OrderFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def review(gig, alice, bob):
    order = OrderFactory(
        gig=gig, buyer=bob, status=Order.Status.COMPLETED, closed_at=timezone.now() - timedelta(1)
    )
    review = services.submit_review(order=order, author=bob, rating=4, text="Good, a bit slow.")
    services.submit_review(order=order, author=alice, rating=5, text="Great buyer.")
    return review


def test_alice_replies_once(review, alice):
    reply_to_review(review=review, author=alice, text="Thanks Bob! Sorry for the wait.")
    review.refresh_from_db()
    assert review.reply == "Thanks Bob! Sorry for the wait." and review.replied_at is not None
    with pytest.raises(ValidationError, match="already replied"):
        reply_to_review(review=review, author=alice, text="Again")


def test_only_the_reviewed_seller_replies(review, bob, charlie):
    for someone in (bob, charlie):
        with pytest.raises(ValidationError, match="Only the seller"):
            reply_to_review(review=review, author=someone, text="Hi")


def test_a_reply_with_contact_details_is_refused(review, alice):
    with pytest.raises(ValidationError):
        reply_to_review(review=review, author=alice, text="Write me at alice@gmail.com")


def test_the_gig_page_shows_the_reply_and_pages_the_reviews(client, review, alice, gig):
    client.force_login(alice)
    response = client.post(
        reverse("deals:review_reply", args=[review.pk]),
        {"reply": "Thank you!", "next": gig.get_absolute_url()},
    )
    assert response["Location"] == gig.get_absolute_url()
    page = client.get(gig.get_absolute_url()).content.decode()
    assert "Seller&#x27;s response" in page or "Seller's response" in page
    assert "Thank you!" in page


def test_a_stranger_cannot_post_a_reply(client, review, charlie):
    client.force_login(charlie)
    response = client.post(reverse("deals:review_reply", args=[review.pk]), {"reply": "x"})
    assert response.status_code == 404
