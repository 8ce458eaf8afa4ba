"""auto_complete_orders and the `autocomplete_orders` command, on a controlled clock."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from io import StringIO

import time_machine
from django.core.management import call_command

from marketplace import services
from marketplace.models import Order, OrderEvent

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def deliver_at(order, alice, bob, when):
    with time_machine.travel(when, tick=False):
        services.submit_requirements(order=order, actor=bob, requirements="A logo.")
        services.deliver_order(order=order, actor=alice, note="Done.")


def test_a_delivery_is_completed_three_days_later_not_before(order, alice, bob):
    deliver_at(order, alice, bob, T0)
    assert services.auto_complete_orders(now=T0 + timedelta(days=3) - timedelta(seconds=1)) == 0
    order.refresh_from_db()
    assert order.status == Order.Status.DELIVERED
    assert services.auto_complete_orders(now=T0 + timedelta(days=3)) == 1
    order.refresh_from_db()
    assert order.status == Order.Status.COMPLETED and order.closed_at == T0 + timedelta(days=3)
    event = order.events.last()
    assert (event.kind, event.actor) == (OrderEvent.Kind.COMPLETED, None)
    assert "automatically" in event.note


def test_orders_in_other_states_are_left_alone(order, alice, bob):
    deliver_at(order, alice, bob, T0)
    services.request_revision(order=order, actor=bob, note="Bigger please.")
    assert services.auto_complete_orders(now=T0 + timedelta(days=30)) == 0
    order.refresh_from_db()
    assert order.status == Order.Status.REVISION_REQUESTED


def test_the_command_uses_the_clock_and_is_safe_to_rerun(order, alice, bob):
    deliver_at(order, alice, bob, T0)
    out = StringIO()
    with time_machine.travel(T0 + timedelta(days=2), tick=False):
        call_command("autocomplete_orders", stdout=out)
    order.refresh_from_db()
    assert order.status == Order.Status.DELIVERED
    with time_machine.travel(T0 + timedelta(days=3, hours=1), tick=False):
        call_command("autocomplete_orders", stdout=out)
        call_command("autocomplete_orders", stdout=out)
    order.refresh_from_db()
    assert order.status == Order.Status.COMPLETED
    assert order.events.filter(kind=OrderEvent.Kind.COMPLETED).count() == 1
    assert out.getvalue().splitlines() == [
        "Auto-completed 0 delivered orders.",
        "Auto-completed 1 delivered order.",
        "Auto-completed 0 delivered orders.",
    ]
