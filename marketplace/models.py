"""Marketplace data: users and seller profiles, categories, gigs with packages, orders.

Models hold data and invariants only; every write goes through marketplace.services.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import PurePath

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django_countries.fields import CountryField

from config import clock
from core.contact_policy import OrderContext, get_contact_policy
from marketplace import away_flag
from marketplace.identity import check_new_username, lookalike_key, reject_name
from marketplace.validators import reject_contact_details, validate_timezone


def split_list(raw: str) -> list[str]:
    """'Python, Django ,, SQL' -> ['Python', 'Django', 'SQL'] (languages, skills, tags)."""
    return [item.strip() for item in raw.split(",") if item.strip()]


# The Trust & Safety system account: the sender of moderation notices (created by
# moderation's migration 0004). It lives beside the user model so every app can recognise it.
SYSTEM_USERNAME = "gigbox"
# A sanction with no end date is stored as this "until" (so comparisons still work).
NO_END = datetime(9999, 12, 31, tzinfo=UTC)


def has_no_end(until: datetime | None) -> bool:
    """True for a sanction that lasts until a moderator lifts it."""
    return until is None or until >= NO_END


class User(AbstractUser):
    """Every user can buy; a user with a SellerProfile also sells."""

    timezone = models.CharField(
        max_length=64,
        default="UTC",
        validators=[validate_timezone],
        help_text="IANA name, e.g. Asia/Kolkata; shown as local time.",
    )
    last_seen_at = models.DateTimeField(null=True, blank=True)
    # Denormalised from moderation's Sanction rows (the record) by moderation.services, so
    # that the send path and login compare times on the loaded user without a query.
    messaging_restricted_until = models.DateTimeField(null=True, blank=True, editable=False)
    suspended_until = models.DateTimeField(null=True, blank=True, editable=False)
    # marketplace.identity.lookalike_key(username), kept by save(): look-alikes are one lookup.
    username_skeleton = models.CharField(max_length=150, blank=True, db_index=True, editable=False)

    class Meta:
        ordering = ["username"]

    def __str__(self) -> str:
        return self.username

    def clean(self) -> None:
        super().clean()
        check_new_username(self)  # a new or changed one: not reserved, not a look-alike

    def save(self, *args, **kwargs) -> None:
        self.username_skeleton = lookalike_key(self.username)
        if "username" in (kwargs.get("update_fields") or ()):
            kwargs["update_fields"] = {*kwargs["update_fields"], "username_skeleton"}
        super().save(*args, **kwargs)

    @property
    def is_seller(self) -> bool:
        return hasattr(self, "seller_profile")

    def is_suspended(self, now: datetime | None = None) -> bool:
        """Suspended now: the account page only; their gigs are hidden from everyone."""
        return self.suspended_until is not None and self.suspended_until > (now or timezone.now())

    @property
    def is_official(self) -> bool:
        """The Trust & Safety system account, marked official (its name is reserved)."""
        return self.username == SYSTEM_USERNAME

    @property
    def public_name(self) -> str:
        profile = getattr(self, "seller_profile", None)
        return profile.display_name if profile else self.username


class SellerProfile(models.Model):
    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="seller_profile")
    display_name = models.CharField(max_length=60, validators=[reject_contact_details])
    bio = models.TextField(max_length=2000, validators=[reject_contact_details])
    country = CountryField()
    languages = models.CharField(
        max_length=200,
        help_text="Comma-separated, e.g. English, Hindi",
        validators=[reject_contact_details],
    )
    skills = models.CharField(
        max_length=300, blank=True, help_text="Comma-separated", validators=[reject_contact_details]
    )
    # A square photo, re-encoded at upload (marketplace.media); public like the profile page.
    avatar = models.FileField(upload_to="public/avatars/", blank=True, max_length=200)
    avatar_small = models.FileField(upload_to="public/avatars/", blank=True, max_length=200)
    # "Away until" (marketplace.availability): gigs leave search, an optional away reply.
    away_until = models.DateTimeField(null=True, blank=True)
    away_message = models.TextField(max_length=500, blank=True, validators=[reject_contact_details])
    # Written by deals.reputation from completed orders and visible reviews.
    level = models.CharField(max_length=20, blank=True, editable=False)
    created_at = models.DateTimeField(default=clock.now, editable=False)

    def __str__(self) -> str:
        return self.display_name

    def save(self, *args, **kwargs) -> None:
        super().save(*args, **kwargs)
        away_flag.forget()  # the away reply may have started, moved or ended (inbox.away)

    def get_absolute_url(self) -> str:
        return reverse("marketplace:seller", kwargs={"username": self.user.username})

    def is_away(self, now: datetime) -> bool:
        return self.away_until is not None and self.away_until > now

    def clean(self) -> None:
        # Nobody may look like the system account or staff (marketplace.identity).
        try:
            reject_name(self.display_name)
        except ValidationError as exc:
            raise ValidationError({"display_name": exc.messages}) from None

    @property
    def language_list(self) -> list[str]:
        return split_list(self.languages)

    @property
    def skill_list(self) -> list[str]:
        return split_list(self.skills)


class Category(models.Model):
    name = models.CharField(max_length=60, unique=True)
    slug = models.SlugField(max_length=60, unique=True)
    description = models.CharField(max_length=200, blank=True)
    # Contact details may be the work itself here (a business card holds the buyer's phone):
    # a gig of this category may take them in its orders (core.contact_policy.details_are_work).
    contact_details_as_work = models.BooleanField(
        default=False,
        help_text="Gigs of this category may receive contact details as work content.",
    )

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "categories"

    def __str__(self) -> str:
        return self.name


class Gig(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        PAUSED = "paused", "Paused"

    seller = models.ForeignKey(User, on_delete=models.CASCADE, related_name="gigs")
    title = models.CharField(max_length=80, validators=[reject_contact_details])
    slug = models.SlugField(max_length=100, unique=True)
    description = models.TextField(max_length=5000, validators=[reject_contact_details])
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="gigs")
    tags = models.CharField(
        max_length=200,
        blank=True,
        help_text="Comma-separated, up to 5",
        validators=[reject_contact_details],
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    contact_details_as_work = models.BooleanField(
        default=False,
        help_text="Buyers' contact details are delivered to you as the work's content "
        "(only where the category allows it).",
    )
    # Seller-written questions and answers shown on the gig page: [{"question", "answer"}].
    faq = models.JSONField(default=list, blank=True)
    # The cheapest package's terms, kept current by database triggers on Package
    # (migration 0008): cards show them and the price and delivery filters use them.
    starting_price = models.DecimalField(
        max_digits=9, decimal_places=2, null=True, blank=True, editable=False
    )
    starting_days = models.PositiveSmallIntegerField(null=True, blank=True, editable=False)
    # Written by deals.reputation from the gig's visible buyer reviews.
    rating_average = models.DecimalField(
        max_digits=3, decimal_places=2, null=True, blank=True, editable=False
    )
    rating_count = models.PositiveIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(default=clock.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)
    # On PostgreSQL the table also has `search_vector`, a generated tsvector column with
    # GIN and trigram indexes (migration 0008, marketplace.search); Django never writes it.

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["status", "category"]),
            models.Index(fields=["status", "-created_at"], name="gig_listed_newest"),
            models.Index(fields=["status", "starting_price"], name="gig_listed_price"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("marketplace:gig", kwargs={"slug": self.slug})

    @property
    def tag_list(self) -> list[str]:
        return split_list(self.tags)

    def clean(self) -> None:
        if self.contact_details_as_work and not self.category.contact_details_as_work:
            raise ValidationError(
                {"contact_details_as_work": "This category does not take contact details as work."}
            )


class Package(models.Model):
    class Tier(models.TextChoices):
        BASIC = "basic", "Basic"
        STANDARD = "standard", "Standard"
        PREMIUM = "premium", "Premium"

    gig = models.ForeignKey(Gig, on_delete=models.CASCADE, related_name="packages")
    tier = models.CharField(max_length=10, choices=Tier.choices)
    name = models.CharField(max_length=60, validators=[reject_contact_details])
    description = models.CharField(max_length=300, blank=True, validators=[reject_contact_details])
    price = models.DecimalField(
        max_digits=9, decimal_places=2, validators=[MinValueValidator(Decimal("5.00"))]
    )
    delivery_days = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(90)]
    )
    revisions = models.PositiveSmallIntegerField(default=1, validators=[MaxValueValidator(20)])

    class Meta:
        constraints = [models.UniqueConstraint(fields=["gig", "tier"], name="one_package_per_tier")]
        ordering = ["gig", "price"]

    def __str__(self) -> str:
        return f"{self.gig.title} ({self.get_tier_display()})"


class Order(models.Model):
    """A buyer's purchase of a package (or a custom offer); payment is simulated."""

    class Status(models.TextChoices):
        PENDING_REQUIREMENTS = "pending_requirements", "Pending requirements"
        IN_PROGRESS = "in_progress", "In progress"
        DELIVERED = "delivered", "Delivered"
        REVISION_REQUESTED = "revision_requested", "Revision requested"
        COMPLETED = "completed", "Completed"
        CANCELLED = "cancelled", "Cancelled"
        DISPUTED = "disputed", "Disputed"

    ACTIVE_STATUSES = (
        Status.PENDING_REQUIREMENTS,
        Status.IN_PROGRESS,
        Status.DELIVERED,
        Status.REVISION_REQUESTED,
        Status.DISPUTED,
    )

    buyer = models.ForeignKey(User, on_delete=models.PROTECT, related_name="orders_bought")
    seller = models.ForeignKey(User, on_delete=models.PROTECT, related_name="orders_sold")
    gig = models.ForeignKey(Gig, on_delete=models.PROTECT, related_name="orders")
    package = models.ForeignKey(
        Package, on_delete=models.SET_NULL, null=True, blank=True, related_name="orders"
    )
    # The terms are copied at ordering time: a later edit of the gig does not change them.
    title = models.CharField(max_length=120)
    tier = models.CharField(max_length=10, blank=True)
    price = models.DecimalField(max_digits=9, decimal_places=2)
    delivery_days = models.PositiveSmallIntegerField()
    revisions_included = models.PositiveSmallIntegerField()
    revisions_used = models.PositiveSmallIntegerField(default=0)
    # A custom offer's milestones, copied on acceptance as part of the terms:
    # [{"title": str, "amount": "40.00", "due_days": int}, …]; empty for a package order.
    milestones = models.JSONField(default=list, blank=True)
    refunded_amount = models.DecimalField(max_digits=9, decimal_places=2, default=Decimal("0"))
    # Checked in clean(): contact details may be the work of this order (contact_context).
    requirements = models.TextField(max_length=5000, blank=True)
    status = models.CharField(
        max_length=24, choices=Status.choices, default=Status.PENDING_REQUIREMENTS
    )
    created_at = models.DateTimeField(default=clock.now, editable=False)
    started_at = models.DateTimeField(null=True, blank=True)
    due_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["buyer", "status"]),
            models.Index(fields=["seller", "status"]),
            models.Index(fields=["status", "delivered_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(buyer=models.F("seller")), name="order_buyer_is_not_seller"
            )
        ]

    def __str__(self) -> str:
        return f"{self.reference}: {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("marketplace:order", kwargs={"pk": self.pk})

    @property
    def reference(self) -> str:
        return f"GB-{self.pk:06d}"

    @property
    def revisions_left(self) -> int:
        return max(self.revisions_included - self.revisions_used, 0)

    def is_party(self, user: models.Model) -> bool:
        return user.pk in (self.buyer_id, self.seller_id)

    def contact_context(self) -> OrderContext:
        """The order as the contact policy reads it: may contact details be its work?"""
        gig = self.gig
        return OrderContext(
            order_id=self.pk,
            seller_id=self.seller_id,
            details_are_work=gig.contact_details_as_work and gig.category.contact_details_as_work,
            active=self.status in self.ACTIVE_STATUSES,
        )

    def clean(self) -> None:
        # The buyer writes the requirements: delivered to the seller as written only when
        # contact details are this order's work (the gig is read only when there are some).
        policy = get_contact_policy()
        if not self.requirements or not policy.scan(self.requirements).has_contact:
            return
        try:
            policy.refuse_contact_details(
                self.requirements, order=self.contact_context(), writer_id=self.buyer_id
            )
        except ValidationError as error:
            raise ValidationError({"requirements": error.error_list}) from None


class OrderEvent(models.Model):
    """The order's timeline: every status change, who made it and when (append-only)."""

    class Kind(models.TextChoices):
        PLACED = "placed", "Order placed"
        REQUIREMENTS_SENT = "requirements_sent", "Requirements sent"
        DELIVERED = "delivered", "Delivered"
        REVISION_REQUESTED = "revision_requested", "Revision requested"
        COMPLETED = "completed", "Completed"
        CANCELLED = "cancelled", "Cancelled"
        DISPUTED = "disputed", "Dispute opened"
        RESOLVED = "resolved", "Dispute resolved"
        SELLER_SUSPENDED = "seller_suspended", "Seller suspended"
        SELLER_REINSTATED = "seller_reinstated", "Seller reinstated"

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=24, choices=Kind.choices)
    actor = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    note = models.TextField(max_length=5000, blank=True)
    created_at = models.DateTimeField(default=clock.now, editable=False)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.order.reference} {self.get_kind_display()}"


def delivery_upload_to(instance: Delivery, filename: str) -> str:
    # The user's file name is kept in Delivery.file_name; the stored name is never theirs.
    return f"deliveries/{instance.order_id}/{uuid.uuid4().hex}"


class Delivery(models.Model):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="deliveries")
    note = models.TextField(max_length=5000, validators=[reject_contact_details])
    file = models.FileField(upload_to=delivery_upload_to, blank=True, max_length=200)
    file_name = models.CharField(max_length=200, blank=True, validators=[reject_contact_details])
    content_type = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(default=clock.now, editable=False)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name_plural = "deliveries"

    def __str__(self) -> str:
        return f"Delivery for {self.order.reference}"


# The storefront: gig images, requirement questions and their answers, away periods.


def public_upload_to(instance: models.Model, filename: str) -> str:
    # Public files (gig images, avatars) under public/: served without an access check.
    return f"public/gigs/{uuid.uuid4().hex}{PurePath(filename).suffix}"


class GigImage(models.Model):
    """One of up to 5 pictures of a gig, re-encoded at upload; the first one is the cover."""

    gig = models.ForeignKey(Gig, on_delete=models.CASCADE, related_name="images")
    position = models.PositiveSmallIntegerField(default=0)
    image = models.FileField(upload_to=public_upload_to, max_length=200)
    large = models.FileField(upload_to=public_upload_to, max_length=200)
    small = models.FileField(upload_to=public_upload_to, max_length=200)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    created_at = models.DateTimeField(default=clock.now, editable=False)

    class Meta:
        ordering = ["gig", "position", "pk"]

    def __str__(self) -> str:
        return f"Image {self.position + 1} of {self.gig_id}"


class RequirementQuestion(models.Model):
    """A question the seller asks every buyer of the gig, answered at checkout."""

    class Kind(models.TextChoices):
        TEXT = "text", "Free text"
        CHOICE = "choice", "Multiple choice"
        FILE = "file", "File"

    gig = models.ForeignKey(Gig, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveSmallIntegerField(default=0)
    prompt = models.CharField(max_length=200, validators=[reject_contact_details])
    kind = models.CharField(max_length=6, choices=Kind.choices, default=Kind.TEXT)
    # For a multiple-choice question: one choice a line.
    choices = models.TextField(max_length=1000, blank=True, validators=[reject_contact_details])
    required = models.BooleanField(default=True)

    class Meta:
        ordering = ["gig", "position", "pk"]

    def __str__(self) -> str:
        return self.prompt

    @property
    def choice_list(self) -> list[str]:
        return [line.strip() for line in self.choices.splitlines() if line.strip()]


def answer_upload_to(instance: OrderAnswer, filename: str) -> str:
    return f"answers/{instance.order_id}/{uuid.uuid4().hex}"


class OrderAnswer(models.Model):
    """A buyer's answer to a requirement question; the question is copied (it may change)."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="answers")
    prompt = models.CharField(max_length=200)
    kind = models.CharField(max_length=6, choices=RequirementQuestion.Kind.choices)
    text = models.TextField(max_length=2000, blank=True, validators=[reject_contact_details])
    file = models.FileField(upload_to=answer_upload_to, blank=True, max_length=200)
    file_name = models.CharField(max_length=200, blank=True, validators=[reject_contact_details])
    content_type = models.CharField(max_length=100, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "position", "pk"]

    def __str__(self) -> str:
        return f"{self.prompt} ({self.order_id})"


# A seller's away periods live beside availability's rules; imported here so the app has them.
from marketplace.away_periods import AwayPeriod  # noqa: E402, F401
