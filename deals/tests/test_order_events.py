"""Every order event appears as a system message in that order's own conversation, live."""

from __future__ import annotations

import pytest
from channels.db import database_sync_to_async

from core.timestamps import stamp
from inbox.conversations import get_or_start_conversation
from inbox.models import Conversation, Message
from inbox.order_events import post_order_event
from inbox.read_marks import mark_read
from inbox.selectors import unread_counts
from inbox.services import block_user
from inbox.tests.ws import open_socket, receive
from marketplace import services as orders
from marketplace.models import Order, OrderEvent
from marketplace.tests.factories import OrderFactory

Kind = OrderEvent.Kind


def thread_of(order: Order) -> Conversation:
    return Conversation.objects.get(order=order)


def system_bodies(order: Order) -> list[str]:
    return list(
        thread_of(order)
        .messages.filter(kind=Message.Kind.SYSTEM)
        .order_by("seq")
        .values_list("body", flat=True)
    )


@pytest.fixture
def placed(gig, bob):
    return orders.place_order(buyer=bob, package=gig.packages.get())


@pytest.fixture
def delivered(placed, alice, bob):
    orders.submit_requirements(order=placed, actor=bob, requirements="A fox, in orange.")
    orders.deliver_order(order=placed, actor=alice, note="Here are three concepts.")
    return placed


@pytest.mark.django_db
class TestEachEventInTheOrdersThread:
    def test_placing_an_order_opens_its_thread_with_the_first_event(self, placed, conversation):
        thread = thread_of(placed)
        assert thread.pk != conversation.pk  # not the pair's general conversation
        assert set(thread.user_ids()) == {placed.buyer_id, placed.seller_id}
        (body,) = system_bodies(placed)
        assert body.startswith(f"Order {placed.reference} placed by bob")

    def test_the_events_actor_does_not_get_it_as_unread(self, placed, alice, bob):
        thread = thread_of(placed)
        assert (unread_counts(bob, thread.pk)[0], unread_counts(alice, thread.pk)[0]) == (
            0,
            1,
        )  # bob placed it
        mark_read(conversation=thread, user=alice, seq=1)
        orders.submit_requirements(order=placed, actor=bob, requirements="A fox, in orange.")
        assert (unread_counts(bob, thread.pk)[0], unread_counts(alice, thread.pk)[0]) == (0, 1)
        mark_read(conversation=thread, user=alice, seq=2)
        orders.deliver_order(order=placed, actor=alice, note="Here are three concepts.")
        assert (unread_counts(bob, thread.pk)[0], unread_counts(alice, thread.pk)[0]) == (1, 0)

    def test_requirements_sent(self, placed, bob):
        orders.submit_requirements(order=placed, actor=bob, requirements="A fox, in orange.")
        placed.refresh_from_db()
        assert system_bodies(placed)[-1] == (
            f"bob sent the requirements for {placed.reference}. The work has started; "
            f"delivery is due {stamp(placed.due_at)}."
        )

    def test_delivered(self, delivered):
        assert system_bodies(delivered)[-1].startswith(
            f"Alice Studio delivered {delivered.reference}."
        )

    def test_revision_requested_quotes_the_note(self, delivered, bob):
        orders.request_revision(order=delivered, actor=bob, note="Make the fox bigger.")
        assert (
            system_bodies(delivered)[-1]
            == f"bob asked for a revision of {delivered.reference}: Make the fox bigger."
        )

    def test_completed(self, delivered, bob):
        orders.accept_delivery(order=delivered, actor=bob)
        assert (
            system_bodies(delivered)[-1]
            == f"{delivered.reference} is complete. You can now review each other."
        )

    def test_completed_automatically(self, delivered, settings):
        from datetime import timedelta

        from django.utils import timezone

        orders.auto_complete_orders(
            now=timezone.now() + timedelta(days=settings.GIGBOX_AUTO_COMPLETE_DAYS + 1)
        )
        assert "Completed automatically" in system_bodies(delivered)[-1]

    def test_cancelled_with_the_reason(self, placed, alice):
        orders.cancel_order(order=placed, actor=alice, reason="I am fully booked this month.")
        assert (
            system_bodies(placed)[-1]
            == f"{placed.reference} was cancelled by Alice Studio. I am fully booked this month."
        )

    @pytest.mark.parametrize(
        "kind, words",
        [
            (Kind.DISPUTED, "bob opened a dispute on {ref}. Not what we agreed."),
            (Kind.RESOLVED, "The dispute on {ref} was resolved. Not what we agreed."),
        ],
    )
    def test_dispute_events(self, delivered, bob, kind, words):
        # Disputes record their events through the same _record_event seam.
        orders._record_event(delivered, kind, bob, "Not what we agreed.")
        assert system_bodies(delivered)[-1] == words.format(ref=delivered.reference)

    def test_every_event_of_the_timeline_has_its_message(self, delivered, bob):
        orders.accept_delivery(order=delivered, actor=bob)
        assert delivered.events.count() == len(system_bodies(delivered)) == 4

    def test_events_of_two_orders_stay_in_their_own_threads(self, placed, gig, bob):
        second = orders.place_order(buyer=bob, package=gig.packages.get())
        orders.submit_requirements(order=second, actor=bob, requirements="Another one.")
        assert len(system_bodies(placed)) == 1 and len(system_bodies(second)) == 2

    def test_an_order_thread_already_started_is_reused(self, alice, bob, gig):
        order = OrderFactory(gig=gig, buyer=bob)
        started = get_or_start_conversation(starter=bob, other=alice, order=order)
        event = OrderEvent.objects.create(order=order, kind=Kind.PLACED, actor=bob)
        post_order_event(order=order, event=event)
        assert thread_of(order) == started and len(system_bodies(order)) == 1

    def test_a_block_does_not_stop_the_order_step(self, alice, bob, gig):
        block_user(blocker=alice, blocked=bob)
        order = orders.place_order(buyer=bob, package=gig.packages.get())
        assert order.events.count() == 1  # the timeline has it; no thread can be opened
        assert not Conversation.objects.filter(order=order).exists()


async def receive_type(socket, kind: str, limit: int = 5) -> dict:
    """The next frame of type `kind` (other frames, e.g. presence, may come first)."""
    for _ in range(limit):
        frame = await receive(socket)
        if frame["type"] == kind:
            return frame
    raise AssertionError(f"no {kind} frame")


@pytest.mark.django_db(transaction=True)
async def test_an_order_event_reaches_both_parties_live(alice, bob, gig):
    order = await database_sync_to_async(orders.place_order)(
        buyer=bob, package=await database_sync_to_async(gig.packages.get)()
    )
    await database_sync_to_async(orders.submit_requirements)(
        order=order, actor=bob, requirements="A fox."
    )
    bob_socket, alice_socket = await open_socket(bob), await open_socket(alice)
    await database_sync_to_async(orders.deliver_order)(order=order, actor=alice, note="Done.")
    for socket in (bob_socket, alice_socket):
        message = (await receive_type(socket, "message.new"))["message"]
        assert (message["kind"], message["sender_id"]) == ("system", None)
        assert message["body"].startswith(f"Alice Studio delivered {order.reference}.")
        thread_id = await database_sync_to_async(lambda: Conversation.objects.get(order=order).pk)()
        assert message["conversation_id"] == thread_id
        await socket.disconnect()
