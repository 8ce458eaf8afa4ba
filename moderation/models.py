"""Moderation data. For now: flags on messages, raised by the detector or by users' reports.

Kept minimal on purpose; the moderation queue, strikes and restrictions build on it.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from inbox.models import AppendOnlyError, AppendOnlyQuerySet


class Flag(models.Model):
    """A message that needs a moderator's look. One open flag per message: later detections
    and reports of the same message merge into it."""

    class Source(models.TextChoices):
        DETECTOR = "detector", "Contact detector"
        REPORT = "report", "User report"

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        DISMISSED = "dismissed", "Dismissed"
        CONFIRMED = "confirmed", "Confirmed"

    message = models.ForeignKey("inbox.Message", on_delete=models.PROTECT, related_name="flags")
    source = models.CharField(max_length=10, choices=Source.choices)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    kinds = models.JSONField(default=list, blank=True, help_text="Kinds of contact detail found, e.g. phone.")
    rules = models.JSONField(default=list, blank=True, help_text="Detector rules that matched.")
    snapshot = models.JSONField(default=dict, blank=True, help_text="The message and its neighbours when flagged.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["message"], condition=models.Q(status="open"), name="one_open_flag_per_message"
            )
        ]

    def __str__(self) -> str:
        return f"Flag {self.pk} ({self.get_source_display()}, {self.get_status_display()})"


class FlagReport(models.Model):
    """One user's report of a message; several reports share the message's open flag."""

    class Reason(models.TextChoices):
        SPAM = "spam", "Spam"
        HARASSMENT = "harassment", "Harassment or abuse"
        CONTACT = "contact", "Sharing contact details"
        SCAM = "scam", "Scam or fraud"
        OTHER = "other", "Something else"

    flag = models.ForeignKey(Flag, on_delete=models.CASCADE, related_name="reports")
    reporter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(max_length=12, choices=Reason.choices)
    note = models.TextField(max_length=1000, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"Report {self.pk} on flag {self.flag_id}"


class StaffAccess(models.Model):
    """One staff read of protected data (original text, a case file, an export): who, what,
    when and why. Append-only: the model refuses updates and deletes, the admin is read-only,
    and on PostgreSQL a trigger refuses them too (migration 0002)."""

    class Action(models.TextChoices):
        REVEAL_ORIGINAL = "reveal_original", "Revealed original text"
        CASE_FILE = "case_file", "Opened a case file"
        EXPORT = "export", "Exported"
        CONVERSATION_LOG = "conversation_log", "Read a conversation log"
        OTHER = "other", "Other"

    staff = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    action = models.CharField(max_length=20, choices=Action.choices)
    conversation = models.ForeignKey(
        "inbox.Conversation", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    message = models.ForeignKey("inbox.Message", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    reference = models.CharField(max_length=100, blank=True, help_text='What was read, e.g. "dispute:12".')
    reason = models.TextField(max_length=1000)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "staff access"
        verbose_name_plural = "staff access log"
        indexes = [models.Index(fields=["staff", "-created_at"], name="staffaccess_staff_time")]

    def __str__(self) -> str:
        return f"{self.staff_id} {self.action} {self.created_at:%Y-%m-%d %H:%M}"

    def save(self, *args, **kwargs) -> None:
        if not self._state.adding:
            raise AppendOnlyError("The staff access log is append-only: rows cannot be updated.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("The staff access log is append-only: rows cannot be deleted.")
