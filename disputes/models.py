"""Disputes on orders: what a party asked for, what both sides said, staff notes, the outcome.

Models hold data and invariants only; every write goes through disputes.services. What the
parties write (statements, answers, evidence) is append-only like inbox messages: a reviewer
reads exactly what was said.
"""

from __future__ import annotations

import uuid
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse

from config import clock
from core.append_only import AppendOnlyModel
from marketplace.validators import reject_contact_details


class Outcome(models.TextChoices):
    """What a party asks for when opening a dispute, and what the reviewer decides."""

    REFUND = "refund", "Full refund (order cancelled)"
    PARTIAL_REFUND = "partial_refund", "Partial refund (order completed)"
    RELEASE = "release", "Release payment to the seller (order completed)"
    CANCEL = "cancel", "Cancel by agreement (order cancelled, full refund)"
    MORE_TIME = "more_time", "More time to deliver (order back in progress)"


class Dispute(models.Model):
    class Reason(models.TextChoices):
        NOT_DELIVERED = "not_delivered", "The work was not delivered"
        NOT_AS_DESCRIBED = "not_as_described", "The delivery is not what was agreed"
        LATE = "late", "The order is late"
        QUALITY = "quality", "The quality is not acceptable"
        UNRESPONSIVE = "unresponsive", "The other side does not answer"
        BUYER_REQUESTS = "buyer_requests", "The buyer asks for more than was agreed"
        OTHER = "other", "Something else"

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        RESOLVED = "resolved", "Resolved"

    order = models.ForeignKey(
        "marketplace.Order", on_delete=models.PROTECT, related_name="disputes"
    )
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.CharField(max_length=20, choices=Reason.choices)
    requested_outcome = models.CharField(max_length=16, choices=Outcome.choices)
    requested_refund_percent = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(99)]
    )
    requested_extra_days = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(30)]
    )
    # The order's status when the dispute was opened (the reviewer sees where it stood).
    order_status_before = models.CharField(max_length=24)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    answered_at = models.DateTimeField(null=True, blank=True)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    resolution = models.CharField(max_length=16, choices=Outcome.choices, blank=True)
    refund_percent = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(99)]
    )
    refunded_amount = models.DecimalField(max_digits=9, decimal_places=2, default=Decimal("0"))
    extra_days = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(30)]
    )
    resolution_note = models.TextField(
        max_length=2000, blank=True, help_text="Both parties see this."
    )
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=clock.now, editable=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["order"],
                condition=models.Q(status="open"),
                name="one_open_dispute_per_order",
            )
        ]
        indexes = [models.Index(fields=["status", "assigned_to"], name="dispute_queue")]
        permissions = [("export_conversation", "Can export a dispute's signed conversation log")]

    def __str__(self) -> str:
        return f"Dispute #{self.pk} on {self.order.reference}"

    def get_absolute_url(self) -> str:
        return reverse("disputes:dispute", kwargs={"order_pk": self.order_id})

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN


def entry_upload_to(instance: DisputeEntry, filename: str) -> str:
    # The user's file name is kept in DisputeEntry.file_name; the stored name is never theirs.
    return f"disputes/{instance.dispute_id}/{uuid.uuid4().hex}"


class DisputeEntry(AppendOnlyModel):
    """One thing a party said in the dispute: the opening statement, the answer, evidence."""

    append_only_message = "Dispute entries are append-only: they cannot be {}."

    class Kind(models.TextChoices):
        STATEMENT = "statement", "Opening statement"
        ANSWER = "answer", "Answer"
        EVIDENCE = "evidence", "Evidence"

    dispute = models.ForeignKey(Dispute, on_delete=models.PROTECT, related_name="entries")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    body = models.TextField(max_length=5000, validators=[reject_contact_details])
    file = models.FileField(upload_to=entry_upload_to, blank=True, max_length=200)
    file_name = models.CharField(max_length=200, blank=True)
    file_size = models.PositiveBigIntegerField(null=True, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(default=clock.now, editable=False)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name_plural = "dispute entries"

    def __str__(self) -> str:
        return f"{self.get_kind_display()} in dispute #{self.dispute_id}"


class DisputeNote(AppendOnlyModel):
    """A reviewer's internal note: staff only, never shown to the parties."""

    append_only_message = "Dispute notes are append-only: they cannot be {}."

    dispute = models.ForeignKey(Dispute, on_delete=models.PROTECT, related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    body = models.TextField(max_length=5000)
    created_at = models.DateTimeField(default=clock.now, editable=False)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"Note {self.pk} on dispute #{self.dispute_id}"


class HeadCheckpoint(AppendOnlyModel):
    """A signed statement that a conversation's hash chain had `head_hash` at `seq`, at
    `signed_at` (disputes.checkpoints writes them; inbox.verification checks them).

    The chain alone cannot show a rewrite that recomputes every later hash and the head;
    a checkpoint can, because its signature needs the Ed25519 key, which is not in the
    database. Append-only like the evidence it anchors: the model refuses updates and
    deletes, and on PostgreSQL a trigger refuses them too (migration 0003).
    """

    append_only_message = "Head checkpoints are append-only: they cannot be {}."

    conversation = models.ForeignKey(
        "inbox.Conversation", on_delete=models.PROTECT, related_name="+"
    )
    seq = models.PositiveIntegerField()
    head_hash = models.CharField(max_length=64)
    signed_at = models.DateTimeField()
    key_id = models.CharField(max_length=100)
    signature = models.CharField(
        max_length=88, help_text="Base64 Ed25519 signature (disputes.export_format)."
    )

    class Meta:
        ordering = ["conversation", "seq"]
        constraints = [
            # One checkpoint per head: running the daily job twice signs nothing twice.
            models.UniqueConstraint(fields=["conversation", "seq"], name="head_checkpoint_unique"),
        ]

    def __str__(self) -> str:
        return f"Checkpoint of conversation {self.conversation_id} at seq {self.seq}"
