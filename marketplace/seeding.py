"""Demo data for the marketplace, loaded by `manage.py seed` from seeds/10_marketplace.json.

Everything goes through marketplace.services, exactly as users would create it, so the demo
obeys the same rules (contact-detail check included). Each step first looks for what it
would create and skips it when present: loading twice changes nothing.

An order with `days_ago` (and `hour`, UTC) is played in the past (config.clock.seed_time),
after the pre-sale chat seeds/20_inbox.json writes for the pair: placed then, requirements
`requirements_after_minutes` later, delivered `delivered_after_minutes` after that, then
accepted, sent back or cancelled `answer_after_minutes` later. The order, its timeline
events and its conversation (started by the first event) carry those dates. Without
`days_ago` the order is played now. The same loader reads seeds/15_business_cards.json (a
category whose gigs take contact details as their work, core.contact_policy).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any, TextIO

from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group
from django.utils import timezone

from config.clock import seed_time, story_start
from marketplace import seed_storefront as storefront
from marketplace import services
from marketplace.models import Category, Gig, Order, User
from marketplace.services import PackageData

Spec = dict[str, Any]

# Every demo account has this password; other apps' loaders use it for theirs too.
DEMO_PASSWORD = "gigbox-demo"


def load(data: Spec, stdout: TextIO) -> list[tuple[str, str]]:
    """Load the marketplace demo; returns the demo logins as (username, what it shows)."""
    users = {spec["username"]: _ensure_user(spec, DEMO_PASSWORD) for spec in data["users"]}
    for spec in data["users"]:
        if "seller_profile" in spec and not users[spec["username"]].is_seller:
            services.create_seller_profile(user=users[spec["username"]], **spec["seller_profile"])
    categories = {spec["slug"]: _ensure_category(spec) for spec in data["categories"]}
    gigs = {spec["title"]: _ensure_gig(spec, users, categories) for spec in data["gigs"]}
    for spec in data["gigs"]:
        storefront.ensure_gig_extras(gigs[spec["title"]], spec)
    for spec in data["users"]:
        if "seller_profile" in spec:
            storefront.ensure_seller_extras(users[spec["username"]], spec, data["gigs"])
    created = sum(_ensure_order(spec, users, gigs) for spec in data["orders"])
    stdout.write(
        f"  marketplace: {len(users)} users, {len(categories)} categories, {len(gigs)} gigs, "
        f"{len(data['orders'])} orders ({created} new)\n"
    )
    return [
        (spec["username"], spec["demo_login"]) for spec in data["users"] if "demo_login" in spec
    ]


def _ensure_user(spec: Spec, password: str) -> User:
    user = User.objects.filter(username=spec["username"]).first()
    if user is not None:
        return user
    user = User.objects.create_user(
        username=spec["username"],
        email=spec["email"],
        password=password,
        first_name=spec.get("first_name", ""),
        last_name=spec.get("last_name", ""),
        timezone=spec["timezone"],
        is_staff=spec.get("is_staff", False),
        is_superuser=spec.get("is_superuser", False),
    )
    user.groups.set(Group.objects.filter(name__in=spec.get("groups", [])))
    # A verified primary address, as if the demo user had clicked the confirmation link.
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


def _ensure_category(spec: Spec) -> Category:
    category, _ = Category.objects.get_or_create(
        slug=spec["slug"],
        defaults={
            "name": spec["name"],
            "description": spec.get("description", ""),
            "contact_details_as_work": spec.get("contact_details_as_work", False),
        },
    )
    return category


def _packages(specs: Iterable[Spec]) -> list[PackageData]:
    return [PackageData(**{**spec, "price": Decimal(spec["price"])}) for spec in specs]


def _ensure_gig(spec: Spec, users: dict[str, User], categories: dict[str, Category]) -> Gig:
    seller = users[spec["seller"]]
    gig = Gig.objects.filter(seller=seller, title=spec["title"]).first()
    if gig is not None:
        return gig
    gig = services.create_gig(
        seller=seller,
        title=spec["title"],
        description=spec["description"],
        category=categories[spec["category"]],
        tags=spec.get("tags", ""),
        packages=_packages(spec["packages"]),
        contact_details_as_work=spec.get("contact_details_as_work", False),
    )
    if spec.get("status") == Gig.Status.PAUSED:
        services.set_gig_status(gig=gig, status=Gig.Status.PAUSED)
    return gig


def order_step_times(spec: Spec, *, now: datetime) -> Iterator[datetime | None]:
    """When each step of the order is taken, in order (placed, requirements, delivered,
    answer): None for "now" (no `days_ago`). The last step always lies in the past."""
    if "days_ago" not in spec:
        while True:
            yield None
    gaps = [
        0,
        spec.get("requirements_after_minutes", 60),
        spec.get("delivered_after_minutes", 2 * 24 * 60),
        spec.get("answer_after_minutes", 300),
    ]
    start = story_start(
        days_ago=spec["days_ago"],
        hour=spec.get("hour", 10),
        lasting=timedelta(minutes=sum(gaps)),
        now=now,
    )
    minutes = 0
    for gap in gaps:
        minutes += gap
        yield start + timedelta(minutes=minutes)


def _ensure_order(spec: Spec, users: dict[str, User], gigs: dict[str, Gig]) -> bool:
    """Place the order and walk it to spec["status"] through the same steps users take."""
    buyer, gig = users[spec["buyer"]], gigs[spec["gig"]]
    if Order.objects.filter(buyer=buyer, gig=gig, tier=spec["tier"]).exists():
        return False
    steps = order_step_times(spec, now=timezone.now())
    with seed_time(next(steps)):
        order = services.place_order(buyer=buyer, package=gig.packages.get(tier=spec["tier"]))
    target, seller = spec["status"], gig.seller
    if target == Order.Status.PENDING_REQUIREMENTS:
        return True
    with seed_time(next(steps)):
        if target == Order.Status.CANCELLED:
            canceller = buyer if spec.get("cancelled_by", "buyer") == "buyer" else seller
            services.cancel_order(order=order, actor=canceller, reason=spec["cancel_reason"])
            return True
        services.submit_requirements(order=order, actor=buyer, requirements=spec["requirements"])
    if target == Order.Status.IN_PROGRESS:
        return True
    with seed_time(next(steps)):
        services.deliver_order(order=order, actor=seller, note=spec["delivery_note"])
    with seed_time(next(steps)):
        if target == Order.Status.REVISION_REQUESTED:
            services.request_revision(order=order, actor=buyer, note=spec["revision_note"])
        elif target == Order.Status.COMPLETED:
            services.accept_delivery(order=order, actor=buyer)
    return True
