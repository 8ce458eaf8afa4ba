"""Where the apps above the marketplace act on its orders (a named extension point, no signal).

Order event listeners: `marketplace.services._record_event` calls every listener with each
timeline entry it writes (placed, delivered, completed, a dispute's steps ...), inside the same
transaction, so the entry and whatever a listener writes are stored together or not at all.
Filled by: inbox (`InboxConfig.ready`: `inbox.order_events.post_order_event`, the entry as a
system message in the order's conversation).

The order state machine's own extension point is `marketplace.order_flow.add_transition`.
"""

from __future__ import annotations

from typing import Protocol

from marketplace.models import Order, OrderEvent


class OrderEventListener(Protocol):
    def __call__(self, *, order: Order, event: OrderEvent) -> object: ...


_order_event_listeners: list[OrderEventListener] = []


def add_order_event_listener(listener: OrderEventListener) -> None:
    """Register `listener(order=, event=)`; registering the same one twice keeps one."""
    if listener not in _order_event_listeners:
        _order_event_listeners.append(listener)


def order_event_recorded(*, order: Order, event: OrderEvent) -> None:
    """Called by the marketplace inside the transaction that stored `event`."""
    for listener in _order_event_listeners:
        listener(order=order, event=event)


def order_event_listeners() -> tuple[OrderEventListener, ...]:
    """The registered listeners, in registration order (for tests and diagnostics)."""
    return tuple(_order_event_listeners)
