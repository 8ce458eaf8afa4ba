"""Personas for deals tests: alice sells (logo gig), bob buys from her, charlie is a stranger
to both, dave is another seller. `conversation` is alice and bob's general thread."""

from __future__ import annotations

from decimal import Decimal

import pytest

from deals import services
from inbox.services import get_or_start_conversation
from marketplace.tests.factories import GigFactory, SellerFactory


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]




@pytest.fixture
def dave(db):
    return SellerFactory(username="dave", email="dave@example.com")


@pytest.fixture
def gig(alice):
    return GigFactory(seller=alice, title="I will design a minimalist logo", slug="minimalist-logo")


@pytest.fixture
def conversation(alice, bob, gig):
    return get_or_start_conversation(starter=bob, other=alice, gig=gig)


OFFER_TERMS = {
    "description": "Three logo concepts, vector files and a brand sheet.",
    "price": Decimal("120.00"),
    "delivery_days": 5,
    "revisions": 2,
}


@pytest.fixture
def make_offer(conversation, alice, gig):
    def _make(**changes):
        terms = {"conversation": conversation, "seller": alice, "gig": gig, **OFFER_TERMS, **changes}
        return services.send_offer(**terms)

    return _make


@pytest.fixture
def offer(make_offer):
    """Alice's pending offer to Bob: $120, 5 days, 2 revisions, open 3 days."""
    return make_offer()
