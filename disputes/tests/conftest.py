"""Personas for dispute tests.

alice sells, bob bought her logo gig (delivered, a conversation about the order), charlie
is a stranger to both. rita reviews disputes (Dispute reviewers group) and stella is staff
in neither group (both the root conftest's), mo moderates (Moderators group).
"""

from __future__ import annotations

import base64
import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from disputes import services
from inbox.conversations import get_or_start_conversation
from inbox.send import send_message
from marketplace.models import Order
from marketplace.roles import MODERATORS
from marketplace.tests.factories import GigFactory, OrderFactory, SellerFactory, UserFactory
from tests.factories import StaffFactory


@pytest.fixture
def mo(db):
    """A moderator (not a dispute reviewer)."""
    return StaffFactory(username="mo", groups=[MODERATORS])


def order_in(status: str, *, seller=None, buyer=None, **fields) -> Order:
    """An order by `buyer` (bob) of a gig of `seller` (alice) in `status`, with the dates that
    status implies."""
    now = timezone.now()
    seller = seller or SellerFactory(username="alice", email="alice@example.com")
    buyer = buyer or UserFactory(username="bob", email="bob@example.com")
    gig = GigFactory(seller=seller)
    values = {"started_at": now - timedelta(days=2), "due_at": now + timedelta(days=1)}
    if status in (Order.Status.DELIVERED, Order.Status.REVISION_REQUESTED):
        values["delivered_at"] = now - timedelta(hours=3)
    if status == Order.Status.PENDING_REQUIREMENTS:
        values = {}
    return OrderFactory(gig=gig, buyer=buyer, status=status, **{**values, **fields})


@pytest.fixture
def order(alice, bob):
    """Bob's order of alice's logo gig ($25), delivered three hours ago."""
    return order_in(Order.Status.DELIVERED, seller=alice, buyer=bob)


@pytest.fixture
def order_conversation(order, alice, bob):
    """The order's conversation, with three messages (one of them masked)."""
    conversation = get_or_start_conversation(starter=bob, other=alice, order=order)
    for sender, body in [
        (bob, "Hi, the logo colours are wrong."),
        (alice, "Sorry! Call me on +49 151 23456789 and we sort it out."),
        (bob, "Please just fix it here."),
    ]:
        send_message(
            conversation=conversation, sender=sender, body=body, client_id=uuid.uuid4().hex
        )
    conversation.refresh_from_db()
    return conversation


@pytest.fixture
def dispute(order, order_conversation, bob):
    """Bob disputes the delivery and asks for a full refund."""
    return services.open_dispute(
        order=order,
        opener=bob,
        reason="not_as_described",
        requested_outcome="refund",
        statement="The logo is not what we agreed: wrong colours, no source file.",
    )


TEST_KEY_ID = "test-2026-11"


@pytest.fixture(autouse=True)
def export_signing_key(settings) -> str:
    """Exports are signed with a fixed test key (pytest runs with DEBUG off, where a missing
    key refuses exports); returns its public key, base64."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    private = Ed25519PrivateKey.from_private_bytes(bytes(range(32)))
    settings.GIGBOX_EXPORT_SIGNING_KEY = base64.b64encode(bytes(range(32))).decode()
    settings.GIGBOX_EXPORT_KEY_ID = TEST_KEY_ID
    return base64.b64encode(
        private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    ).decode()
