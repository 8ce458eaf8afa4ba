"""resolve_dispute: each resolution moves the order through the transition table, records
the refund, writes the timeline event and tells both parties in the order's conversation."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from disputes import services
from disputes.models import Dispute
from inbox.models import Message
from marketplace.models import Order, OrderEvent


def _resolve(dispute, reviewer, resolution, **extra):
    return services.resolve_dispute(
        dispute=dispute,
        reviewer=reviewer,
        resolution=resolution,
        note="Decided after reading both sides.",
        **extra,
    )


def _last_message(conversation) -> Message:
    return Message.objects.filter(conversation=conversation).order_by("-seq").first()


@pytest.mark.parametrize(
    ("resolution", "extra", "status", "refunded"),
    [
        ("refund", {}, Order.Status.CANCELLED, Decimal("25.00")),
        ("cancel", {}, Order.Status.CANCELLED, Decimal("25.00")),
        ("release", {}, Order.Status.COMPLETED, Decimal("0")),
        ("partial_refund", {"refund_percent": 40}, Order.Status.COMPLETED, Decimal("10.00")),
        ("partial_refund", {"refund_percent": 33}, Order.Status.COMPLETED, Decimal("8.25")),
    ],
)
def test_each_closing_resolution_sets_status_and_refund(
    dispute, rita, order_conversation, resolution, extra, status, refunded
):
    result = _resolve(dispute, rita, resolution, **extra)
    order = Order.objects.get(pk=dispute.order_id)
    assert order.status == status
    assert order.refunded_amount == refunded and result.refunded_amount == refunded
    assert order.closed_at is not None
    assert (result.status, result.resolution, result.resolved_by) == (
        Dispute.Status.RESOLVED,
        resolution,
        rita,
    )
    event = order.events.last()
    assert event.kind == OrderEvent.Kind.RESOLVED and event.actor is None
    message = _last_message(order_conversation)
    assert message.kind == Message.Kind.SYSTEM
    assert "resolved" in message.body and "Decided after reading both sides." in message.body
    assert f"Dispute #{dispute.pk}" in message.body


def test_partial_refund_message_names_the_amount(dispute, rita, order_conversation):
    _resolve(dispute, rita, "partial_refund", refund_percent=40)
    assert "40% ($10.00 back to the buyer)" in _last_message(order_conversation).body


def test_more_time_puts_the_order_back_in_progress_with_a_later_due_date(
    dispute, rita, order_conversation
):
    due_before = dispute.order.due_at
    _resolve(dispute, rita, "more_time", extra_days=4)
    order = Order.objects.get(pk=dispute.order_id)
    assert order.status == Order.Status.IN_PROGRESS
    assert order.due_at == due_before + timedelta(days=4)
    assert order.refunded_amount == 0 and order.closed_at is None
    assert "4 more days" in _last_message(order_conversation).body


def test_more_time_on_an_overdue_order_counts_from_now(dispute, rita):
    Order.objects.filter(pk=dispute.order_id).update(
        due_at=dispute.order.due_at - timedelta(days=10)
    )
    _resolve(dispute, rita, "more_time", extra_days=2)
    order = Order.objects.get(pk=dispute.order_id)
    assert order.due_at > dispute.resolved_at + timedelta(days=2) - timedelta(seconds=5)


def test_the_order_can_be_disputed_again_after_more_time(dispute, rita, alice):
    _resolve(dispute, rita, "more_time", extra_days=2)
    again = services.open_dispute(
        order=Order.objects.get(pk=dispute.order_id),
        opener=alice,
        reason="buyer_requests",
        requested_outcome="release",
        statement="The buyer keeps adding requirements.",
    )
    assert again.pk != dispute.pk and Dispute.objects.filter(status="open").count() == 1


@pytest.mark.parametrize(
    ("resolution", "extra", "field"),
    [
        ("partial_refund", {}, "refund_percent"),
        ("more_time", {}, "extra_days"),
        ("nonsense", {}, "resolution"),
    ],
)
def test_incomplete_resolutions_are_refused_and_change_nothing(
    dispute, rita, resolution, extra, field
):
    with pytest.raises(ValidationError) as caught:
        _resolve(dispute, rita, resolution, **extra)
    assert field in caught.value.message_dict
    dispute.refresh_from_db()
    assert (
        dispute.is_open and Order.objects.get(pk=dispute.order_id).status == Order.Status.DISPUTED
    )


def test_a_note_for_the_parties_is_required(dispute, rita):
    with pytest.raises(ValidationError, match="note"):
        services.resolve_dispute(dispute=dispute, reviewer=rita, resolution="release", note="  ")


def test_a_resolved_dispute_cannot_be_resolved_again(dispute, rita):
    _resolve(dispute, rita, "release")
    with pytest.raises(ValidationError, match="resolved"):
        _resolve(dispute, rita, "refund")
    assert Order.objects.get(pk=dispute.order_id).refunded_amount == 0


@pytest.mark.parametrize("who", ["mo", "stella", "bob", "alice"])
def test_only_reviewers_resolve(dispute, who, request):
    with pytest.raises(PermissionDenied):
        _resolve(dispute, request.getfixturevalue(who), "refund")
    assert Order.objects.get(pk=dispute.order_id).status == Order.Status.DISPUTED


def test_the_resolution_is_one_transaction(dispute, rita, monkeypatch):
    """If the order's step fails, the dispute stays open and nothing is half-written."""
    from disputes import services as dispute_services

    def broken(**kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(dispute_services, "take_order_step", broken)
    with pytest.raises(RuntimeError):
        _resolve(dispute, rita, "refund")
    dispute.refresh_from_db()
    assert dispute.is_open and dispute.resolution == ""
