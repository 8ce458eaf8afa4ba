"""The seller dashboard: active orders with due dates (overdue highlighted), unread
conversations, pending offers and the response rate."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from deals.models import ResponseStats
from inbox.send import send_message
from marketplace.models import Order
from marketplace.tests.factories import OrderFactory

pytestmark = pytest.mark.django_db


def test_alice_sees_what_she_has_to_act_on(client, alice, bob, gig, conversation, offer):
    now = timezone.now()
    late = OrderFactory(
        gig=gig, buyer=bob, status=Order.Status.IN_PROGRESS, due_at=now - timedelta(hours=3)
    )
    on_time = OrderFactory(
        gig=gig, buyer=bob, status=Order.Status.IN_PROGRESS, due_at=now + timedelta(days=2)
    )
    done = OrderFactory(gig=gig, buyer=bob, status=Order.Status.COMPLETED)
    send_message(conversation=conversation, sender=bob, body="Any news?", client_id="dash-0001")
    ResponseStats.objects.create(
        seller=alice, conversations=4, answered_in_time=3, response_rate=75, computed_at=now
    )
    client.force_login(alice)
    page = client.get("/seller/dashboard/").content.decode()
    assert late.reference in page and on_time.reference in page and done.reference not in page
    assert "1 overdue" in page and "Overdue since" in page
    assert "is-overdue" in page and page.count("is-overdue") == 1
    assert "bob" in page  # the unread conversation
    assert f"#{offer.pk}" in page  # the pending offer
    assert "75%" in page


def test_unread_conversations_say_what_they_are_about(
    client, alice, bob, charlie, gig, conversation
):
    from inbox.conversations import get_or_start_conversation

    order = OrderFactory(
        gig=gig, buyer=charlie, status=Order.Status.IN_PROGRESS, title="Logo for a bakery"
    )
    order_thread = get_or_start_conversation(starter=charlie, other=alice, order=order)
    send_message(
        conversation=conversation, sender=bob, body="About the logo", client_id="dash-gig-0001"
    )
    send_message(
        conversation=order_thread,
        sender=charlie,
        body="Here are the files",
        client_id="dash-order-0001",
    )
    client.force_login(alice)
    page = client.get("/seller/dashboard/").content.decode()
    unread = page.split('id="dash-unread"')[1].split("</section>")[0]
    assert f"data-unread-about>{order.reference} · Logo for a bakery</span>" in unread
    assert f"data-unread-about>{gig.title}</span>" in unread
    assert unread.count("data-unread-about") == 2


def test_the_dashboard_is_linked_from_the_user_menu_for_sellers(client, alice, bob):
    client.force_login(alice)
    assert "/seller/dashboard/" in client.get("/").content.decode()
    client.force_login(bob)
    assert "/seller/dashboard/" not in client.get("/").content.decode()


def test_a_buyer_is_asked_to_become_a_seller_first(client, bob):
    client.force_login(bob)
    response = client.get("/seller/dashboard/")
    assert response.status_code == 302 and response.url == "/seller/profile/"
