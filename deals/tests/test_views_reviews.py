"""The review page of an order, and the review and reputation blocks on gig and seller pages."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from deals import services
from deals.models import ResponseStats, Review
from deals.templatetags.deals_tags import REVIEWS_SHOWN
from deals.views import REVIEWS_PER_PAGE
from marketplace.models import Order
from marketplace.tests.factories import OrderFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def completed(gig, bob):
    return OrderFactory(gig=gig, buyer=bob, status=Order.Status.COMPLETED, closed_at=timezone.now())


def test_bob_reviews_alice_from_the_review_page(client, completed, bob):
    client.force_login(bob)
    page = client.get(f"/deals/orders/{completed.pk}/review/").content.decode()
    assert "Rate Alice Studio" in page
    response = client.post(
        f"/deals/orders/{completed.pk}/review/", {"rating": "5", "text": "Lovely logo, fast."}
    )
    assert response.status_code == 302
    review = Review.objects.get()
    assert (review.author, review.rating) == (bob, 5)
    page = client.get(response.url).content.decode()
    assert "Lovely logo, fast." in page  # his own review, though not public yet
    assert "Rate Alice Studio" not in page  # once per side


def test_a_review_with_contact_details_is_refused_and_kept_in_the_form(client, completed, bob):
    client.force_login(bob)
    text = "Great, reach her on +49 151 23456789"
    response = client.post(f"/deals/orders/{completed.pk}/review/", {"rating": "5", "text": text})
    page = response.content.decode()
    assert (
        response.status_code == 400 and "Contact details are not allowed" in page and text in page
    )
    assert not Review.objects.exists()


def test_an_unfinished_order_cannot_be_reviewed(client, gig, bob):
    order = OrderFactory(gig=gig, buyer=bob)
    client.force_login(bob)
    assert "once it is complete" in client.get(f"/deals/orders/{order.pk}/review/").content.decode()
    response = client.post(
        f"/deals/orders/{order.pk}/review/", {"rating": "5", "text": "Too early"}, follow=True
    )
    assert "once it is complete" in response.content.decode() and not Review.objects.exists()


def test_hidden_reviews_are_not_on_the_gig_page_and_visible_ones_are(
    client, completed, gig, alice, bob
):
    services.submit_review(order=completed, author=bob, rating=4, text="Good communication.")
    page = client.get(f"/gigs/{gig.slug}/").content.decode()
    assert "Good communication." not in page and "No reviews yet" in page
    services.submit_review(order=completed, author=alice, rating=5, text="A pleasure.")
    page = client.get(f"/gigs/{gig.slug}/").content.decode()
    assert "Good communication." in page and "4.0</strong> / 5" in page
    assert "A pleasure." not in page  # the seller's review of the buyer is not a gig review


def test_the_seller_page_shows_rating_and_response_figures(client, completed, alice, bob):
    services.submit_review(order=completed, author=bob, rating=5, text="Superb.")
    completed.closed_at = timezone.now() - timedelta(days=11)
    completed.save()
    ResponseStats.objects.create(
        seller=alice,
        conversations=10,
        answered_in_time=9,
        response_rate=90,
        average_response_seconds=2 * 3600,
        computed_at=timezone.now(),
    )
    page = client.get("/sellers/alice/").content.decode()
    assert "Superb." in page and "5.0</strong> / 5" in page
    assert "90%" in page and "2 hours" in page


def test_a_seller_without_figures_says_so(client, alice):
    page = client.get("/sellers/alice/").content.decode()
    assert "No reviews yet" in page and "Not enough messages yet" in page


def public_reviews_of(gig, count: int, *, first: int = 0) -> list[str]:
    """`count` public buyer reviews of the gig's seller, numbered from `first`; their texts,
    newest first."""
    texts = []
    for n in range(first, first + count):
        order = OrderFactory(gig=gig, status=Order.Status.COMPLETED, closed_at=timezone.now())
        services.submit_review(
            order=order, author=order.buyer, rating=5, text=f"Review text {n:02d}."
        )
        texts.append(f"Review text {n:02d}.")
    Order.objects.filter(gig=gig).update(
        closed_at=timezone.now() - timedelta(days=30)
    )  # window closed: public
    return texts[::-1]


def test_the_seller_page_links_to_all_reviews_only_when_it_shows_a_part(client, gig, alice):
    newest_first = public_reviews_of(gig, REVIEWS_SHOWN)
    page = client.get("/sellers/alice/").content.decode()
    assert all(text in page for text in newest_first) and "/sellers/alice/reviews/" not in page
    newest_first = public_reviews_of(gig, 1, first=REVIEWS_SHOWN) + newest_first
    page = client.get("/sellers/alice/").content.decode()
    assert [t for t in newest_first if t in page] == newest_first[:REVIEWS_SHOWN]
    assert f'<a href="/sellers/alice/reviews/">All {REVIEWS_SHOWN + 1} reviews</a>' in page


def test_the_reviews_page_lists_every_public_review_in_pages(client, gig, alice):
    newest_first = public_reviews_of(gig, REVIEWS_PER_PAGE + 1)
    first = client.get("/sellers/alice/reviews/").content.decode()
    second = client.get("/sellers/alice/reviews/", {"page": 2}).content.decode()
    assert [t for t in newest_first if t in first] == newest_first[:REVIEWS_PER_PAGE]
    assert [t for t in newest_first if t in second] == newest_first[REVIEWS_PER_PAGE:]
    assert "Reviews of Alice Studio" in first and "Page 1 of 2" in first and "5.0 / 5" in first


@pytest.mark.parametrize("username", ["bob", "nobody"])
def test_the_reviews_page_is_404_for_non_sellers(client, bob, username):
    assert client.get(f"/sellers/{username}/reviews/").status_code == 404
