"""Every write of deals: custom offers, reviews, saved replies and response figures.

Each function is keyword-only, runs in one transaction and calls full_clean before it
saves: bad input raises ValidationError, a step that is not allowed raises DealError, and
in both cases nothing is written. Offer steps post a system message into the conversation
(the evidence, in words) and push `offer.updated` to both parties after commit.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from config import clock
from core.timestamps import stamp
from deals.models import Offer, ResponseStats, Review, SavedReply
from deals.reputation import refresh_reputation
from deals.responsiveness import response_figures
from deals.selectors import REVIEW_WINDOW, blocked_between, offer_object, openings_of
from inbox.checks import SendError, check_sender_sanctions, is_account_suspended
from inbox.frames import offer_updated_frame
from inbox.models import Conversation
from inbox.push import push_frames
from inbox.ratelimit import RateLimiterUnavailable, admit_sends
from inbox.selectors import is_blocked
from inbox.send import post_system_message
from marketplace.models import Gig, Order, User
from marketplace.order_flow import OrderTransitionError
from marketplace.services import place_custom_order
from marketplace.validators import reject_contact_details

logger = logging.getLogger(__name__)

__all__ = [
    "DealError",
    "MilestoneData",
    "send_offer",
    "accept_offer",
    "decline_offer",
    "withdraw_offer",
    "expire_offers",
    "submit_review",
    "create_saved_reply",
    "update_saved_reply",
    "delete_saved_reply",
    "update_response_stats",
    "update_all_response_stats",
]

MAX_MILESTONES = 3
MILESTONE_TITLE_CHARS = 80
MAX_EXPIRY_DAYS = 30
MAX_SAVED_REPLIES = 50


class DealError(Exception):
    """A deal step that is not allowed now, or not to this user; the message says why."""


# Offers -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MilestoneData:
    title: str
    amount: Decimal
    due_days: int


def _checked_milestones(
    milestones: Sequence[MilestoneData], *, price: Decimal, delivery_days: int
) -> list[dict]:
    """The milestones as stored, or ValidationError: at most 3, titled, due in order within
    the delivery time, and their amounts add up to the price."""
    if not milestones:
        return []
    if len(milestones) > MAX_MILESTONES:
        raise ValidationError({"milestones": f"Use at most {MAX_MILESTONES} milestones."})
    stored, previous_due = [], 0
    for number, milestone in enumerate(milestones, start=1):
        title = " ".join(milestone.title.split())
        if not title or len(title) > MILESTONE_TITLE_CHARS:
            raise ValidationError(
                {
                    "milestones": f"Milestone {number} needs a title of 1 to "
                    f"{MILESTONE_TITLE_CHARS} characters."
                }
            )
        reject_contact_details(title)
        try:
            amount = Decimal(milestone.amount).quantize(Decimal("0.01"))
        except (InvalidOperation, TypeError, ValueError):
            raise ValidationError(
                {"milestones": f"Milestone {number}: the amount is not a number."}
            ) from None
        if amount <= 0:
            raise ValidationError(
                {"milestones": f"Milestone {number}: the amount must be more than $0."}
            )
        due = int(milestone.due_days)
        if not max(previous_due, 1) <= due <= delivery_days:
            raise ValidationError(
                {
                    "milestones": f"Milestone {number} must be due no earlier than the one "
                    f"before and within {delivery_days} days."
                }
            )
        previous_due = due
        stored.append({"title": title, "amount": str(amount), "due_days": due})
    total = sum(Decimal(m["amount"]) for m in stored)
    if total != Decimal(price).quantize(Decimal("0.01")):
        raise ValidationError(
            {"milestones": f"The milestones add up to ${total}, not the offer's price ${price}."}
        )
    return stored


def describe_offer(offer: Offer) -> str:
    """The offer in words: the body of its system message, kept as evidence."""
    seller = offer.seller.public_name
    lines = [
        f"Custom offer #{offer.pk} from {seller}: “{offer.title}” for ${offer.price:.2f}, "
        f"delivery in {offer.delivery_days} day{'s' if offer.delivery_days != 1 else ''}, "
        f"{offer.revisions} revision{'s' if offer.revisions != 1 else ''}.",
        offer.description,
    ]
    if offer.milestones:
        parts = [
            f"{i}. {m['title']}: ${m['amount']} by day {m['due_days']}"
            for i, m in enumerate(offer.milestones, 1)
        ]
        lines.append("Milestones: " + "; ".join(parts) + ".")
    lines.append(f"The offer expires {stamp(offer.expires_at)}.")
    return "\n".join(lines)


def _push_offer(offer: Offer) -> None:
    """`offer.updated` to both parties' sockets after commit (the card changes live)."""
    frame = offer_updated_frame(offer_object(offer, now=clock.now()))
    push_frames([(offer.seller_id, frame), (offer.buyer_id, frame)])


def _check_sender(conversation: Conversation, seller: User, gig: Gig) -> User:
    """The buyer the offer goes to, or DealError saying why the seller may not send it."""
    if seller.pk not in conversation.user_ids():
        raise DealError("No such conversation.")
    if not seller.is_seller:
        raise DealError("Only sellers can send custom offers.")
    if gig.seller_id != seller.pk:
        raise DealError("You can only make offers for your own gigs.")
    if gig.status != Gig.Status.ACTIVE:
        raise DealError("This gig is paused: resume it before you make an offer for it.")
    buyer = User.objects.get(pk=conversation.other_user_id(seller.pk))
    if not buyer.is_active or blocked_between(seller.pk, buyer.pk):
        raise DealError("You cannot send offers to this person.")
    try:
        check_sender_sanctions(seller)
    except SendError as error:
        raise DealError(error.message) from None
    return buyer


@transaction.atomic
def send_offer(
    *,
    conversation: Conversation,
    seller: User,
    gig: Gig,
    description: str,
    price: Decimal,
    delivery_days: int,
    revisions: int,
    milestones: Sequence[MilestoneData] = (),
    expires_in_days: int = 3,
) -> Offer:
    """A custom offer to the other participant, shown as a card in the conversation."""
    buyer = _check_sender(conversation, seller, gig)
    if not 1 <= expires_in_days <= MAX_EXPIRY_DAYS:
        raise ValidationError(
            {"expires_in_days": f"An offer stays open 1 to {MAX_EXPIRY_DAYS} days."}
        )
    offer = Offer(
        conversation=conversation,
        seller=seller,
        buyer=buyer,
        gig=gig,
        title=gig.title[:120],
        description=description.strip(),
        price=price,
        delivery_days=delivery_days,
        revisions=revisions,
        expires_at=clock.now() + timedelta(days=expires_in_days),
    )
    offer.full_clean(exclude=["milestones"])
    offer.milestones = _checked_milestones(
        milestones, price=offer.price, delivery_days=offer.delivery_days
    )
    _spend_send_budget(seller)
    offer.save()
    offer.message = post_system_message(
        conversation=conversation, body=describe_offer(offer), actor=seller
    )
    offer.save(update_fields=["message"])
    _push_offer(offer)
    return offer


def _spend_send_budget(seller: User) -> None:
    """A custom offer is a message the seller chose to send (its card is a system message):
    it counts against their send limit like one (decisions 13a)."""
    try:
        admission = admit_sends(seller.pk, 1)
    except RateLimiterUnavailable:
        raise DealError(
            "The offer could not be sent just now; nothing was sent. Try again in a moment."
        ) from None
    if not admission.admitted:
        raise DealError(admission.refusal())


def _locked_offer(offer: Offer) -> Offer:
    return (
        Offer.objects.select_for_update()
        .select_related("conversation", "seller", "buyer")
        .get(pk=offer.pk)
    )


_CLOSED_WORDS = {
    Offer.Status.ACCEPTED: "This offer has already been accepted.",
    Offer.Status.DECLINED: "This offer was declined.",
    Offer.Status.WITHDRAWN: "The seller withdrew this offer.",
    Offer.Status.EXPIRED: "This offer has expired.",
}


def _check_open(offer: Offer, user: User, *, side: str, now: datetime) -> None:
    """DealError unless `user` is the offer's `side` ("buyer" or "seller") and it is open."""
    party_id = offer.buyer_id if side == "buyer" else offer.seller_id
    if user.pk not in (offer.buyer_id, offer.seller_id):
        raise DealError("No such offer.")
    if user.pk != party_id:
        raise DealError(f"Only the {side} can do that.")
    status = offer.status_at(now)
    if status != Offer.Status.PENDING:
        raise DealError(_CLOSED_WORDS[status])


def _milestone_note(offer: Offer) -> str:
    note = f"From custom offer #{offer.pk}."
    if offer.milestones:
        note += (
            " Milestones: "
            + "; ".join(
                f"{m['title']} ${m['amount']} (day {m['due_days']})" for m in offer.milestones
            )
            + "."
        )
    return note


def _check_buyer_may_accept(offer: Offer, buyer: User) -> None:
    """DealError when the pair is blocked (either way) or the buyer's account cannot act now."""
    if is_blocked(offer.seller_id, buyer.pk):
        raise DealError("You cannot accept offers from this person.")
    if not buyer.is_active or is_account_suspended(buyer):
        raise DealError("Your account cannot place orders right now.")


def check_may_accept(*, offer: Offer, buyer: User, now: datetime | None = None) -> None:
    """DealError unless `buyer` may accept `offer` now (its checkout page asks first)."""
    _check_open(offer, buyer, side="buyer", now=now or clock.now())
    _check_buyer_may_accept(offer, buyer)


@transaction.atomic
def accept_offer(*, offer: Offer, buyer: User) -> Order:
    """The buyer takes the offer: an order on its terms, with its own conversation."""
    now = clock.now()
    locked = _locked_offer(offer)
    check_may_accept(offer=locked, buyer=buyer, now=now)
    try:
        order = place_custom_order(
            buyer=buyer,
            gig=locked.gig,
            title=locked.title,
            price=locked.price,
            delivery_days=locked.delivery_days,
            revisions=locked.revisions,
            note=_milestone_note(locked),
            milestones=locked.milestones,
        )
    except OrderTransitionError as error:
        raise DealError(str(error)) from None
    _close(
        locked,
        Offer.Status.ACCEPTED,
        now,
        f"Offer #{locked.pk} accepted — order {order.reference}.",
        actor=buyer,
        order=order,
    )
    return order


def _close(
    offer: Offer,
    status: str,
    now: datetime,
    text: str,
    *,
    actor: User | None,
    order: Order | None = None,
) -> None:
    offer.status, offer.decided_at, offer.order = status, now, order
    offer.full_clean()
    offer.save(update_fields=["status", "decided_at", "order"])
    post_system_message(conversation=offer.conversation, body=text, actor=actor)
    _push_offer(offer)


@transaction.atomic
def decline_offer(*, offer: Offer, buyer: User) -> Offer:
    locked = _locked_offer(offer)
    now = clock.now()
    _check_open(locked, buyer, side="buyer", now=now)
    _close(
        locked,
        Offer.Status.DECLINED,
        now,
        f"{buyer.public_name} declined offer #{locked.pk}.",
        actor=buyer,
    )
    return locked


@transaction.atomic
def withdraw_offer(*, offer: Offer, seller: User) -> Offer:
    locked = _locked_offer(offer)
    now = clock.now()
    _check_open(locked, seller, side="seller", now=now)
    _close(
        locked,
        Offer.Status.WITHDRAWN,
        now,
        f"{seller.public_name} withdrew offer #{locked.pk}.",
        actor=seller,
    )
    return locked


def expire_offers(*, now: datetime | None = None) -> int:
    """Mark pending offers past their expiry as expired; returns how many.

    Acceptance checks the clock itself, so this job only writes down what is already true
    and tells both sides. One transaction per offer, under its row lock, so a buyer who
    accepts at the same moment wins cleanly (then the job skips it).
    """
    now = now or clock.now()
    expired = 0
    due = Offer.objects.filter(status=Offer.Status.PENDING, expires_at__lte=now).values_list(
        "pk", flat=True
    )
    for pk in list(due):
        with transaction.atomic():
            offer = Offer.objects.select_for_update().select_related("conversation").get(pk=pk)
            if offer.status != Offer.Status.PENDING or offer.expires_at > now:
                continue  # answered meanwhile
            _close(
                offer,
                Offer.Status.EXPIRED,
                now,
                f"Offer #{offer.pk} expired without an answer.",
                actor=None,
            )
            expired += 1
    logger.info("expired %d custom offers", expired)
    return expired


# Reviews ------------------------------------------------------------------------------------


@transaction.atomic
def submit_review(*, order: Order, author: User, rating: int, text: str) -> Review:
    """One side rates the other after completion, once, within the review window."""
    order = Order.objects.select_for_update().get(pk=order.pk)
    if author.pk == order.buyer_id:
        side, subject_id = Review.Side.BUYER, order.seller_id
    elif author.pk == order.seller_id:
        side, subject_id = Review.Side.SELLER, order.buyer_id
    else:
        raise DealError("No such order.")
    now = clock.now()
    if order.status != Order.Status.COMPLETED or order.closed_at is None:
        raise DealError("You can review an order only once it is complete.")
    if now > order.closed_at + REVIEW_WINDOW:
        raise DealError(
            f"Reviews for {order.reference} closed on {order.closed_at + REVIEW_WINDOW:%Y-%m-%d}."
        )
    if Review.objects.filter(order=order, side=side).exists():
        raise DealError("You have already reviewed this order.")
    review = Review(
        order=order,
        side=side,
        author=author,
        subject_id=subject_id,
        rating=rating,
        text=text.strip(),
        created_at=now,
    )
    review.full_clean()
    try:
        with transaction.atomic():
            review.save()
    except IntegrityError:  # the same side twice at the same moment (two tabs)
        raise DealError("You have already reviewed this order.") from None
    refresh_reputation(seller=order.seller, now=now)
    return review


# Saved replies ------------------------------------------------------------------------------


@transaction.atomic
def create_saved_reply(*, user: User, title: str, body: str) -> SavedReply:
    if SavedReply.objects.filter(user=user).count() >= MAX_SAVED_REPLIES:
        raise ValidationError(
            f"You can keep at most {MAX_SAVED_REPLIES} saved replies.", code="too_many"
        )
    reply = SavedReply(user=user, title=title.strip(), body=body.strip())
    reply.full_clean()
    reply.save()
    return reply


@transaction.atomic
def update_saved_reply(*, reply: SavedReply, title: str, body: str) -> SavedReply:
    reply.title, reply.body = title.strip(), body.strip()
    reply.full_clean()
    reply.save()
    return reply


@transaction.atomic
def delete_saved_reply(*, reply: SavedReply) -> None:
    reply.delete()


# Responsiveness -----------------------------------------------------------------------------


@transaction.atomic
def update_response_stats(*, seller: User, now: datetime | None = None) -> ResponseStats:
    """Recompute one seller's figures from the message log (one read, one write)."""
    now = now or clock.now()
    figures = response_figures(openings_of(seller, now=now), now=now)
    stats, _ = ResponseStats.objects.update_or_create(
        seller=seller,
        defaults={
            "conversations": figures.conversations,
            "answered_in_time": figures.answered_in_time,
            "response_rate": figures.response_rate,
            "average_response_seconds": figures.average_response_seconds,
            "computed_at": now,
        },
    )
    return stats


def update_all_response_stats(*, now: datetime | None = None) -> int:
    """Every seller's figures (`manage.py update_response_stats`, hourly); returns how many."""
    now = now or clock.now()
    sellers = User.objects.filter(seller_profile__isnull=False, is_active=True)
    count = 0
    for seller in sellers.iterator():
        update_response_stats(seller=seller, now=now)
        refresh_reputation(seller=seller, now=now)  # reviews become visible by time too
        count += 1
    return count
