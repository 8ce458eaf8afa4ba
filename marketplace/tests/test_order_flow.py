"""The transition table: every allowed step, and that everything else is refused."""

from __future__ import annotations

import pytest

from marketplace.models import Order
from marketplace.order_flow import (
    TRANSITIONS,
    Action,
    OrderTransitionError,
    Transition,
    add_transition,
    allowed_actions,
    check_transition,
)

S = Order.Status


def test_buyer_may_cancel_or_send_requirements_while_pending(order, bob):
    assert allowed_actions(order, bob) & set(Action) == {Action.SUBMIT_REQUIREMENTS, Action.CANCEL}


def test_seller_may_only_cancel_while_pending(order, alice):
    assert allowed_actions(order, alice) & set(Action) == {Action.CANCEL}


def test_a_stranger_may_do_nothing(order, charlie):
    assert allowed_actions(order, charlie) == set()
    with pytest.raises(OrderTransitionError, match="Only the buyer or the seller"):
        check_transition(order, Action.CANCEL, charlie)


@pytest.mark.parametrize(
    ("status", "buyer_actions", "seller_actions"),
    [
        (S.IN_PROGRESS, set(), {Action.DELIVER, Action.CANCEL}),
        (S.DELIVERED, {Action.ACCEPT, Action.REQUEST_REVISION}, set()),
        (S.REVISION_REQUESTED, set(), {Action.DELIVER, Action.CANCEL}),
        (S.COMPLETED, set(), set()),
        (S.CANCELLED, set(), set()),
        (S.DISPUTED, set(), set()),
    ],
)
def test_each_status_offers_each_side_its_actions(
    order, alice, bob, status, buyer_actions, seller_actions
):
    order.status = status
    # Only the marketplace's own actions: other apps (disputes) add theirs to the table.
    assert allowed_actions(order, bob) & set(Action) == buyer_actions
    assert allowed_actions(order, alice) & set(Action) == seller_actions


def test_the_error_names_the_status(order, bob):
    order.status = S.COMPLETED
    with pytest.raises(OrderTransitionError, match="cannot cancel an order that is completed"):
        check_transition(order, Action.CANCEL, bob)


def test_the_error_names_who_may_act(order, bob):
    order.status = S.IN_PROGRESS
    with pytest.raises(OrderTransitionError, match="Only the seller can deliver"):
        check_transition(order, Action.DELIVER, bob)


def test_only_the_system_auto_completes(order, bob):
    order.status = S.DELIVERED
    assert check_transition(order, Action.AUTO_COMPLETE, None).to_status == S.COMPLETED
    with pytest.raises(OrderTransitionError):
        check_transition(order, Action.AUTO_COMPLETE, bob)


def test_other_apps_can_add_a_step_but_not_overwrite_one():
    key = (S.DELIVERED, "test_dispute")
    step = Transition(S.DISPUTED, frozenset(), "disputed")
    try:
        add_transition(*key, step)
        assert TRANSITIONS[key] == step
        with pytest.raises(ValueError):
            add_transition(S.DELIVERED, Action.ACCEPT, step)
    finally:
        TRANSITIONS.pop(key, None)
