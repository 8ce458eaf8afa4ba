"""Reviews: one per side per order, only after completion and within the window; each one
stays hidden until both sides have reviewed or the window has closed; averages count only
what is visible."""

from __future__ import annotations

from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone

from deals import selectors, services
from deals.models import Review
from deals.services import DealError
from marketplace.models import Order
from marketplace.tests.factories import GigFactory, OrderFactory, UserFactory

pytestmark = pytest.mark.django_db

COMPLETED_AT = "2026-05-01 12:00Z"


@pytest.fixture
def completed(gig, bob):
    with time_machine.travel(COMPLETED_AT, tick=False):
        return OrderFactory(
            gig=gig, buyer=bob, status=Order.Status.COMPLETED, closed_at=timezone.now()
        )


def review(order, author, rating=5, text="Great work, on time."):
    return services.submit_review(order=order, author=author, rating=rating, text=text)


def at(moment: str):
    return time_machine.travel(moment, tick=False)


def test_the_buyer_reviews_the_seller_and_the_seller_the_buyer(completed, alice, bob):
    with at("2026-05-02 12:00Z"):
        by_bob, by_alice = (
            review(completed, bob, 5),
            review(completed, alice, 4, "Clear brief, quick answers."),
        )
    assert (by_bob.side, by_bob.subject) == (Review.Side.BUYER, alice)
    assert (by_alice.side, by_alice.subject) == (Review.Side.SELLER, bob)


def test_one_review_per_side_per_order(completed, bob):
    with at("2026-05-02 12:00Z"):
        review(completed, bob)
        with pytest.raises(DealError, match="already reviewed"):
            review(completed, bob, 1, "Changed my mind.")
    assert Review.objects.count() == 1


@pytest.mark.parametrize(
    "status", [Order.Status.IN_PROGRESS, Order.Status.DELIVERED, Order.Status.CANCELLED]
)
def test_no_review_before_completion(gig, bob, status):
    order = OrderFactory(gig=gig, buyer=bob, status=status)
    with pytest.raises(DealError, match="once it is complete"):
        review(order, bob)
    assert not Review.objects.exists()


def test_an_outsider_cannot_review(completed, charlie):
    with pytest.raises(DealError, match="No such order"):
        review(completed, charlie)


def test_no_review_after_the_window(completed, bob):
    with at("2026-05-11 12:00:01Z"), pytest.raises(DealError, match="closed on 2026-05-11"):
        review(completed, bob)


@pytest.mark.parametrize("rating", [0, 6])
def test_the_rating_is_one_to_five(completed, bob, rating):
    with at("2026-05-02 12:00Z"), pytest.raises(ValidationError):
        review(completed, bob, rating)


def test_contact_details_in_a_review_are_refused(completed, bob):
    with at("2026-05-02 12:00Z"), pytest.raises(ValidationError, match="Contact details"):
        review(completed, bob, 5, "Great! Mail her at alice.design@gmail.com")
    assert not Review.objects.exists()


# Visibility ---------------------------------------------------------------------------------


def visible(now: str) -> set[int]:
    with at(now):
        return set(selectors.visible_reviews(now=timezone.now()).values_list("pk", flat=True))


def test_a_single_review_is_hidden_until_the_window_closes(completed, bob):
    with at("2026-05-02 12:00Z"):
        by_bob = review(completed, bob)
    assert visible("2026-05-10 12:00Z") == set()
    assert visible("2026-05-11 12:00Z") == {by_bob.pk}


def test_both_reviews_show_once_both_sides_have_reviewed(completed, alice, bob):
    with at("2026-05-02 12:00Z"):
        by_bob = review(completed, bob)
    with at("2026-05-03 12:00Z"):
        by_alice = review(completed, alice)
    assert visible("2026-05-03 12:00Z") == {by_bob.pk, by_alice.pk}


# Averages -----------------------------------------------------------------------------------


def completed_order(gig, buyer):
    return OrderFactory(gig=gig, buyer=buyer, status=Order.Status.COMPLETED)


def test_averages_are_over_visible_reviews_only(alice, bob, gig):
    other_gig = GigFactory(seller=alice)
    carol, dan = UserFactory(username="carol"), UserFactory(username="dan")
    with at("2026-06-01 12:00Z"):
        orders = [
            completed_order(gig, bob),
            completed_order(gig, carol),
            completed_order(other_gig, dan),
            completed_order(gig, dan),
        ]
        for order in orders:
            order.closed_at = timezone.now()
            order.save()
        review(orders[0], bob, 5), review(orders[0], alice, 5)  # both sides: visible
        review(orders[1], carol, 4), review(orders[1], alice, 5)  # both sides: visible
        review(orders[2], dan, 2), review(orders[2], alice, 3)  # visible, other gig
        review(orders[3], dan, 1)  # alone, window open: hidden
        now = timezone.now()
        seller = selectors.rating_summary(selectors.reviews_of_seller(alice, now=now))
        on_gig = selectors.rating_summary(selectors.reviews_of_gig(gig, now=now))
        bob_as_buyer = selectors.rating_summary(
            selectors.visible_reviews(now=now).filter(subject=bob)
        )
    assert (seller.average, seller.count) == (Decimal("3.7"), 3)
    assert (on_gig.average, on_gig.count) == (Decimal("4.5"), 2)
    assert (bob_as_buyer.average, bob_as_buyer.count) == (Decimal("5.0"), 1)
    with at("2026-06-12 12:00Z"):
        later = selectors.rating_summary(selectors.reviews_of_seller(alice, now=timezone.now()))
    assert (later.average, later.count) == (Decimal("3.0"), 4)


def test_no_reviews_no_average(alice):
    summary = selectors.rating_summary(selectors.reviews_of_seller(alice, now=timezone.now()))
    assert (summary.average, summary.count) == (None, 0)


def test_the_average_is_one_query(alice, django_assert_num_queries):
    with django_assert_num_queries(1):
        selectors.rating_summary(selectors.reviews_of_seller(alice, now=timezone.now()))
