"""Issue 18, problem 7 (a): a suspended seller's gigs are hidden from search, categories,
their profile and gig pages; the buyers of their open orders are told what happens next, and
orders not yet delivered are cancelled with a full refund if the suspension still holds
three days later (delivered orders are left for the buyer or a dispute reviewer)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from marketplace import selectors, seller_suspension
from marketplace.models import Order, OrderEvent
from marketplace.tests.factories import OrderFactory

pytestmark = pytest.mark.django_db


def suspend(user, days=30) -> None:
    user.suspended_until = timezone.now() + timedelta(days=days)
    user.save(update_fields=["suspended_until"])


def test_a_suspended_sellers_gigs_are_hidden(gig, alice, charlie):
    client = Client()
    client.force_login(charlie)
    assert client.get(f"/gigs/{gig.slug}/").status_code == 200

    suspend(alice)

    assert gig not in selectors.listed_gigs()
    assert gig.title not in client.get("/gigs/?q=logo").content.decode()
    assert gig.title not in client.get(f"/gigs/?category={gig.category.slug}").content.decode()
    assert client.get(f"/gigs/{gig.slug}/").status_code == 404
    assert client.get(f"/sellers/{alice.username}/").status_code == 404


def test_buyers_are_told_and_undelivered_orders_are_cancelled_after_three_days(
    gig, alice, bob, charlie, django_capture_on_commit_callbacks
):
    waiting = OrderFactory(gig=gig, buyer=bob, status=Order.Status.IN_PROGRESS)
    delivered = OrderFactory(gig=gig, buyer=charlie, status=Order.Status.DELIVERED)
    suspend(alice)

    with django_capture_on_commit_callbacks(execute=True):
        assert seller_suspension.tell_buyers(seller=alice) == 2

    # The timeline entry (the inbox posts it in the order's thread: moderation's test).
    lines = list(
        waiting.events.filter(kind=OrderEvent.Kind.SELLER_SUSPENDED).values_list("note", flat=True)
    )
    assert any("The seller of " + waiting.reference + " is suspended" in line for line in lines)
    assert any("full refund of $25.00" in line for line in lines)
    emails = {email.to[0]: email for email in mail.outbox}
    assert "cancelled" in emails["bob@example.com"].body
    assert "dispute reviewer" in emails["charlie@example.com"].body

    assert seller_suspension.cancel_orders_of_suspended_sellers() == 0  # not yet
    with time_machine.travel(timezone.now() + timedelta(days=3, minutes=1)):
        call_command("cancel_suspended_orders", stdout=__import__("io").StringIO())

    waiting.refresh_from_db()
    delivered.refresh_from_db()
    assert waiting.status == Order.Status.CANCELLED
    assert waiting.refunded_amount == Decimal("25.00") and waiting.closed_at is not None
    assert waiting.events.filter(kind=OrderEvent.Kind.CANCELLED, actor=None).exists()
    assert delivered.status == Order.Status.DELIVERED  # left for the buyer or a reviewer


def test_a_lifted_suspension_cancels_nothing(gig, alice, bob):
    order = OrderFactory(gig=gig, buyer=bob, status=Order.Status.IN_PROGRESS)
    suspend(alice)
    seller_suspension.tell_buyers(seller=alice)
    alice.suspended_until = None
    alice.save(update_fields=["suspended_until"])

    with time_machine.travel(timezone.now() + timedelta(days=4)):
        assert seller_suspension.cancel_orders_of_suspended_sellers() == 0
    order.refresh_from_db()
    assert order.status == Order.Status.IN_PROGRESS
