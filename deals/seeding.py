"""Demo deals, loaded by `manage.py seed` from seeds/50_deals.json: custom offers in every
state, reviews of completed orders, and every seller's response figures.

Everything goes through deals.services (and the marketplace and inbox services), so the
demo obeys the same rules. Each step looks for what it would create and skips it when
present: loading twice changes nothing.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any, TextIO

from deals import clock, services
from deals.models import Offer, Review
from inbox.services import get_or_start_conversation, send_message
from marketplace import services as orders
from marketplace.models import Gig, Order, User

Spec = dict[str, Any]


def load(data: Spec, stdout: TextIO) -> list[tuple[str, str]]:
    users = {user.username: user for user in User.objects.all()}
    offers = [_ensure_offer(spec, users) for spec in data["offers"]]
    reviews = sum(_ensure_review(spec, users) for spec in data["reviews"])
    sellers = services.update_all_response_stats()
    stdout.write(f"  deals: {len(offers)} offers, {reviews} new reviews, response figures of {sellers} sellers\n")
    return []


def _ensure_offer(spec: Spec, users: dict[str, User]) -> Offer:
    seller, buyer = users[spec["seller"]], users[spec["buyer"]]
    gig = Gig.objects.get(seller=seller, title=spec["gig"])
    existing = Offer.objects.filter(seller=seller, buyer=buyer, gig=gig, description=spec["description"]).first()
    if existing is not None:
        return existing
    conversation = get_or_start_conversation(starter=buyer, other=seller, gig=gig)
    if spec.get("ask"):
        send_message(conversation=conversation, sender=buyer, body=spec["ask"], client_id=f"deals-seed-{spec['key']}")
    offer = services.send_offer(
        conversation=conversation, seller=seller, gig=gig, description=spec["description"],
        price=Decimal(spec["price"]), delivery_days=spec["delivery_days"], revisions=spec["revisions"],
        milestones=[services.MilestoneData(m["title"], Decimal(m["amount"]), m["due_days"]) for m in spec.get("milestones", [])],
        expires_in_days=spec.get("expires_in_days", 3),
    )
    _walk(offer, spec["state"], seller, buyer)
    return offer


def _walk(offer: Offer, state: str, seller: User, buyer: User) -> None:
    """Take the offer to `state` through the same steps people take."""
    if state == "declined":
        services.decline_offer(offer=offer, buyer=buyer)
    elif state == "withdrawn":
        services.withdraw_offer(offer=offer, seller=seller)
    elif state == "expired":
        # Expire this offer alone: the job at the moment just after its expiry.
        services.expire_offers(now=offer.expires_at)
    elif state in ("accepted", "completed"):
        order = services.accept_offer(offer=offer, buyer=buyer)
        if state == "completed":
            orders.submit_requirements(order=order, actor=buyer, requirements="As discussed in the chat: see the offer.")
            orders.deliver_order(order=order, actor=seller, note="Delivered as agreed. Thank you!")
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
