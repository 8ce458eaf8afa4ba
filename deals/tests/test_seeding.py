"""seeds/50_deals.json through `manage.py seed`: offers in every state, reviewed orders,
response figures for the demo sellers; loading twice changes nothing."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from deals.models import Offer, ResponseStats, Review
from deals.responsiveness import describe_duration
from inbox.models import Conversation, Message
from marketplace.models import Order


def counts() -> tuple[int, ...]:
    return (
        Offer.objects.count(),
        Review.objects.count(),
        Order.objects.count(),
        Message.objects.count(),
    )


@pytest.mark.django_db
def test_the_demo_deals_load_once():
    call_command("seed", stdout=StringIO())
    statuses = set(Offer.objects.values_list("status", flat=True))
    assert statuses == {"pending", "accepted", "declined", "withdrawn", "expired"}
    assert Offer.objects.filter(order__status=Order.Status.COMPLETED).exists()
    assert (
        Review.objects.filter(side=Review.Side.BUYER).count() == 5 and Review.objects.count() == 8
    )
    assert ResponseStats.objects.filter(seller__username="seller").exists()
    assert ResponseStats.objects.exclude(response_rate=None).exists()
    before = counts()
    output = StringIO()
    call_command("seed", stdout=output)
    assert counts() == before
    assert "0 new reviews" in output.getvalue()


@pytest.mark.django_db
def test_the_demo_looks_lived_in():
    call_command("seed", stdout=StringIO())
    # The demo seller has reviews from buyers.
    assert Review.objects.filter(subject__username="seller", side=Review.Side.BUYER).count() >= 2
    # Response figures differ from seller to seller: not everyone answers at once, or in time.
    stats = list(ResponseStats.objects.exclude(response_rate=None))
    assert len(stats) >= 4
    assert {s.response_rate for s in stats} != {100}
    assert all(s.average_response_seconds > 5 * 60 for s in stats)
    assert len({describe_duration(s.average_response_seconds) for s in stats}) >= 3
    # The buyer and the seller's own thread holds a pending offer and a withdrawn one, after
    # its older chat (the offers are later in time as in sequence).
    general = Conversation.objects.get(
        user_a__username="buyer", user_b__username="seller", order__isnull=True
    )
    offers = Offer.objects.filter(conversation=general)
    assert sorted(offers.values_list("status", flat=True)) == ["pending", "withdrawn"]
    times = list(general.messages.order_by("seq").values_list("created_at", flat=True))
    assert times == sorted(times)
    # The pending offers can still be answered.
    assert all(
        o.status_at(timezone.now()) == "pending" for o in Offer.objects.filter(status="pending")
    )
