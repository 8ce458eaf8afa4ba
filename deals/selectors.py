"""Reads of deals, already filtered by who may see them, and the protocol's offer object.

Outsiders get the same answer for "not found" and "not yours": the `*_for_user` helpers
raise Http404 for both.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from django.db.models import Avg, Count, Exists, F, OuterRef, Q, QuerySet, Subquery
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from config.security import refused
from deals.models import Offer, ResponseStats, Review, SavedReply
from deals.responsiveness import LOOKBACK, Opening
from inbox.chain import format_timestamp
from inbox.models import Conversation, Message
from inbox.selectors import inbox_page, is_blocked
from marketplace.models import AwayPeriod, Gig, Order, User

__all__ = [
    "REVIEW_WINDOW",
    "offer_object",
    "selected_offer_object",
    "offer_for_user",
    "offers_in_conversation",
    "pending_offers_sent",
    "visible_reviews",
    "rating_summary",
    "order_for_review",
    "orders_awaiting_review",
    "saved_replies_of",
    "saved_reply_for_user",
    "openings_of",
    "blocked_between",
    "reviews_of_seller",
    "reviews_of_gig",
    "reviews_of_order",
    "seller_dashboard",
]

# Both sides review within this time after completion; each review stays hidden until the
# other side has reviewed too or the window has closed, so nobody answers a review in kind.
REVIEW_WINDOW = timedelta(days=10)


# Offers -------------------------------------------------------------------------------------


def _money(amount: Decimal | str) -> str:
    return f"{Decimal(amount):.2f}"


def offer_object(offer: Offer, *, now: datetime) -> dict[str, object]:
    """The protocol's offer object (docs/protocol.md, `offer.updated`); no query needed."""
    return {
        "id": offer.pk,
        "conversation_id": offer.conversation_id,
        "message_id": offer.message_id,
        "seller_id": offer.seller_id,
        "buyer_id": offer.buyer_id,
        "gig_id": offer.gig_id,
        "title": offer.title,
        "description": offer.description,
        "price": _money(offer.price),
        "delivery_days": offer.delivery_days,
        "revisions": offer.revisions,
        "milestones": [
            {
                "title": str(m["title"]),
                "amount": _money(m["amount"]),
                "due_days": int(m["due_days"]),
            }
            for m in offer.milestones
        ],
        "expires_at": format_timestamp(offer.expires_at),
        "status": offer.status_at(now),
        "order": None
        if offer.order_id is None
        else {
            "id": offer.order_id,
            "reference": f"GB-{offer.order_id:06d}",
            "url": reverse("marketplace:order", kwargs={"pk": offer.order_id}),
        },
        "url": offer.get_absolute_url(),
    }


def selected_offer_object(message: Message) -> dict[str, object] | None:
    """The custom offer a system message announces (Offer.message), read only when it was
    selected with the message (inbox.selectors `_messages`), so serializing never costs a
    query. The inbox's `offer` message extra (inbox.extensions, DealsConfig.ready)."""
    if message.kind != Message.Kind.SYSTEM or not Message.offer.is_cached(message):
        return None
    offer = Message.offer.related.get_cached_value(message)
    if offer is None:
        return None
    return offer_object(offer, now=timezone.now())


def offer_for_user(*, pk: int, user: User) -> Offer:
    """An offer its seller or buyer may see; 404 for anybody else."""
    offer = None
    if user.is_authenticated:
        offer = (
            Offer.objects.filter(Q(seller=user) | Q(buyer=user), pk=pk)
            .select_related("conversation")
            .first()
        )
    if offer is None:
        refused("offer", pk)
        raise Http404("No such offer.")
    return offer


def offers_in_conversation(conversation: Conversation) -> list[Offer]:
    """Every offer of a conversation (the caller has checked that the user takes part)."""
    return list(Offer.objects.filter(conversation=conversation).order_by("created_at", "pk"))


def pending_offers_sent(seller: User, *, now: datetime) -> QuerySet[Offer]:
    """The seller's offers still waiting for an answer (not expired by the clock either)."""
    return (
        Offer.objects.filter(seller=seller, status=Offer.Status.PENDING, expires_at__gt=now)
        .select_related("buyer__seller_profile")
        .order_by("expires_at", "pk")
    )


def blocked_between(first_id: int, second_id: int) -> bool:
    """Either has blocked the other: no offers between them (the inbox's one rule for blocks)."""
    return is_blocked(first_id, second_id)


# Reviews ------------------------------------------------------------------------------------


def visible_reviews(*, now: datetime) -> QuerySet[Review]:
    """Reviews anyone may read: both sides have reviewed, or the review window has closed."""
    other_side = Review.objects.filter(order=OuterRef("order")).exclude(side=OuterRef("side"))
    return Review.objects.filter(
        Q(Exists(other_side)) | Q(order__closed_at__lte=now - REVIEW_WINDOW)
    )


def reviews_of_seller(seller: User, *, now: datetime) -> QuerySet[Review]:
    return visible_reviews(now=now).filter(subject=seller, side=Review.Side.BUYER)


def reviews_of_gig(gig: Gig, *, now: datetime) -> QuerySet[Review]:
    return visible_reviews(now=now).filter(order__gig=gig, side=Review.Side.BUYER)


@dataclass(frozen=True)
class RatingSummary:
    average: Decimal | None  # one decimal, None without reviews
    count: int


def rating_summary(reviews: QuerySet[Review]) -> RatingSummary:
    """Average and count of `reviews` in one aggregate query."""
    figures = reviews.order_by().aggregate(average=Avg("rating"), count=Count("pk"))
    average = figures["average"]
    return RatingSummary(
        average=None if average is None else Decimal(str(average)).quantize(Decimal("0.1")),
        count=figures["count"],
    )


def order_for_review(*, pk: int, user: User) -> Order:
    """An order its buyer or seller may review (or read the reviews of); 404 for others."""
    order = Order.objects.select_related("buyer", "seller__seller_profile").filter(pk=pk).first()
    if order is None or not user.is_authenticated or not order.is_party(user):
        refused("order", pk)
        raise Http404("No such order.")
    return order


def orders_awaiting_review(user: User, *, now: datetime) -> QuerySet[Order]:
    """Completed orders of `user` inside the review window that `user` has not reviewed."""
    mine = Review.objects.filter(order=OuterRef("pk"), author=user)
    return (
        Order.objects.filter(
            Q(buyer=user) | Q(seller=user),
            status=Order.Status.COMPLETED,
            closed_at__gt=now - REVIEW_WINDOW,
        )
        .exclude(Exists(mine))
        .select_related("buyer", "seller__seller_profile")
        .order_by("closed_at", "pk")
    )


# Saved replies ------------------------------------------------------------------------------


def saved_replies_of(user: User) -> QuerySet[SavedReply]:
    return SavedReply.objects.filter(user=user)


def saved_reply_for_user(*, pk: int, user: User) -> SavedReply:
    reply = SavedReply.objects.filter(pk=pk, user_id=user.pk).first()
    if reply is None:
        refused("saved_reply", pk)
        raise Http404("No such saved reply.")
    return reply


# Responsiveness -----------------------------------------------------------------------------


def openings_of(seller: User, *, now: datetime) -> list[Opening]:
    """The openings of the seller's new conversations over the look-back period, in one query.

    A new conversation is a general one (an order's thread opens with a system message)
    whose first user message is from the other person; the answer is the seller's first
    user message in it, which can only come after. An opening that came while the seller
    was away (marketplace AwayPeriod) is not judged: response clocks pause then.
    """
    user_messages = Message.objects.filter(conversation=OuterRef("pk"), kind=Message.Kind.USER)
    first = user_messages.order_by("seq")
    rows = (
        Conversation.objects.filter(Q(user_a=seller) | Q(user_b=seller), order__isnull=True)
        .annotate(
            first_sender=Subquery(first.values("sender_id")[:1]),
            asked_at=Subquery(first.values("created_at")[:1]),
            answered_at=Subquery(first.filter(sender=seller).values("created_at")[:1]),
        )
        .filter(asked_at__gte=now - LOOKBACK)
        .exclude(first_sender=seller.pk)
        .exclude(
            Exists(
                AwayPeriod.objects.filter(
                    seller=seller,
                    started_at__lte=OuterRef("asked_at"),
                    ends_at__gt=OuterRef("asked_at"),
                )
            )
        )
        .values_list("asked_at", "answered_at")
    )
    return [Opening(asked_at=asked, answered_at=answered) for asked, answered in rows]


def reviews_of_order(order: Order, *, viewer: User, now: datetime) -> list[Review]:
    """The order's reviews the viewer may read: the visible ones, and always their own."""
    reviews = Review.objects.filter(order=order).filter(
        Q(pk__in=visible_reviews(now=now).filter(order=order).values("pk")) | Q(author=viewer)
    )
    return list(reviews.select_related("author__seller_profile"))


# The seller dashboard -----------------------------------------------------------------------

# Orders whose due date matters: the seller owes work on them.
WORKING_STATUSES = (Order.Status.IN_PROGRESS, Order.Status.REVISION_REQUESTED)
DASHBOARD_ROWS = 20


@dataclass(frozen=True)
class DashboardOrder:
    order: Order
    overdue: bool


@dataclass(frozen=True)
class DashboardConversation:
    summary: dict[str, object]  # the inbox summary
    about: str  # "<reference> · <order title>" for an order's thread, else the gig's title, or ""


@dataclass(frozen=True)
class SellerDashboard:
    active_orders: list[DashboardOrder]
    unread: list[DashboardConversation]
    pending_offers: list[Offer]
    stats: ResponseStats | None
    to_review: list[Order]

    @property
    def overdue_count(self) -> int:
        return sum(1 for row in self.active_orders if row.overdue)


def _unread_conversations(seller: User) -> list[DashboardConversation]:
    """The unread threads with what each is about (a name alone says little to a busy seller)."""
    summaries = inbox_page(seller, filter="unread", limit=DASHBOARD_ROWS).summaries()
    order_ids = [summary["order_id"] for summary in summaries if summary["order_id"]]
    orders = {
        order.pk: f"{order.reference} · {order.title}"
        for order in Order.objects.filter(pk__in=order_ids).only("pk", "title")
    }
    return [
        DashboardConversation(
            summary, orders.get(summary["order_id"]) or (summary["gig"] or {}).get("title", "")
        )
        for summary in summaries
    ]


def seller_dashboard(seller: User, *, now: datetime) -> SellerDashboard:
    """What a seller has to act on, one query per block."""
    orders = (
        Order.objects.filter(seller=seller, status__in=Order.ACTIVE_STATUSES)
        .select_related("buyer")
        .order_by(F("due_at").asc(nulls_last=True), "created_at")[:DASHBOARD_ROWS]
    )
    return SellerDashboard(
        active_orders=[
            DashboardOrder(
                o, overdue=o.status in WORKING_STATUSES and o.due_at is not None and o.due_at < now
            )
            for o in orders
        ],
        unread=_unread_conversations(seller),
        pending_offers=list(pending_offers_sent(seller, now=now)[:DASHBOARD_ROWS]),
        stats=ResponseStats.objects.filter(seller=seller).first(),
        to_review=list(orders_awaiting_review(seller, now=now)[:DASHBOARD_ROWS]),
    )
