"""What a seller's suspension does to their open orders (docs/moderation.md, "When a seller
is suspended").

- When the suspension starts (moderation calls `tell_buyers` in its transaction), every open
  order gets a "Seller suspended" timeline entry, which the inbox posts as a system line in
  the order's thread, and its buyer an email saying what happens next.
- `cancel_orders_of_suspended_sellers` (manage.py cancel_suspended_orders, every hour) cancels
  with a full refund, in the simulated payments, each order not yet delivered whose seller is
  still suspended GRACE after that entry. Delivered orders are left as they are: the buyer
  accepts the work or opens a dispute, which a dispute reviewer decides.
- When the suspension ends early (lifted by a moderator, or an appeal upheld), moderation
  posts `reinstated_text` in each open order's thread and emails it to the buyer: the
  cancellation above no longer applies, as it only takes orders whose seller is suspended.

The marketplace reads only User.suspended_until; it knows nothing of moderation.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import OuterRef, Subquery

from config import clock
from core.timestamps import localize_stamps, stamp
from marketplace.models import Order, OrderEvent, User, has_no_end
from marketplace.order_flow import Action
from marketplace.services import _apply, _record_event
from marketplace.time_zones import zone_of

logger = logging.getLogger(__name__)

__all__ = [
    "GRACE",
    "tell_buyers",
    "cancel_orders_of_suspended_sellers",
    "open_orders",
    "reinstated_text",
    "record_reinstated",
    "lifted_suspensions",
    "email_buyer",
]

GRACE = timedelta(days=3)
# Orders still waiting for the seller's work: cancelled and refunded if the suspension holds.
CANCELLABLE = (
    Order.Status.PENDING_REQUIREMENTS,
    Order.Status.IN_PROGRESS,
    Order.Status.REVISION_REQUESTED,
)
OPEN = (*CANCELLABLE, Order.Status.DELIVERED, Order.Status.DISPUTED)


def _what_happens_next(
    order: Order, seller: User, now: datetime, when: Callable[[datetime], str]
) -> str:
    """The rule in words; `when` writes a time (a stamp that each reader's page or email
    shows in their zone)."""
    until = (
        "until further notice"
        if has_no_end(seller.suspended_until)
        else f"until {when(seller.suspended_until)}"
    )
    head = f"The seller of {order.reference} is suspended {until} and cannot work on it."
    if order.status in CANCELLABLE:
        return (
            f"{head} If the suspension still holds on {when(now + GRACE)}, the order is "
            f"cancelled and the buyer gets a full refund of ${order.price} (simulated payment)."
        )
    if order.status == Order.Status.DELIVERED:
        return (
            f"{head} The work was already delivered: the buyer can accept it, or open a "
            "dispute and a dispute reviewer decides."
        )
    return f"{head} A dispute reviewer decides the open dispute as usual."


def open_orders(seller: User) -> list[Order]:
    """The seller's orders still open, with their buyers."""
    return list(Order.objects.filter(seller=seller, status__in=OPEN).select_related("buyer"))


def reinstated_text(order: Order) -> str:
    """The line for the buyer (thread and email) when the seller's suspension ends early."""
    head = f"The seller of {order.reference} is no longer suspended and can work on it again."
    if order.status in CANCELLABLE:
        return f"{head} The order will not be cancelled: it goes on as before."
    if order.status == Order.Status.DELIVERED:
        return f"{head} The buyer can accept the delivered work or ask for a revision as usual."
    return f"{head} A dispute reviewer still decides the open dispute."


def tell_buyers(*, seller: User) -> int:
    """Tell the buyers of `seller`'s open orders that the seller is suspended and what happens
    next: a timeline entry (a system line in the order's thread) now, an email after commit.
    Runs in the caller's transaction; returns how many orders were told."""
    now = clock.now()
    seller.refresh_from_db(fields=["suspended_until"])
    told = 0
    for order in open_orders(seller):
        line = _what_happens_next(order, seller, now, stamp)
        _record_event(order, OrderEvent.Kind.SELLER_SUSPENDED, None, line)
        transaction.on_commit(lambda order=order, text=line: email_buyer(order, text))
        told += 1
    return told


def record_reinstated(order: Order) -> str:
    """The seller's suspension ended early: a "Seller reinstated" timeline entry (and, through
    the order event listeners, its line in the order's thread); returns its text. The order
    page then marks the earlier "Seller suspended" entry as no longer applying."""
    text = reinstated_text(order)
    _record_event(order, OrderEvent.Kind.SELLER_REINSTATED, None, text)
    return text


def lifted_suspensions(events: list[OrderEvent]) -> dict[int, OrderEvent]:
    """For each "Seller suspended" entry of a timeline (oldest first) that a later "Seller
    reinstated" entry ended: that entry, by the suspended entry's id."""
    ended: dict[int, OrderEvent] = {}
    pending: list[OrderEvent] = []
    for event in events:
        if event.kind == OrderEvent.Kind.SELLER_SUSPENDED:
            pending.append(event)
        elif event.kind == OrderEvent.Kind.SELLER_REINSTATED:
            ended.update((suspended.pk, event) for suspended in pending)
            pending = []
    return ended


def email_buyer(order: Order, text: str, *, subject: str = "the seller is suspended") -> None:
    """Email `text` about the seller to the order's buyer (after commit: the caller's job), its
    stamps written in the buyer's zone, named."""
    if not order.buyer.email:
        return
    text = localize_stamps(text, zone_of(order.buyer), name_zone=True)
    link = settings.SITE_URL + order.get_absolute_url()
    try:
        send_mail(
            subject=f"[Gigbox] {order.reference}: {subject}",
            message=f"Hello {order.buyer.username},\n\n{text}\n\nYour order: {link}\n\nGigbox",
            from_email=None,
            recipient_list=[order.buyer.email],
        )
    except Exception:  # the timeline entry is stored; a mail outage must not undo it
        logger.exception("seller email (%s) for %s failed", subject, order.reference)


def cancel_orders_of_suspended_sellers(*, now: datetime | None = None) -> int:
    """Cancel, with a full refund, every order not yet delivered whose seller was suspended
    more than GRACE ago (the order's latest "Seller suspended" entry) and still is. Each
    order in its own transaction under its row lock; returns how many were cancelled."""
    now = now or clock.now()
    told_at = (
        OrderEvent.objects.filter(order=OuterRef("pk"), kind=OrderEvent.Kind.SELLER_SUSPENDED)
        .order_by("-created_at")
        .values("created_at")[:1]
    )
    due = (
        Order.objects.filter(status__in=CANCELLABLE, seller__suspended_until__gt=now)
        .annotate(told_at=Subquery(told_at))
        .filter(told_at__lte=now - GRACE)
    )
    cancelled = 0
    for pk in due.values_list("pk", flat=True):
        with transaction.atomic():
            order = Order.objects.select_for_update().select_related("seller").get(pk=pk)
            if order.status not in CANCELLABLE or not order.seller.is_suspended(now):
                continue
            note = (
                f"The seller is still suspended {GRACE.days} days later: the order is cancelled "
                f"and the buyer gets a full refund of ${order.price} (simulated payment)."
            )
            _apply(
                order,
                Action.CANCEL_SELLER_SUSPENDED,
                None,
                note,
                refunded_amount=order.price,
                closed_at=now,
            )
            cancelled += 1
    logger.info("cancelled %d orders of suspended sellers", cancelled)
    return cancelled
