"""The order state machine: which action may move an order from which status, and who may do it.

This table is the one place the rules live. Services look a step up here before they change
anything; other apps (disputes) add their steps with `add_transition`. An action that is
not in the table for the order's current status, or that the user's side of the order may
not take, raises OrderTransitionError and nothing changes.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from marketplace.models import Order, OrderEvent, User

Status = Order.Status
Kind = OrderEvent.Kind


class Action(StrEnum):
    SUBMIT_REQUIREMENTS = "submit_requirements"
    DELIVER = "deliver"
    ACCEPT = "accept"
    AUTO_COMPLETE = "auto_complete"
    REQUEST_REVISION = "request_revision"
    CANCEL = "cancel"
    # The seller stayed suspended (marketplace.seller_suspension): cancelled with a refund.
    CANCEL_SELLER_SUSPENDED = "cancel_seller_suspended"


class Side(StrEnum):
    """Who acts: one of the two parties, or the system (a scheduled job, a staff decision)."""

    BUYER = "buyer"
    SELLER = "seller"
    SYSTEM = "system"


@dataclass(frozen=True)
class Transition:
    to_status: str
    allowed: frozenset[Side]
    event: str  # OrderEvent.Kind written when the step is taken


BUYER = frozenset({Side.BUYER})
SELLER = frozenset({Side.SELLER})
SYSTEM = frozenset({Side.SYSTEM})
EITHER_PARTY = frozenset({Side.BUYER, Side.SELLER})

TRANSITIONS: dict[tuple[str, str], Transition] = {
    (Status.PENDING_REQUIREMENTS, Action.SUBMIT_REQUIREMENTS): Transition(
        Status.IN_PROGRESS, BUYER, Kind.REQUIREMENTS_SENT
    ),
    (Status.IN_PROGRESS, Action.DELIVER): Transition(Status.DELIVERED, SELLER, Kind.DELIVERED),
    (Status.REVISION_REQUESTED, Action.DELIVER): Transition(
        Status.DELIVERED, SELLER, Kind.DELIVERED
    ),
    (Status.DELIVERED, Action.ACCEPT): Transition(Status.COMPLETED, BUYER, Kind.COMPLETED),
    (Status.DELIVERED, Action.AUTO_COMPLETE): Transition(Status.COMPLETED, SYSTEM, Kind.COMPLETED),
    (Status.DELIVERED, Action.REQUEST_REVISION): Transition(
        Status.REVISION_REQUESTED, BUYER, Kind.REVISION_REQUESTED
    ),
    # The buyer may walk away only before work starts; the seller may withdraw until delivery.
    (Status.PENDING_REQUIREMENTS, Action.CANCEL): Transition(
        Status.CANCELLED, EITHER_PARTY, Kind.CANCELLED
    ),
    (Status.IN_PROGRESS, Action.CANCEL): Transition(Status.CANCELLED, SELLER, Kind.CANCELLED),
    (Status.REVISION_REQUESTED, Action.CANCEL): Transition(
        Status.CANCELLED, SELLER, Kind.CANCELLED
    ),
    **{
        (status, Action.CANCEL_SELLER_SUSPENDED): Transition(
            Status.CANCELLED, SYSTEM, Kind.CANCELLED
        )
        for status in (Status.PENDING_REQUIREMENTS, Status.IN_PROGRESS, Status.REVISION_REQUESTED)
    },
}

_ACTION_WORDS = {
    Action.SUBMIT_REQUIREMENTS: "send requirements for",
    Action.DELIVER: "deliver",
    Action.ACCEPT: "accept",
    Action.AUTO_COMPLETE: "complete",
    Action.REQUEST_REVISION: "request a revision of",
    Action.CANCEL: "cancel",
    Action.CANCEL_SELLER_SUSPENDED: "cancel",
}


class OrderTransitionError(Exception):
    """An order step that is not allowed now, or not to this user; the message says why."""


def add_transition(from_status: str, action: str, transition: Transition) -> None:
    """Register a step owned by another app (e.g. opening a dispute); refuses to overwrite one."""
    key = (from_status, action)
    if key in TRANSITIONS and TRANSITIONS[key] != transition:
        raise ValueError(f"transition {key} is already defined")
    TRANSITIONS[key] = transition


def side_of(order: Order, user: User | None) -> Side | None:
    if user is None:
        return Side.SYSTEM
    if user.pk == order.buyer_id:
        return Side.BUYER
    if user.pk == order.seller_id:
        return Side.SELLER
    return None


def allowed_actions(order: Order, user: User | None) -> set[str]:
    """The actions `user` may take on `order` right now (the order page shows these buttons)."""
    side = side_of(order, user)
    return {
        action
        for (status, action), step in TRANSITIONS.items()
        if status == order.status and side in step.allowed
    }


def check_transition(order: Order, action: str, user: User | None) -> Transition:
    """The step for `action` on `order` by `user`, or OrderTransitionError saying why not."""
    words = _ACTION_WORDS.get(action, action.replace("_", " "))
    side = side_of(order, user)
    if side is None:
        raise OrderTransitionError(
            f"Only the buyer or the seller of {order.reference} can do that."
        )
    step = TRANSITIONS.get((order.status, action))
    if step is None:
        raise OrderTransitionError(
            f"You cannot {words} an order that is {order.get_status_display().lower()}."
        )
    if side not in step.allowed:
        who = " or ".join(sorted(s.value for s in step.allowed))
        raise OrderTransitionError(
            f"Only the {who} can {words} an order that is {order.get_status_display().lower()}."
        )
    return step
