"""Personas for deals tests (alice, bob, charlie and alice's logo `gig` are the root
conftest's): dave is another seller. `conversation` here is alice and bob's thread about the gig."""

from __future__ import annotations

from decimal import Decimal

import pytest

from deals import services
from inbox.conversations import get_or_start_conversation
from marketplace.tests.factories import SellerFactory


@pytest.fixture
def dave(db):
    return SellerFactory(username="dave", email="dave@example.com")


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
        terms = {
            "conversation": conversation,
            "seller": alice,
            "gig": gig,
            **OFFER_TERMS,
            **changes,
        }
        return services.send_offer(**terms)

    return _make


@pytest.fixture
def offer(make_offer):
    """Alice's pending offer to Bob: $120, 5 days, 2 revisions, open 3 days."""
    return make_offer()
