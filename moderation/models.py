"""Moderation data. For now: flags on messages, raised by the detector or by users' reports.

Kept minimal on purpose; the moderation queue, strikes and restrictions build on it.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


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
