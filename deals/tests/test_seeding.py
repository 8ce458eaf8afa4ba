"""seeds/50_deals.json through `manage.py seed`: offers in every state, reviewed orders,
response figures for the demo sellers; loading twice changes nothing."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from deals.models import Offer, ResponseStats, Review
from inbox.models import Message
from marketplace.models import Order


def counts() -> tuple[int, ...]:
    return (Offer.objects.count(), Review.objects.count(), Order.objects.count(), Message.objects.count())


@pytest.mark.django_db
def test_the_demo_deals_load_once():
    call_command("seed", stdout=StringIO())
    statuses = set(Offer.objects.values_list("status", flat=True))
    assert statuses == {"pending", "accepted", "declined", "expired"}
    assert Offer.objects.filter(order__status=Order.Status.COMPLETED).exists()
    assert Review.objects.filter(side=Review.Side.BUYER).count() == 3 and Review.objects.count() == 5
    assert ResponseStats.objects.filter(seller__username="seller").exists()
    assert ResponseStats.objects.exclude(response_rate=None).exists()
    before = counts()
    output = StringIO()
    call_command("seed", stdout=output)
    assert counts() == before
    assert "0 new reviews" in output.getvalue()
