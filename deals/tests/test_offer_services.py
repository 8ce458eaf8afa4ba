"""Custom offers: every transition, and every refused one (nothing is written then)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone

from deals import services
from deals.models import Offer
from deals.services import DealError, MilestoneData
from deals.tests.conftest import OFFER_TERMS
from inbox.models import Conversation, Message
from inbox.read_marks import mark_read
from inbox.selectors import unread_counts
from inbox.services import block_user
from marketplace.models import Gig, Order, OrderEvent
from marketplace.tests.factories import GigFactory

pytestmark = pytest.mark.django_db


def system_bodies(conversation: Conversation) -> list[str]:
    return list(
        conversation.messages.filter(kind=Message.Kind.SYSTEM)
        .order_by("seq")
        .values_list("body", flat=True)
    )


# Sending ------------------------------------------------------------------------------------


def test_an_offer_is_posted_as_a_system_message_that_describes_it(offer, conversation, alice, bob):
    assert (offer.status, offer.seller, offer.buyer) == (Offer.Status.PENDING, alice, bob)
    assert offer.message.conversation_id == conversation.pk
    assert offer.message.kind == Message.Kind.SYSTEM
    body = offer.message.body
    assert f"Custom offer #{offer.pk}" in body
    assert "$120.00" in body and "delivery in 5 days" in body and "2 revisions" in body
    assert OFFER_TERMS["description"] in body


def test_the_offer_expires_after_the_days_chosen(make_offer):
    with time_machine.travel("2026-03-01 12:00Z", tick=False):
        offer = make_offer(expires_in_days=7)
    assert offer.expires_at.isoformat() == "2026-03-08T12:00:00+00:00"


def test_milestones_are_stored_and_described(make_offer):
    offer = make_offer(
        milestones=[
            MilestoneData("Sketches", Decimal("40"), 2),
            MilestoneData("Final files", Decimal("80.00"), 5),
        ]
    )
    assert offer.milestones == [
        {"title": "Sketches", "amount": "40.00", "due_days": 2},
        {"title": "Final files", "amount": "80.00", "due_days": 5},
    ]
    assert "1. Sketches: $40.00 by day 2" in offer.message.body


@pytest.mark.parametrize(
    "milestones, words",
    [
        (
            [MilestoneData("A", Decimal("50"), 2), MilestoneData("B", Decimal("50"), 5)],
            "add up to $100.00",
        ),
        ([MilestoneData(str(n), Decimal("30"), n) for n in range(1, 5)], "at most 3"),
        ([MilestoneData("Late", Decimal("120"), 9)], "within 5 days"),
        (
            [MilestoneData("B", Decimal("60"), 4), MilestoneData("A", Decimal("60"), 2)],
            "no earlier than",
        ),
        (
            [MilestoneData("Free", Decimal("0"), 2), MilestoneData("All", Decimal("120"), 5)],
            "more than $0",
        ),
        ([MilestoneData("Call me on +49 151 23456789", Decimal("120"), 5)], "Contact details"),
    ],
)
def test_bad_milestones_are_refused_and_nothing_is_written(make_offer, milestones, words):
    with pytest.raises(ValidationError) as raised:
        make_offer(milestones=milestones)
    assert words in " ".join(raised.value.messages)
    assert not Offer.objects.exists() and not Message.objects.exists()


@pytest.mark.parametrize(
    "description",
    ["Write to me at alice.design@gmail.com for the files", "WhatsApp me: +49 151 2345 6789"],
)
def test_contact_details_in_the_offer_text_are_refused(make_offer, description):
    with pytest.raises(ValidationError) as raised:
        make_offer(description=description)
    assert "Contact details are not allowed" in " ".join(raised.value.messages)
    assert not Offer.objects.exists() and not Message.objects.exists()


def test_a_buyer_cannot_send_an_offer(conversation, bob, gig):
    with pytest.raises(DealError, match="Only sellers"):
        services.send_offer(conversation=conversation, seller=bob, gig=gig, **OFFER_TERMS)
    assert not Offer.objects.exists()


def test_a_seller_cannot_offer_someone_elses_gig(conversation, alice, dave):
    daves_gig = GigFactory(seller=dave)
    with pytest.raises(DealError, match="your own gigs"):
        services.send_offer(conversation=conversation, seller=alice, gig=daves_gig, **OFFER_TERMS)
    assert not Offer.objects.exists()


def test_an_outsider_cannot_send_an_offer_into_a_conversation(conversation, dave):
    daves_gig = GigFactory(seller=dave)
    with pytest.raises(DealError, match="No such conversation"):
        services.send_offer(conversation=conversation, seller=dave, gig=daves_gig, **OFFER_TERMS)


def test_a_paused_gig_cannot_be_offered(make_offer, gig):
    gig.status = Gig.Status.PAUSED
    gig.save()
    with pytest.raises(DealError, match="paused"):
        make_offer()


def test_no_offer_between_people_who_blocked_each_other(make_offer, alice, bob):
    block_user(blocker=bob, blocked=alice)
    with pytest.raises(DealError, match="cannot send offers"):
        make_offer()


def test_bad_terms_are_refused(make_offer):
    with pytest.raises(ValidationError):
        make_offer(price=Decimal("1.00"))
    with pytest.raises(ValidationError):
        make_offer(expires_in_days=0)
    assert not Offer.objects.exists()


# Accepting ----------------------------------------------------------------------------------


def test_accepting_places_an_order_on_the_offers_terms(offer, bob, alice, gig):
    order = services.accept_offer(offer=offer, buyer=bob)
    assert (order.buyer, order.seller, order.gig, order.package) == (bob, alice, gig, None)
    assert (order.price, order.delivery_days, order.revisions_included) == (Decimal("120.00"), 5, 2)
    assert order.status == Order.Status.PENDING_REQUIREMENTS
    offer.refresh_from_db()
    assert (offer.status, offer.order) == (Offer.Status.ACCEPTED, order)
    assert offer.decided_at is not None
    placed = order.events.get(kind=OrderEvent.Kind.PLACED)
    assert f"custom offer #{offer.pk}" in placed.note


def test_accepting_opens_the_orders_conversation_and_tells_the_offers_thread(
    offer, bob, conversation
):
    order = services.accept_offer(offer=offer, buyer=bob)
    order_thread = Conversation.objects.get(order=order)
    assert order_thread.pk != conversation.pk
    assert any(order.reference in body and "placed" in body for body in system_bodies(order_thread))
    assert (
        system_bodies(conversation)[-1] == f"Offer #{offer.pk} accepted — order {order.reference}."
    )


def test_milestones_are_written_on_the_order_timeline(make_offer, bob):
    offer = make_offer(
        milestones=[
            MilestoneData("Sketches", Decimal("40"), 2),
            MilestoneData("Final", Decimal("80"), 5),
        ]
    )
    order = services.accept_offer(offer=offer, buyer=bob)
    assert "Sketches $40.00 (day 2)" in order.events.get(kind=OrderEvent.Kind.PLACED).note


def unread(user, conversation: Conversation) -> int:
    return unread_counts(user, conversation.pk)[0]


def test_sending_an_offer_is_unread_for_the_buyer_only(make_offer, conversation, alice, bob):
    make_offer()
    assert (unread(alice, conversation), unread(bob, conversation)) == (0, 1)


@pytest.mark.parametrize(
    "step, actor_name", [("accept", "bob"), ("decline", "bob"), ("withdraw", "alice")]
)
def test_ones_own_offer_step_is_not_unread_for_oneself(
    offer, conversation, alice, bob, step, actor_name
):
    mark_read(conversation=conversation, user=bob, seq=offer.message.seq)
    actor, other = (bob, alice) if actor_name == "bob" else (alice, bob)
    before = (unread(actor, conversation), unread(other, conversation))
    if step == "accept":
        services.accept_offer(offer=offer, buyer=bob)
    elif step == "decline":
        services.decline_offer(offer=offer, buyer=bob)
    else:
        services.withdraw_offer(offer=offer, seller=alice)
    assert unread(actor, conversation) == before[0] == 0
    assert unread(other, conversation) == before[1] + 1


def test_accepting_keeps_the_milestones_as_the_orders_terms(make_offer, bob, client):
    offer = make_offer(
        milestones=[
            MilestoneData("Sketches", Decimal("40"), 2),
            MilestoneData("Final", Decimal("80"), 5),
        ]
    )
    order = services.accept_offer(offer=offer, buyer=bob)
    order.refresh_from_db()
    assert order.milestones == [
        {"title": "Sketches", "amount": "40.00", "due_days": 2},
        {"title": "Final", "amount": "80.00", "due_days": 5},
    ]
    client.force_login(bob)
    page = client.get(order.get_absolute_url()).content.decode()
    assert "Sketches: $40.00 by day 2" in page and "Final: $80.00 by day 5" in page


def test_an_order_without_milestones_shows_none(offer, bob, client):
    order = services.accept_offer(offer=offer, buyer=bob)
    assert Order.objects.get(pk=order.pk).milestones == []
    client.force_login(bob)
    assert "data-order-milestones" not in client.get(order.get_absolute_url()).content.decode()


@pytest.mark.parametrize("blocker", ["alice", "bob"])
def test_an_offer_cannot_be_accepted_across_a_block(offer, alice, bob, blocker):
    if blocker == "alice":
        block_user(blocker=alice, blocked=bob)
    else:
        block_user(blocker=bob, blocked=alice)
    with pytest.raises(DealError, match="cannot accept offers from this person"):
        services.accept_offer(offer=offer, buyer=bob)
    offer.refresh_from_db()
    assert offer.status == Offer.Status.PENDING and not Order.objects.exists()


def test_a_suspended_buyer_cannot_accept(offer, bob):
    bob.suspended_until = timezone.now() + timedelta(days=3)
    bob.save(update_fields=["suspended_until"])
    with pytest.raises(DealError, match="cannot place orders"):
        services.accept_offer(offer=offer, buyer=bob)
    offer.refresh_from_db()
    assert offer.status == Offer.Status.PENDING and not Order.objects.exists()


def test_the_seller_cannot_accept_their_own_offer(offer, alice):
    with pytest.raises(DealError, match="Only the buyer"):
        services.accept_offer(offer=offer, buyer=alice)
    assert not Order.objects.exists()


def test_someone_else_cannot_accept_the_offer(offer, charlie):
    with pytest.raises(DealError, match="No such offer"):
        services.accept_offer(offer=offer, buyer=charlie)
    assert not Order.objects.exists()


def test_an_expired_offer_cannot_be_accepted_even_before_the_job_marks_it(offer, bob):
    with (
        time_machine.travel(offer.expires_at + timedelta(seconds=1)),
        pytest.raises(DealError, match="expired"),
    ):
        services.accept_offer(offer=offer, buyer=bob)
    offer.refresh_from_db()
    assert offer.status == Offer.Status.PENDING  # nothing written; the job will mark it
    assert not Order.objects.exists()


def test_an_offer_can_be_accepted_until_its_last_second(offer, bob):
    with time_machine.travel(offer.expires_at - timedelta(seconds=1)):
        services.accept_offer(offer=offer, buyer=bob)
    assert Order.objects.count() == 1


def test_an_offer_is_accepted_once(offer, bob):
    services.accept_offer(offer=offer, buyer=bob)
    with pytest.raises(DealError, match="already been accepted"):
        services.accept_offer(offer=offer, buyer=bob)
    assert Order.objects.count() == 1


def test_a_withdrawn_offer_cannot_be_accepted(offer, alice, bob):
    services.withdraw_offer(offer=offer, seller=alice)
    with pytest.raises(DealError, match="withdrew"):
        services.accept_offer(offer=offer, buyer=bob)
    assert not Order.objects.exists()


def test_a_declined_offer_cannot_be_accepted(offer, bob):
    services.decline_offer(offer=offer, buyer=bob)
    with pytest.raises(DealError, match="declined"):
        services.accept_offer(offer=offer, buyer=bob)
    assert not Order.objects.exists()


def test_an_offer_for_a_gig_paused_since_cannot_be_accepted(offer, bob, gig):
    gig.status = Gig.Status.PAUSED
    gig.save()
    with pytest.raises(DealError, match="not available"):
        services.accept_offer(offer=offer, buyer=bob)
    offer.refresh_from_db()
    assert offer.status == Offer.Status.PENDING and not Order.objects.exists()


# Declining and withdrawing ------------------------------------------------------------------


def test_the_buyer_declines(offer, bob, conversation):
    services.decline_offer(offer=offer, buyer=bob)
    offer.refresh_from_db()
    assert offer.status == Offer.Status.DECLINED
    assert system_bodies(conversation)[-1] == f"bob declined offer #{offer.pk}."


def test_the_seller_cannot_decline_and_the_buyer_cannot_withdraw(offer, alice, bob):
    with pytest.raises(DealError, match="Only the buyer"):
        services.decline_offer(offer=offer, buyer=alice)
    with pytest.raises(DealError, match="Only the seller"):
        services.withdraw_offer(offer=offer, seller=bob)
    offer.refresh_from_db()
    assert offer.status == Offer.Status.PENDING


def test_the_seller_withdraws_before_an_answer(offer, alice, conversation):
    services.withdraw_offer(offer=offer, seller=alice)
    offer.refresh_from_db()
    assert offer.status == Offer.Status.WITHDRAWN
    assert system_bodies(conversation)[-1] == f"Alice Studio withdrew offer #{offer.pk}."


def test_an_accepted_offer_cannot_be_withdrawn(offer, alice, bob):
    services.accept_offer(offer=offer, buyer=bob)
    with pytest.raises(DealError, match="already been accepted"):
        services.withdraw_offer(offer=offer, seller=alice)


# Expiring -----------------------------------------------------------------------------------


def test_the_job_marks_expired_offers_and_tells_the_thread(make_offer, conversation):
    soon, later = make_offer(expires_in_days=1), make_offer(expires_in_days=5)
    assert services.expire_offers(now=timezone.now() + timedelta(days=2)) == 1
    soon.refresh_from_db(), later.refresh_from_db()
    assert (soon.status, later.status) == (Offer.Status.EXPIRED, Offer.Status.PENDING)
    assert system_bodies(conversation)[-1] == f"Offer #{soon.pk} expired without an answer."
    assert services.expire_offers(now=timezone.now() + timedelta(days=2)) == 0  # idempotent


def test_the_job_leaves_answered_offers_alone(offer, bob):
    services.decline_offer(offer=offer, buyer=bob)
    assert services.expire_offers(now=timezone.now() + timedelta(days=30)) == 0
    offer.refresh_from_db()
    assert offer.status == Offer.Status.DECLINED
