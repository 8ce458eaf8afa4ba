"""What deals adds to the inbox: the "custom offers" filter, the offer on its message (at no
extra query), `offer.updated` frames live for both sides, and the masking notice inside an
active order."""

from __future__ import annotations

import pytest
from channels.db import database_sync_to_async
from django.db import connection
from django.test.utils import CaptureQueriesContext

from deals import services
from deals.tests.conftest import OFFER_TERMS
from inbox import frames, selectors
from inbox.conversations import get_or_start_conversation
from inbox.protocol import validate_server_frame
from inbox.send import send_message
from inbox.tests.ws import open_socket, receive
from marketplace.models import Order
from marketplace.tests.factories import OrderFactory, UserFactory


@pytest.mark.django_db
def test_the_custom_offers_filter_lists_conversations_with_offers(
    alice, bob, charlie, offer, conversation, client
):
    plain = get_or_start_conversation(starter=charlie, other=alice)
    page = selectors.inbox_page(alice, filter="offers")
    assert [p.conversation_id for p in page.participants] == [conversation.pk]
    assert plain.pk in [
        p.conversation_id for p in selectors.inbox_page(alice, filter="all").participants
    ]
    services.send_offer(
        conversation=conversation, seller=alice, gig=offer.gig, **OFFER_TERMS
    )  # a second offer
    assert len(selectors.inbox_page(alice, filter="offers").participants) == 1  # still one row
    client.force_login(alice)
    html = client.get("/inbox/", {"filter": "offers"}).content.decode()
    assert "Custom offers" in html and 'aria-current="page"' in html
    assert (
        client.get("/api/inbox/conversations/", {"filter": "offers"}).json()["conversations"][0][
            "id"
        ]
        == conversation.pk
    )


@pytest.mark.django_db
def test_a_page_of_history_costs_the_same_queries_with_offers(alice, bob, conversation, gig):
    def count_queries() -> int:
        with CaptureQueriesContext(connection) as queries:
            messages, _ = selectors.history_page(bob, conversation)
            [frames.serialize_message(m, for_user=bob) for m in messages]
        return len(queries)

    send_message(conversation=conversation, sender=bob, body="Hi", client_id="hist-0001")
    baseline = count_queries()
    for _ in range(3):
        services.send_offer(conversation=conversation, seller=alice, gig=gig, **OFFER_TERMS)
    assert count_queries() == baseline
    messages, _ = selectors.history_page(bob, conversation)
    serialized = [frames.serialize_message(m, for_user=bob) for m in messages]
    assert sum("offer" in m for m in serialized) == 3
    for message in serialized:
        validate_server_frame({"type": "message.new", "message": message})


@pytest.mark.django_db
def test_the_notice_inside_an_active_order_explains_how_to_share_what_the_work_needs(
    alice, bob, gig
):
    order = OrderFactory(gig=gig, buyer=bob, status=Order.Status.IN_PROGRESS)
    thread = get_or_start_conversation(starter=bob, other=alice, order=order)
    sent = send_message(
        conversation=thread,
        sender=bob,
        body="Mail the files to bob.builder@gmail.com",
        client_id="notice-01",
    )
    assert (
        sent.ack["masked"]
        and "attachments" in sent.ack["notice"]
        and "stay hidden during an order" in sent.ack["notice"]
    )
    general = get_or_start_conversation(starter=bob, other=alice)
    sent = send_message(
        conversation=general,
        sender=bob,
        body="Mail me at bob.builder@gmail.com",
        client_id="notice-02",
    )
    assert "against the rules" in sent.ack["notice"] and "attachments" not in sent.ack["notice"]


@pytest.mark.django_db
def test_after_the_order_ends_the_ordinary_notice_is_back(alice, bob, gig):
    order = OrderFactory(gig=gig, buyer=bob, status=Order.Status.COMPLETED)
    thread = get_or_start_conversation(starter=bob, other=alice, order=order)
    sent = send_message(
        conversation=thread,
        sender=bob,
        body="Mail me at bob.builder@gmail.com",
        client_id="notice-03",
    )
    assert "against the rules" in sent.ack["notice"]


async def receive_type(socket, kind: str, limit: int = 6) -> dict:
    for _ in range(limit):
        frame = await receive(socket)
        if frame["type"] == kind:
            return frame
    raise AssertionError(f"no {kind} frame")


@pytest.mark.django_db(transaction=True)
async def test_an_offer_and_its_acceptance_reach_both_sides_live(alice, bob, gig, conversation):
    alice_socket, bob_socket = await open_socket(alice), await open_socket(bob)
    offer = await database_sync_to_async(services.send_offer)(
        conversation=conversation, seller=alice, gig=gig, **OFFER_TERMS
    )
    for socket in (alice_socket, bob_socket):
        new = await receive_type(socket, "message.new")
        assert new["message"]["id"] == offer.message_id and "Custom offer" in new["message"]["body"]
        updated = await receive_type(socket, "offer.updated")
        assert (
            updated["offer"]["id"],
            updated["offer"]["status"],
            updated["offer"]["message_id"],
        ) == (offer.pk, "pending", offer.message_id)
    order = await database_sync_to_async(services.accept_offer)(offer=offer, buyer=bob)
    for socket in (alice_socket, bob_socket):
        updated = await receive_type(socket, "offer.updated", limit=10)
        assert (
            updated["offer"]["status"] == "accepted"
            and updated["offer"]["order"]["reference"] == order.reference
        )
        await socket.disconnect()


@pytest.mark.django_db(transaction=True)
async def test_a_stranger_hears_nothing_of_the_offer(alice, bob, gig, conversation):
    charlie = await database_sync_to_async(UserFactory)(username="charlie")
    socket = await open_socket(charlie)
    await database_sync_to_async(services.send_offer)(
        conversation=conversation, seller=alice, gig=gig, **OFFER_TERMS
    )
    assert await socket.receive_nothing(timeout=0.5)
    await socket.disconnect()
