"""The inbox thread's side panel: your orders and offers with the person you are talking to,
each with its status, due time and your next step as a button.

Deals owns it because it spans orders (marketplace), offers and reviews (deals) and the
order threads (inbox); the inbox page includes it through the `person_panel` template tag.
Constant queries: orders, their threads, the ones awaiting your review, pending offers.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Q
from django.urls import reverse

from config import clock
from deals import selectors
from deals.models import Offer
from inbox.extensions import ComposerAction
from inbox.models import Conversation, Participant
from marketplace.models import Gig, Order, User

ORDERS_SHOWN = 10
OFFERS_SHOWN = 5

__all__ = ["NextStep", "OrderLine", "Panel", "offer_composer_actions", "panel_for"]


@dataclass(frozen=True)
class NextStep:
    label: str
    url: str
    post: bool = False  # a one-click action (a form posting to url), else a link


@dataclass(frozen=True)
class OrderLine:
    order: Order
    thread_url: str | None
    steps: list[NextStep]
    due_at: datetime | None
    unread: int = 0  # in the order's own thread: the panel shows where the row's count lies


@dataclass(frozen=True)
class Panel:
    other: User
    orders: list[OrderLine]
    offers: list[Offer]


def _steps(order: Order, user: User, *, awaiting_review: bool) -> list[NextStep]:
    """What `user` can do next on `order`, as the order page offers it."""
    url = order.get_absolute_url()
    buyer = order.buyer_id == user.pk
    status = order.status
    S = Order.Status
    if buyer and status == S.PENDING_REQUIREMENTS:
        return [NextStep("Send the requirements", url + "#req-title")]
    if not buyer and status in (S.IN_PROGRESS, S.REVISION_REQUESTED):
        return [NextStep("Deliver", url + "#deliver-title")]
    if buyer and status == S.DELIVERED:
        return [
            NextStep("Accept delivery", reverse("marketplace:order_accept", args=[order.pk]), True),
            NextStep("Ask for a revision", url + "#review-title"),
        ]
    if status == S.COMPLETED and awaiting_review:
        return [NextStep("Leave a review", reverse("deals:order_review", args=[order.pk]))]
    return []


def panel_for(user: User, conversation: Conversation, *, other: User | None = None) -> Panel:
    """`other`: the other participant when the page has loaded them already."""
    other_id = conversation.other_user_id(user.pk)
    if other is None or other.pk != other_id:
        other = User.objects.select_related("seller_profile").get(pk=other_id)
    between = Q(buyer=user, seller_id=other_id) | Q(buyer_id=other_id, seller=user)
    orders = list(Order.objects.filter(between).order_by("-created_at", "-pk")[:ORDERS_SHOWN])
    ids = [order.pk for order in orders]
    threads: dict[int, int] = {}
    unread: dict[int, int] = {}
    for order_id, thread_id, last_seq, read in Participant.objects.filter(
        user=user, conversation__order_id__in=ids
    ).values_list(
        "conversation__order_id", "conversation_id", "conversation__last_seq", "last_read_seq"
    ):
        threads[order_id] = thread_id
        unread[order_id] = max(last_seq - read, 0)
    to_review = set(
        selectors.orders_awaiting_review(user, now=clock.now())
        .filter(pk__in=ids)
        .values_list("pk", flat=True)
    )
    lines = [
        OrderLine(
            order=order,
            thread_url=reverse("inbox:thread", args=[threads[order.pk]])
            if order.pk in threads
            else None,
            steps=_steps(order, user, awaiting_review=order.pk in to_review),
            due_at=order.due_at if order.status in Order.ACTIVE_STATUSES else None,
            unread=unread.get(order.pk, 0),
        )
        for order in orders
    ]
    offers = list(
        Offer.objects.filter(
            between, status=Offer.Status.PENDING, expires_at__gt=clock.now()
        ).order_by("-pk")[:OFFERS_SHOWN]
    )
    return Panel(other=other, orders=lines, offers=offers)


def offer_composer_actions(*, user: User, conversation: Conversation) -> list[ComposerAction]:
    """ "Create an offer" beside the composer for a seller with an active gig talking to an
    active person (the checks send_offer makes before anything else)."""
    if not user.is_seller or conversation.order_id is not None:
        return []
    if not Gig.objects.filter(seller=user, status=Gig.Status.ACTIVE).exists():
        return []
    other = User.objects.filter(pk=conversation.other_user_id(user.pk), is_active=True)
    if not other.exists() or selectors.blocked_between(
        user.pk, conversation.other_user_id(user.pk)
    ):
        return []
    url = reverse("deals:offer_new", args=[conversation.pk])
    return [ComposerAction("Create an offer", url, "Offer")]
