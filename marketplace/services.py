"""Every write in the marketplace: seller profiles, gigs, orders.

Each function is keyword-only, runs in one transaction and calls full_clean before it
saves, so a bad value raises ValidationError and nothing is half-written. Order steps are
checked against marketplace.order_flow and each one writes its timeline event through
`_record_event` in the same transaction.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.text import get_valid_filename, slugify

from config import clock
from marketplace import files as file_types
from marketplace.extensions import order_event_recorded
from marketplace.models import (
    Delivery,
    Gig,
    Order,
    OrderEvent,
    Package,
    SellerProfile,
    User,
    split_list,
)
from marketplace.order_flow import Action, OrderTransitionError, check_transition
from marketplace.validators import reject_contact_details

logger = logging.getLogger(__name__)

MAX_TAGS = 5


# Seller profiles ---------------------------------------------------------------------------


@transaction.atomic
def create_seller_profile(
    *, user: User, display_name: str, bio: str, country: str, languages: str, skills: str = ""
) -> SellerProfile:
    """Make `user` a seller."""
    if SellerProfile.objects.filter(user=user).exists():
        raise ValidationError("You already have a seller profile.", code="exists")
    profile = SellerProfile(
        user=user,
        display_name=display_name,
        bio=bio,
        country=country,
        languages=languages,
        skills=skills,
    )
    profile.full_clean()
    profile.save()
    return profile


@transaction.atomic
def update_seller_profile(
    *,
    profile: SellerProfile,
    display_name: str,
    bio: str,
    country: str,
    languages: str,
    skills: str = "",
) -> SellerProfile:
    profile.display_name, profile.bio, profile.country = display_name, bio, country
    profile.languages, profile.skills = languages, skills
    profile.full_clean()
    profile.save()
    return profile


# Gigs --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PackageData:
    """One offered package of a gig, as the seller typed it."""

    tier: str
    name: str
    price: Decimal
    delivery_days: int
    revisions: int
    description: str = ""


def _unique_slug(title: str) -> str:
    base = slugify(title)[:90].strip("-") or "gig"
    slug, n = base, 2
    while Gig.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def _check_tags(tags: str) -> str:
    tag_list = split_list(tags)
    if len(tag_list) > MAX_TAGS:
        raise ValidationError({"tags": f"Use at most {MAX_TAGS} tags (you gave {len(tag_list)})."})
    return ", ".join(tag_list)


def _save_packages(gig: Gig, packages: list[PackageData]) -> None:
    """Replace the gig's packages by `packages`: basic is required, each tier at most once."""
    tiers = [p.tier for p in packages]
    if Package.Tier.BASIC not in tiers:
        raise ValidationError("A gig needs at least its Basic package.", code="no_basic")
    if len(set(tiers)) != len(tiers):
        raise ValidationError("Each package tier can be offered only once.", code="duplicate_tier")
    existing = {p.tier: p for p in gig.packages.all()}
    for data in packages:
        package = existing.pop(data.tier, None) or Package(gig=gig, tier=data.tier)
        package.name, package.description, package.price = data.name, data.description, data.price
        package.delivery_days, package.revisions = data.delivery_days, data.revisions
        package.full_clean(exclude=["gig"])
        package.save()
    for dropped in existing.values():
        # Orders keep their own copy of the terms (Order.package is SET_NULL).
        dropped.delete()


@transaction.atomic
def create_gig(
    *,
    seller: User,
    title: str,
    description: str,
    category,
    tags: str,
    packages: list[PackageData],
    contact_details_as_work: bool = False,
) -> Gig:
    if not seller.is_seller:
        raise ValidationError(
            "Complete your seller profile before you create a gig.", code="not_seller"
        )
    gig = Gig(
        seller=seller,
        title=title,
        slug=_unique_slug(title),
        description=description,
        category=category,
        tags=_check_tags(tags),
        contact_details_as_work=contact_details_as_work,  # checked against the category
    )
    gig.full_clean()
    gig.save()
    _save_packages(gig, packages)
    return gig


@transaction.atomic
def update_gig(
    *, gig: Gig, title: str, description: str, category, tags: str, packages: list[PackageData]
) -> Gig:
    """Change a gig's texts and packages; its slug (and so its links) stays the same."""
    gig.title, gig.description, gig.category, gig.tags = (
        title,
        description,
        category,
        _check_tags(tags),
    )
    gig.full_clean()
    gig.save()
    _save_packages(gig, packages)
    return gig


@transaction.atomic
def set_gig_status(*, gig: Gig, status: str) -> Gig:
    """Pause or resume a gig: paused gigs are hidden from everyone but their seller."""
    gig.status = status
    gig.full_clean()
    gig.save(update_fields=["status", "updated_at"])
    return gig


# Orders ------------------------------------------------------------------------------------


def _record_event(order: Order, kind: str, actor: User | None, note: str = "") -> OrderEvent:
    """Write one timeline entry. Every order status change goes through here, and so do
    the listeners of marketplace.extensions (the inbox posts it in the order's conversation),
    in the same transaction."""
    event = OrderEvent(order=order, kind=kind, actor=actor, note=note)
    event.full_clean()
    event.save()
    order_event_recorded(order=order, event=event)
    return event


def _locked(order: Order) -> Order:
    """The order re-read under a row lock, so two clicks cannot both take a step."""
    return Order.objects.select_for_update().select_related("buyer", "seller").get(pk=order.pk)


def _apply(order: Order, action: str, actor: User | None, note: str, **fields) -> Order:
    step = check_transition(order, action, actor)
    order.status = step.to_status
    for name, value in fields.items():
        setattr(order, name, value)
    order.full_clean()
    order.save()
    _record_event(order, step.event, actor, note)
    return order


def _refreshed(order: Order) -> Order:
    """The caller's instance, brought up to date so it is not left stale."""
    order.refresh_from_db()
    return order


def _check_orderable(gig: Gig, buyer: User) -> None:
    if gig.seller_id == buyer.pk:
        raise OrderTransitionError("You cannot order your own gig.")
    if (
        gig.status != Gig.Status.ACTIVE
        or not gig.seller.is_active
        or gig.seller.is_suspended()
        or not buyer.is_active
    ):
        raise OrderTransitionError("This gig is not available for orders right now.")


@transaction.atomic
def place_order(*, buyer: User, package: Package) -> Order:
    """Order a package. Payment is simulated: the price is recorded, no money moves."""
    gig = Gig.objects.select_related("seller").get(pk=package.gig_id)
    _check_orderable(gig, buyer)
    order = Order(
        buyer=buyer,
        seller=gig.seller,
        gig=gig,
        package=package,
        title=gig.title[:120],
        tier=package.tier,
        price=package.price,
        delivery_days=package.delivery_days,
        revisions_included=package.revisions,
    )
    order.full_clean()
    order.save()
    _record_event(
        order,
        OrderEvent.Kind.PLACED,
        buyer,
        f"{package.get_tier_display()} package ({package.name}) for ${package.price} "
        "(simulated payment).",
    )
    return order


@transaction.atomic
def place_custom_order(
    *,
    buyer: User,
    gig: Gig,
    title: str,
    price: Decimal,
    delivery_days: int,
    revisions: int,
    note: str,
    milestones: list[dict[str, object]] | None = None,
) -> Order:
    """Order on a seller's custom terms (deals.services.accept_offer, which checked the
    milestones); no package."""
    gig = Gig.objects.select_related("seller").get(pk=gig.pk)
    _check_orderable(gig, buyer)
    order = Order(
        buyer=buyer,
        seller=gig.seller,
        gig=gig,
        package=None,
        title=title[:120],
        tier="",
        price=price,
        delivery_days=delivery_days,
        revisions_included=revisions,
        milestones=list(milestones or []),
    )
    order.full_clean()
    order.save()
    _record_event(order, OrderEvent.Kind.PLACED, buyer, note)
    return order


@transaction.atomic
def submit_requirements(*, order: Order, actor: User, requirements: str) -> Order:
    """The buyer says what they need; the clock starts (due = now + delivery days)."""
    locked = _locked(order)
    if not requirements.strip():
        raise ValidationError({"requirements": "Tell the seller what you need."})
    now = clock.now()
    _apply(
        locked,
        Action.SUBMIT_REQUIREMENTS,
        actor,
        "",
        requirements=requirements.strip(),
        started_at=now,
        due_at=now + timedelta(days=locked.delivery_days),
    )
    return _refreshed(order)


def _detect_type(file: UploadedFile, name: str) -> tuple[str, str]:
    """(extension, content type) of a delivery file judged by its content (marketplace.files),
    or ValidationError."""
    content_type = file_types.detect_content_type(file, name, file_types.DELIVERY_TYPES)
    if content_type is None:
        raise ValidationError(
            {
                "file": "This file type is not accepted. "
                "Send images, PDF, ZIP, audio, video or plain text."
            }
        )
    return file_types.stored_extension(content_type, name), content_type


def _checked_file(file: UploadedFile) -> tuple[str, str]:
    """(safe download name, content type) of an upload, or ValidationError."""
    limit = settings.GIGBOX_DELIVERY_MAX_BYTES
    if file.size > limit:
        raise ValidationError(
            {"file": f"The file is too large: the limit is {limit // (1024 * 1024)} MB."}
        )
    original = PurePath(file.name or "delivery").name
    reject_contact_details(original)
    ext, content_type = _detect_type(file, original)
    stem = get_valid_filename(PurePath(original).stem)[:150] or "delivery"
    return f"{stem}{ext}", content_type


@transaction.atomic
def deliver_order(
    *, order: Order, actor: User, note: str, file: UploadedFile | None = None
) -> Delivery:
    """The seller hands over the work (a note and an optional file)."""
    locked = _locked(order)
    check_transition(locked, Action.DELIVER, actor)
    delivery = Delivery(order=locked, note=note.strip())
    if file is not None:
        delivery.file_name, delivery.content_type = _checked_file(file)
    delivery.full_clean(exclude=["file"])
    if file is not None:
        # Stored under a name the server chooses (Delivery.file's upload_to).
        delivery.file.save(delivery.file_name, file, save=False)
    try:
        delivery.save()
        _apply(locked, Action.DELIVER, actor, "", delivered_at=clock.now())
    except Exception:
        if delivery.file:  # a refused step must not leave the file behind
            delivery.file.delete(save=False)
        raise
    _refreshed(order)
    return delivery


@transaction.atomic
def accept_delivery(*, order: Order, actor: User) -> Order:
    locked = _locked(order)
    _apply(locked, Action.ACCEPT, actor, "", closed_at=clock.now())
    return _refreshed(order)


@transaction.atomic
def request_revision(*, order: Order, actor: User, note: str) -> Order:
    """The buyer asks for changes; allowed while the package's revisions are not used up."""
    locked = _locked(order)
    check_transition(locked, Action.REQUEST_REVISION, actor)
    if locked.revisions_left <= 0:
        raise OrderTransitionError("No revisions are left on this order.")
    if not note.strip():
        raise ValidationError({"note": "Say what should change."})
    reject_contact_details(note)
    _apply(
        locked,
        Action.REQUEST_REVISION,
        actor,
        note.strip(),
        revisions_used=locked.revisions_used + 1,
    )
    return _refreshed(order)


@transaction.atomic
def cancel_order(*, order: Order, actor: User, reason: str) -> Order:
    locked = _locked(order)
    check_transition(locked, Action.CANCEL, actor)
    if not reason.strip():
        raise ValidationError({"reason": "Give a reason for cancelling."})
    reject_contact_details(reason)
    _apply(locked, Action.CANCEL, actor, reason.strip(), closed_at=clock.now())
    return _refreshed(order)


@transaction.atomic
def take_order_step(
    *, order: Order, action: str, actor: User | None, note: str = "", **fields
) -> Order:
    """Take a step another app added with order_flow.add_transition (disputes): under the
    row lock, checked against the table, with its timeline event, like the steps above.
    `actor` None is the system (a staff decision); `fields` are set on the order."""
    _apply(_locked(order), action, actor, note, **fields)
    return _refreshed(order)


def auto_complete_orders(*, now: datetime | None = None) -> int:
    """Complete orders delivered more than GIGBOX_AUTO_COMPLETE_DAYS ago; returns how many.

    Each order is completed in its own transaction under a row lock, so a buyer who accepts
    or asks for a revision at the same moment wins cleanly and the job simply skips it.
    """
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.GIGBOX_AUTO_COMPLETE_DAYS)
    due = Order.objects.filter(status=Order.Status.DELIVERED, delivered_at__lte=cutoff)
    completed = 0
    for pk in due.values_list("pk", flat=True):
        with transaction.atomic():
            order = Order.objects.select_for_update().get(pk=pk)
            if order.status != Order.Status.DELIVERED or order.delivered_at > cutoff:
                continue
            note = (
                f"Completed automatically {settings.GIGBOX_AUTO_COMPLETE_DAYS} days after delivery."
            )
            _apply(order, Action.AUTO_COMPLETE, None, note, closed_at=now)
            completed += 1
    logger.info("auto-completed %d delivered orders", completed)
    return completed
