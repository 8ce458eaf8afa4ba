"""Demo deals, loaded by `manage.py seed` from seeds/50_deals.json: custom offers in every
state, reviews of completed orders, and every seller's response figures.

Everything goes through deals.services (and the marketplace and inbox services), so the
demo obeys the same rules. Each step looks for what it would create and skips it when
present: loading twice changes nothing.

An offer with `days_ago` (and `hour`, UTC) is played in the past (config.clock.seed_time): the
buyer asks, the seller answers in the chat after `reply_after_minutes` (when the spec has a
`reply`), the offer follows after `offer_after_minutes`, the buyer's or seller's answer
after `answer_after_minutes`; a completed order is delivered `delivered_after_minutes`
after it was accepted. So the response figures come from real answer times.
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any, TextIO

from django.utils import timezone

from config import clock
from config.clock import seed_time, story_start
from deals import services
from deals.models import Offer, Review
from inbox.conversations import get_or_start_conversation
from inbox.send import send_message
from marketplace import services as orders
from marketplace.models import Gig, Order, User

Spec = dict[str, Any]


def load(data: Spec, stdout: TextIO) -> list[tuple[str, str]]:
    users = {user.username: user for user in User.objects.all()}
    offers = [_ensure_offer(spec, users) for spec in data["offers"]]
    reviews = sum(_ensure_review(spec, users) for spec in data["reviews"])
    sellers = services.update_all_response_stats()
    stdout.write(
        f"  deals: {len(offers)} offers, {reviews} new reviews, "
        f"response figures of {sellers} sellers\n"
    )
    return []


class _Timeline:
    """The moments of one offer's story, in minutes after the buyer's question."""

    STEPS = ("ask", "reply", "offer", "answer", "requirements", "delivered", "closed")

    def __init__(self, spec: Spec, *, now: datetime) -> None:
        reply = spec.get("reply_after_minutes", 30) if spec.get("reply") else 0
        offer = reply + spec.get("offer_after_minutes", 20)
        answer = offer + spec.get("answer_after_minutes", 180)
        delivered = answer + 30 + spec.get("delivered_after_minutes", 2 * 24 * 60)
        minutes = dict(
            zip(
                self.STEPS,
                (0, reply, offer, answer, answer + 30, delivered, delivered + 300),
                strict=True,
            )
        )
        self.start: datetime | None = None
        if "days_ago" in spec:
            last = minutes["closed" if spec["state"] == "completed" else "answer"]
            self.start = story_start(
                days_ago=spec["days_ago"],
                hour=spec.get("hour", 10),
                lasting=timedelta(minutes=last),
                now=now,
            )
        self.minutes = minutes

    def at(self, step: str) -> AbstractContextManager[None]:
        """Write the block at the step's moment (now when the spec has no `days_ago`)."""
        return seed_time(self.start + timedelta(minutes=self.minutes[step]) if self.start else None)


def _ensure_offer(spec: Spec, users: dict[str, User]) -> Offer:
    seller, buyer = users[spec["seller"]], users[spec["buyer"]]
    gig = Gig.objects.get(seller=seller, title=spec["gig"])
    existing = Offer.objects.filter(
        seller=seller, buyer=buyer, gig=gig, description=spec["description"]
    ).first()
    if existing is not None:
        return existing
    timeline = _Timeline(spec, now=timezone.now())
    with timeline.at("ask"):
        conversation = get_or_start_conversation(starter=buyer, other=seller, gig=gig)
        if spec.get("ask"):
            send_message(
                conversation=conversation,
                sender=buyer,
                body=spec["ask"],
                client_id=f"deals-seed-{spec['key']}",
            )
    if spec.get("reply"):
        with timeline.at("reply"):
            send_message(
                conversation=conversation,
                sender=seller,
                body=spec["reply"],
                client_id=f"deals-seed-{spec['key']}-reply",
            )
    with timeline.at("offer"):
        offer = services.send_offer(
            conversation=conversation,
            seller=seller,
            gig=gig,
            description=spec["description"],
            price=Decimal(spec["price"]),
            delivery_days=spec["delivery_days"],
            revisions=spec["revisions"],
            milestones=[
                services.MilestoneData(m["title"], Decimal(m["amount"]), m["due_days"])
                for m in spec.get("milestones", [])
            ],
            expires_in_days=spec.get("expires_in_days", 3),
        )
    _walk(offer, spec["state"], seller, buyer, timeline)
    return offer


def _walk(offer: Offer, state: str, seller: User, buyer: User, timeline: _Timeline) -> None:
    """Take the offer to `state` through the same steps people take."""
    if state == "expired":
        # Expire this offer alone: the job at the moment of its expiry (if that is past).
        with seed_time(min(offer.expires_at, timezone.now())):
            services.expire_offers(now=offer.expires_at)
        return
    with timeline.at("answer"):
        if state == "declined":
            services.decline_offer(offer=offer, buyer=buyer)
        elif state == "withdrawn":
            services.withdraw_offer(offer=offer, seller=seller)
        elif state in ("accepted", "completed"):
            order = services.accept_offer(offer=offer, buyer=buyer)
    if state != "completed":
        return
    with timeline.at("requirements"):
        orders.submit_requirements(
            order=order, actor=buyer, requirements="As discussed in the chat: see the offer."
        )
    with timeline.at("delivered"):
        orders.deliver_order(order=order, actor=seller, note="Delivered as agreed. Thank you!")
    with timeline.at("closed"):
        orders.accept_delivery(order=order, actor=buyer)


def _ensure_review(spec: Spec, users: dict[str, User]) -> bool:
    buyer, author = users[spec["buyer"]], users[spec["author"]]
    order = (
        Order.objects.filter(buyer=buyer, title=spec["gig"], status=Order.Status.COMPLETED)
        .order_by("created_at")
        .first()
    )
    if order is None or Review.objects.filter(order=order, author=author).exists():
        return False
    if clock.now() > order.closed_at + timedelta(days=10):
        return False  # the review window of this demo order has closed
    services.submit_review(order=order, author=author, rating=spec["rating"], text=spec["text"])
    return True
