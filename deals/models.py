"""Deals around the inbox: custom offers, reviews, saved replies and response figures.

Models point one way: deals -> inbox -> marketplace. Models hold data and invariants only;
every write goes through deals.services.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse

from config import clock
from marketplace.validators import reject_contact_details

MIN_PRICE = Decimal("5.00")
MAX_PRICE = Decimal("50000.00")


class Offer(models.Model):
    """A seller's custom terms for one buyer, sent from a conversation."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        ACCEPTED = "accepted", "Accepted"
        DECLINED = "declined", "Declined"
        WITHDRAWN = "withdrawn", "Withdrawn"
        EXPIRED = "expired", "Expired"

    conversation = models.ForeignKey(
        "inbox.Conversation", on_delete=models.PROTECT, related_name="offers"
    )
    # The system message that shows the offer in the thread (its text is the evidence).
    message = models.OneToOneField(
        "inbox.Message", on_delete=models.PROTECT, null=True, blank=True, related_name="offer"
    )
    seller = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="offers_sent"
    )
    buyer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="offers_received"
    )
    gig = models.ForeignKey("marketplace.Gig", on_delete=models.PROTECT, related_name="offers")
    # The terms, fixed when sent: a later edit of the gig does not change them.
    title = models.CharField(max_length=120)
    description = models.TextField(max_length=2000, validators=[reject_contact_details])
    price = models.DecimalField(
        max_digits=9,
        decimal_places=2,
        validators=[MinValueValidator(MIN_PRICE), MaxValueValidator(MAX_PRICE)],
    )
    delivery_days = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(90)]
    )
    revisions = models.PositiveSmallIntegerField(validators=[MaxValueValidator(20)])
    # Up to 3 of {"title", "amount" (decimal string), "due_days"}; checked by the service.
    milestones = models.JSONField(default=list, blank=True)
    expires_at = models.DateTimeField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    order = models.OneToOneField(
        "marketplace.Order", on_delete=models.PROTECT, null=True, blank=True, related_name="offer"
    )
    created_at = models.DateTimeField(default=clock.now, editable=False)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["status", "expires_at"]),
            models.Index(fields=["seller", "status"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(buyer=models.F("seller")), name="offer_buyer_is_not_seller"
            ),
        ]

    def __str__(self) -> str:
        return f"Offer #{self.pk}: {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("deals:offer", kwargs={"pk": self.pk})

    def status_at(self, now: datetime) -> str:
        """The status as people see it: a pending offer past its expiry is expired, even
        before `manage.py expire_offers` has written it down."""
        if self.status == self.Status.PENDING and self.expires_at <= now:
            return self.Status.EXPIRED
        return self.status


class Review(models.Model):
    """One side's rating of the other after a completed order (one per side per order)."""

    class Side(models.TextChoices):
        BUYER = "buyer", "Buyer"  # the buyer reviews the seller
        SELLER = "seller", "Seller"  # the seller reviews the buyer

    order = models.ForeignKey("marketplace.Order", on_delete=models.PROTECT, related_name="reviews")
    side = models.CharField(max_length=6, choices=Side.choices)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="reviews_written"
    )
    subject = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="reviews_received"
    )
    rating = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    text = models.TextField(max_length=2000, validators=[reject_contact_details])
    created_at = models.DateTimeField()
    # The reviewed person's public answer, once (deals.review_replies).
    reply = models.TextField(max_length=1000, blank=True, validators=[reject_contact_details])
    replied_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["order", "side"], name="one_review_per_side_per_order"),
            models.CheckConstraint(
                condition=models.Q(rating__gte=1, rating__lte=5), name="review_rating_1_to_5"
            ),
        ]
        indexes = [models.Index(fields=["subject", "side"])]

    def __str__(self) -> str:
        return f"{self.get_side_display()} review of {self.order_id}"


class SavedReply(models.Model):
    """A user's quick response, inserted into the composer with "/" or Alt+Q."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_replies"
    )
    title = models.CharField(max_length=60, validators=[reject_contact_details])
    body = models.TextField(max_length=2000, validators=[reject_contact_details])
    created_at = models.DateTimeField(default=clock.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["title", "pk"]
        verbose_name_plural = "saved replies"

    def __str__(self) -> str:
        return self.title


class ResponseStats(models.Model):
    """A seller's responsiveness, recomputed from the message log (`update_response_stats`)."""

    seller = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="response_stats",
    )
    conversations = models.PositiveIntegerField(
        default=0, help_text="New conversations judged (last 60 days)."
    )
    answered_in_time = models.PositiveIntegerField(
        default=0, help_text="Of those, answered within 24 hours."
    )
    response_rate = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Percent; empty with no data."
    )
    average_response_seconds = models.PositiveIntegerField(null=True, blank=True)
    computed_at = models.DateTimeField()

    class Meta:
        verbose_name_plural = "response stats"

    def __str__(self) -> str:
        return f"Response stats of {self.seller_id}"
