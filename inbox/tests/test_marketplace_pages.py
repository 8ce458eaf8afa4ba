"""The marketplace pages' ways into the inbox: the seller page's "Contact seller" starts a
conversation, and an order's page links both parties to the order's thread (the inbox posts
the order's events there through marketplace.extensions). Moved from marketplace/tests, which
may not import the inbox above it."""

from __future__ import annotations

from django.urls import reverse

from inbox.models import Conversation
from marketplace.models import Order


def test_the_seller_page_lets_a_buyer_start_a_conversation_without_a_gig(client, gig, alice, bob):
    client.force_login(bob)
    page = client.get(reverse("marketplace:seller", args=["alice"])).content.decode()
    assert 'action="/inbox/start/alice/"' in page and "Contact seller" in page
    response = client.post("/inbox/start/alice/")
    conversation = Conversation.objects.get()
    assert response["Location"] == f"/inbox/{conversation.pk}/#composer"
    assert set(conversation.user_ids()) == {alice.pk, bob.pk} and conversation.gig is None


def test_the_order_page_links_both_parties_to_the_orders_thread(client, gig, bob, alice):
    client.force_login(bob)
    client.post(f"/gigs/{gig.slug}/order/", {"package": gig.packages.get().pk})
    order = Order.objects.get()
    thread = Conversation.objects.get(order=order)
    link = f'href="/inbox/{thread.pk}/" data-order-thread>Messages</a>'
    assert link in client.get(f"/orders/{order.pk}/").content.decode()
    client.force_login(alice)
    assert link in client.get(f"/orders/{order.pk}/").content.decode()
