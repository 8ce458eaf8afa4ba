"""The order steps a dispute adds to marketplace's state machine (marketplace.order_flow).

Either party may put an order that is being worked on, delivered or in revision on hold by
disputing it; only the system (a reviewer's resolution) takes it out again, to the status the
resolution decides. Registered from DisputesConfig.ready; `add_transition` refuses to change
a step another app already defined.
"""

from __future__ import annotations

from disputes.models import Outcome
from marketplace.models import Order, OrderEvent
from marketplace.order_flow import EITHER_PARTY, SYSTEM, Transition, add_transition

Status = Order.Status

DISPUTE = "dispute"  # "You cannot dispute an order that is completed."
DISPUTABLE_STATUSES = (Status.IN_PROGRESS, Status.DELIVERED, Status.REVISION_REQUESTED)


def resolve_action(resolution: str) -> str:
    """The order action that carries out a resolution (an Outcome value)."""
    return f"resolve_{resolution}"


# A reviewer's decision -> the status the order ends in.
RESOLUTION_STATUS = {
    Outcome.RELEASE: Status.COMPLETED,
    Outcome.REFUND: Status.CANCELLED,
    Outcome.PARTIAL_REFUND: Status.COMPLETED,
    Outcome.CANCEL: Status.CANCELLED,
    Outcome.MORE_TIME: Status.IN_PROGRESS,
}


def register() -> None:
    for status in DISPUTABLE_STATUSES:
        add_transition(
            status, DISPUTE, Transition(Status.DISPUTED, EITHER_PARTY, OrderEvent.Kind.DISPUTED)
        )
    for resolution, to_status in RESOLUTION_STATUS.items():
        add_transition(
            Status.DISPUTED,
            resolve_action(resolution),
            Transition(to_status, SYSTEM, OrderEvent.Kind.RESOLVED),
        )
