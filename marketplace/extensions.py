"""Where the apps above the marketplace act on its orders (a named extension point, no signal).

Order event listeners: `marketplace.services._record_event` calls every listener with each
timeline entry it writes (placed, delivered, completed, a dispute's steps ...), inside the same
transaction, so the entry and whatever a listener writes are stored together or not at all.
Filled by: inbox (`InboxConfig.ready`: `inbox.order_events.post_order_event`, the entry as a
system message in the order's conversation).

Staff order reads (`add_staff_order_read_recorder`): a staff member who is not a party and
opens an order page (requirements, deliveries, revision notes) or downloads a delivered file
is recorded first, with their reason; a recorder refuses with PermissionDenied or
ValidationError (a reason too short), and with none registered the read is refused. Filled by
moderation (the staff access log).

The order state machine's own extension point is `marketplace.order_flow.add_transition`.
"""

from __future__ import annotations

from typing import Protocol

from django.core.exceptions import PermissionDenied

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


# Staff order reads ---------------------------------------------------------------------------


class StaffOrderReadRecorder(Protocol):
    def __call__(self, *, staff, order: Order, action: str, reason: str, what: str) -> object: ...


_staff_order_read_recorders: list[StaffOrderReadRecorder] = []


def add_staff_order_read_recorder(recorder: StaffOrderReadRecorder) -> None:
    if recorder not in _staff_order_read_recorders:
        _staff_order_read_recorders.append(recorder)


def record_staff_order_read(*, staff, order: Order, action: str, reason: str, what: str) -> None:
    """Record a staff read of `order` (`action`: "order_page" or "delivery_file"; `what`
    names the file) before it is shown; PermissionDenied when nothing can record it."""
    if not _staff_order_read_recorders:
        raise PermissionDenied("No staff access log is installed.")
    for recorder in _staff_order_read_recorders:
        recorder(staff=staff, order=order, action=action, reason=reason, what=what)
