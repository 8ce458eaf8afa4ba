"""open_dispute: either party, on the statuses the transition table allows, atomically."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from disputes import services
from disputes.models import Dispute, DisputeEntry
from disputes.tests.conftest import order_in
from inbox.checks import AttachmentUpload
from inbox.models import Conversation, Message
from marketplace.models import Order, OrderEvent
from marketplace.order_flow import OrderTransitionError

DISPUTABLE = [Order.Status.IN_PROGRESS, Order.Status.DELIVERED, Order.Status.REVISION_REQUESTED]
NOT_DISPUTABLE = [
    Order.Status.PENDING_REQUIREMENTS,
    Order.Status.COMPLETED,
    Order.Status.CANCELLED,
    Order.Status.DISPUTED,
]


def _open(order, opener, **overrides) -> Dispute:
    values = {
        "reason": "not_as_described",
        "requested_outcome": "refund",
        "statement": "The delivery is not what we agreed.",
    }
    return services.open_dispute(order=order, opener=opener, **{**values, **overrides})


@pytest.mark.parametrize("status", DISPUTABLE)
@pytest.mark.parametrize("side", ["buyer", "seller"])
def test_either_party_can_dispute_an_order_being_worked_on(db, status, side):
    order = order_in(status)
    opener = getattr(order, side)
    dispute = _open(order, opener)
    order.refresh_from_db()
    assert order.status == Order.Status.DISPUTED
    assert dispute.status == Dispute.Status.OPEN and dispute.opened_by == opener
    assert dispute.order_status_before == status
    event = order.events.last()
    assert (event.kind, event.actor) == (OrderEvent.Kind.DISPUTED, opener)
    assert [e.kind for e in dispute.entries.all()] == [DisputeEntry.Kind.STATEMENT]


@pytest.mark.parametrize("status", NOT_DISPUTABLE)
def test_it_refuses_orders_in_other_statuses_and_writes_nothing(db, status):
    order = order_in(status)
    with pytest.raises(OrderTransitionError, match="cannot dispute"):
        _open(order, order.buyer)
    order.refresh_from_db()
    assert order.status == status
    assert not Dispute.objects.exists() and not DisputeEntry.objects.exists()
    assert not order.events.filter(kind=OrderEvent.Kind.DISPUTED).exists()


def test_an_outsider_cannot_dispute(order, charlie):
    with pytest.raises(OrderTransitionError, match="Only the buyer or the seller"):
        _open(order, charlie)
    assert not Dispute.objects.exists()


def test_opening_tells_both_parties_in_the_order_conversation(order, order_conversation, bob):
    dispute = _open(order, bob)
    last = Message.objects.filter(conversation=order_conversation).order_by("-seq").first()
    assert last.kind == Message.Kind.SYSTEM
    assert "bob opened a dispute" in last.body and f"Dispute #{dispute.pk}" in last.body
    assert "on hold" in last.body


def test_opening_starts_the_order_conversation_when_there_is_none(order, bob):
    _open(order, bob)
    conversation = Conversation.objects.get(order=order)
    assert conversation.messages.get().kind == Message.Kind.SYSTEM


def test_a_statement_with_contact_details_is_refused_and_nothing_changes(order, bob):
    with pytest.raises(ValidationError) as caught:
        _open(order, bob, statement="Mail me at bob.smith@example.com to settle this")
    assert "Contact details are not allowed" in " ".join(caught.value.messages)
    order.refresh_from_db()
    assert order.status == Order.Status.DELIVERED
    assert not Dispute.objects.exists()
    assert not Conversation.objects.filter(order=order).exists()


def test_an_empty_statement_is_refused(order, bob):
    with pytest.raises(ValidationError, match="Write something"):
        _open(order, bob, statement="   ")
    assert not Dispute.objects.exists()


def test_a_partial_refund_needs_its_percentage(order, bob):
    with pytest.raises(ValidationError, match="percentage"):
        _open(order, bob, requested_outcome="partial_refund")
    dispute = _open(order, bob, requested_outcome="partial_refund", refund_percent=40, extra_days=5)
    assert (dispute.requested_refund_percent, dispute.requested_extra_days) == (40, None)


def test_more_time_needs_a_number_of_days(order, alice):
    with pytest.raises(ValidationError, match="extra days"):
        _open(order, alice, requested_outcome="more_time")
    dispute = _open(order, alice, requested_outcome="more_time", extra_days=3)
    assert dispute.requested_extra_days == 3


def test_only_one_open_dispute_per_order(dispute, alice):
    with pytest.raises(OrderTransitionError, match="cannot dispute an order that is disputed"):
        _open(dispute.order, alice)
    assert Dispute.objects.count() == 1


def test_the_statement_can_carry_a_file_checked_like_an_inbox_attachment(order, bob, png_bytes):
    dispute = _open(order, bob, upload=AttachmentUpload("colours.png", png_bytes))
    entry = dispute.entries.get()
    assert (entry.file_name, entry.content_type, entry.file_size) == (
        "colours.png",
        "image/png",
        len(png_bytes),
    )
    assert len(entry.sha256) == 64 and entry.file.read() == png_bytes


def test_a_refused_file_refuses_the_whole_dispute(order, bob):
    with pytest.raises(ValidationError) as caught:
        _open(
            order,
            bob,
            upload=AttachmentUpload("page.html", b"<html><script>alert(1)</script></html>"),
        )
    assert "file" in caught.value.message_dict
    order.refresh_from_db()
    assert order.status == Order.Status.DELIVERED and not Dispute.objects.exists()
