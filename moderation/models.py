"""Moderation data: flags on messages (from the detector or users' reports), strikes,
sanctions (messaging restrictions and suspensions), the escalation policy, appeals and the
staff access log.

Models hold data and invariants only; every write goes through moderation.services.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from config import clock
from core.append_only import AppendOnlyModel
from marketplace.models import User


class Case(models.Model):
    """The flags of one sender in one conversation within settings.GIGBOX_CASE_WINDOW_HOURS
    of the case's first flag: decided once ("confirm case": one strike citing every message),
    so a burst of twenty messages is one decision, one strike and one statistic per rule."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        CONFIRMED = "confirmed", "Confirmed"
        DISMISSED = "dismissed", "Dismissed"

    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    conversation = models.ForeignKey(
        "inbox.Conversation", on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    opened_at = models.DateTimeField(default=clock.now, editable=False)
    last_flag_at = models.DateTimeField(default=clock.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(max_length=2000, blank=True)

    class Meta:
        ordering = ["opened_at", "id"]
        indexes = [
            models.Index(fields=["status", "opened_at"], name="case_queue"),
            models.Index(fields=["sender", "conversation", "status"], name="case_open_of_sender"),
        ]

    def __str__(self) -> str:
        return f"Case {self.pk}"


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

    class Resolution(models.TextChoices):
        """Why a flag was closed. Only CONFIRMED and NOT_CONTACT are decisions about a rule;
        COVERED and DUPLICATE follow a decision already counted (selectors.rule_stats)."""

        CONFIRMED = "confirmed", "Confirmed: strike given"
        COVERED = "covered", "Covered by a strike"
        NOT_CONTACT = "not_contact", "Dismissed: not contact"
        DUPLICATE = "duplicate", "Duplicate"

    class Priority(models.TextChoices):
        # high: a detail was masked (or a user reported it); low: delivered as written and
        # only recorded (an intent with nothing to mask, contact details as an order's work).
        HIGH = "high", "High"
        LOW = "low", "Low"

    message = models.ForeignKey("inbox.Message", on_delete=models.PROTECT, related_name="flags")
    source = models.CharField(max_length=10, choices=Source.choices)
    priority = models.CharField(max_length=4, choices=Priority.choices, default=Priority.HIGH)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    kinds = models.JSONField(
        default=list, blank=True, help_text="Kinds of contact detail found, e.g. phone."
    )
    rules = models.JSONField(default=list, blank=True, help_text="Detector rules that matched.")
    contact_values = models.TextField(
        blank=True,
        default="",
        help_text="The detector's normalised values (E.164 phones, lower-cased emails, "
        "platform:handle), one per line between newlines: read only by the recorded contact "
        "search (moderation.contact_search).",
    )
    snapshot = models.JSONField(
        default=dict, blank=True, help_text="The message and its neighbours when flagged."
    )
    created_at = models.DateTimeField(default=clock.now, editable=False)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(
        max_length=2000, blank=True, help_text="For moderators; the user never sees it."
    )
    case = models.ForeignKey(
        Case, on_delete=models.PROTECT, null=True, blank=True, related_name="flags"
    )
    resolution = models.CharField(
        max_length=12, choices=Resolution.choices, blank=True, help_text="How it was closed."
    )
    covered_by = models.ForeignKey(
        "moderation.Strike",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="covered_flags",
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["message"],
                condition=models.Q(status="open"),
                name="one_open_flag_per_message",
            )
        ]
        indexes = [models.Index(fields=["status", "created_at"], name="flag_queue")]

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
    # The flag's message, kept here so that one user reports one message once, whichever
    # flag is open (a closed flag and a later one are two flags on the same message).
    message = models.ForeignKey(
        "inbox.Message", on_delete=models.PROTECT, null=True, related_name="+"
    )
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.CharField(max_length=12, choices=Reason.choices)
    note = models.TextField(max_length=1000, blank=True)
    created_at = models.DateTimeField(default=clock.now, editable=False)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["message", "reporter"], name="one_report_per_user_per_message"
            )
        ]

    def __str__(self) -> str:
        return f"Report {self.pk} on flag {self.flag_id}"


class Strike(models.Model):
    """A confirmed breach of the rules by `user`. Counts towards escalation while active: not
    overturned and not expired. Never deleted: an upheld appeal marks it overturned."""

    class Kind(models.TextChoices):
        CONTACT_SHARING = "contact_sharing", "Sharing contact details"
        OFF_PLATFORM_PAYMENT = "off_platform_payment", "Asking for payment outside Gigbox"
        ABUSE = "abuse", "Abuse or harassment"
        SPAM = "spam", "Spam"
        OTHER = "other", "Other"

    DEFAULT_LIFETIME = timedelta(days=90)

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="strikes"
    )
    kind = models.CharField(max_length=24, choices=Kind.choices)
    flag = models.ForeignKey(
        Flag, on_delete=models.PROTECT, null=True, blank=True, related_name="strikes"
    )
    message = models.ForeignKey(
        "inbox.Message", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    moderator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    note = models.TextField(max_length=4000, help_text="Shown to the user: what happened and why.")
    case = models.ForeignKey(
        Case, on_delete=models.PROTECT, null=True, blank=True, related_name="strikes"
    )
    evidence = models.TextField(
        max_length=2000, blank=True, help_text="Links to the evidence, one a line (staff only)."
    )
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    overturned_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "expires_at"], name="strike_user_expiry")]
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_at__gt=models.F("created_at")),
                name="strike_expires_after_creation",
            )
        ]

    def __str__(self) -> str:
        return f"Strike {self.pk}: {self.get_kind_display()} ({self.user.username})"

    def is_active(self, now=None) -> bool:
        return self.overturned_at is None and self.expires_at > (now or timezone.now())


def active_strikes_q(now) -> Q:
    """Strikes that count towards escalation at `now`."""
    return Q(overturned_at__isnull=True, expires_at__gt=now)


class SanctionPolicy(models.Model):
    """One step of escalation: what having `active_strikes` active strikes leads to. The
    step with the highest threshold at or below a user's count applies."""

    class Action(models.TextChoices):
        WARNING = "warning", "Warning"
        RESTRICT = "restrict", "Messaging restricted"
        SUSPEND = "suspend", "Account suspended"

    active_strikes = models.PositiveSmallIntegerField(
        unique=True, help_text="Number of active strikes."
    )
    action = models.CharField(max_length=10, choices=Action.choices)
    duration_days = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        help_text="How long a restriction or suspension lasts; empty: until a moderator lifts it.",
    )

    class Meta:
        ordering = ["active_strikes"]
        verbose_name_plural = "sanction policy"
        constraints = [
            models.CheckConstraint(
                condition=Q(active_strikes__gte=1), name="policy_threshold_positive"
            )
        ]

    def __str__(self) -> str:
        return f"{self.active_strikes} active strike(s): {self.get_action_display()}"


class Sanction(models.Model):
    """A restriction of messaging or a suspension, from escalation (`strike` set) or given
    directly by a moderator. Active until `ends_at` (none: until lifted) or until lifted.

    The record; User.messaging_restricted_until / suspended_until mirror the active ones."""

    class Kind(models.TextChoices):
        RESTRICT = "restrict", "Messaging restricted"
        SUSPEND = "suspend", "Account suspended"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="sanctions"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices)
    reason = models.TextField(max_length=2000, help_text="Shown to the user.")
    strike = models.ForeignKey(
        Strike, on_delete=models.PROTECT, null=True, blank=True, related_name="sanctions"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField(
        null=True, blank=True, help_text="Empty: until a moderator lifts it."
    )
    lifted_at = models.DateTimeField(null=True, blank=True)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    lift_reason = models.TextField(max_length=2000, blank=True)
    expired_at = models.DateTimeField(
        null=True, blank=True, help_text="When expire_sanctions noticed the end."
    )

    class Meta:
        ordering = ["-starts_at", "-id"]
        indexes = [models.Index(fields=["user", "lifted_at"], name="sanction_user_open")]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__isnull=True) | Q(ends_at__gt=models.F("starts_at")),
                name="sanction_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for {self.user.username}"

    def is_active(self, now=None) -> bool:
        now = now or timezone.now()
        return (
            self.lifted_at is None
            and self.starts_at <= now
            and (self.ends_at is None or self.ends_at > now)
        )


def active_sanctions_q(now) -> Q:
    return Q(lifted_at__isnull=True, starts_at__lte=now) & (
        Q(ends_at__isnull=True) | Q(ends_at__gt=now)
    )


class Appeal(models.Model):
    """A user's appeal of one strike, or of one sanction imposed directly (no strike): exactly
    one of the two is set, at most one appeal each. Decided by another moderator than the one
    who gave the strike or imposed the sanction."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        UPHELD = "upheld", "Upheld: strike removed"
        REJECTED = "rejected", "Rejected"

    WINDOW = timedelta(days=14)

    strike = models.OneToOneField(
        Strike, on_delete=models.PROTECT, null=True, blank=True, related_name="appeal"
    )
    sanction = models.OneToOneField(
        Sanction, on_delete=models.PROTECT, null=True, blank=True, related_name="appeal"
    )
    text = models.TextField(max_length=3000)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField()
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.TextField(max_length=2000, blank=True, help_text="Shown to the user.")

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(strike__isnull=False, sanction__isnull=True)
                | Q(strike__isnull=True, sanction__isnull=False),
                name="appeal_of_strike_or_sanction",
            )
        ]

    def __str__(self) -> str:
        return f"Appeal {self.pk} of {self.subject_label}"

    @property
    def subject_label(self) -> str:
        """'strike 4' or 'sanction 7': what the appeal is about."""
        if self.sanction_id is not None:
            return f"sanction {self.sanction_id}"
        return f"strike {self.strike_id}"

    @property
    def status_label(self) -> str:
        if self.sanction_id is not None and self.status == self.Status.UPHELD:
            return "Upheld: sanction lifted"
        return self.get_status_display()

    @property
    def appellant(self):
        """The user who appealed: the strike's or the sanction's."""
        return self.sanction.user if self.sanction_id is not None else self.strike.user

    @property
    def imposed_by_id(self) -> int:
        """Who gave the strike or imposed the sanction: they do not decide the appeal."""
        if self.sanction_id is not None:
            return self.sanction.created_by_id
        return self.strike.moderator_id


class StaffAccess(AppendOnlyModel):
    """One staff read of protected data (original text, a case file, an export): who, what,
    when and why. Append-only: the model refuses updates and deletes, the admin is read-only,
    and on PostgreSQL a trigger refuses them too (migration 0002)."""

    append_only_message = "The staff access log is append-only: rows cannot be {}."

    class Action(models.TextChoices):
        REVEAL_ORIGINAL = "reveal_original", "Revealed original text"
        CASE_FILE = "case_file", "Opened a case file"
        EXPORT = "export", "Exported"
        CONVERSATION_LOG = "conversation_log", "Read a conversation log"
        ATTACHMENT = "attachment", "Downloaded an inbox attachment"
        ORDER_PAGE = "order_page", "Opened an order page"
        DELIVERY_FILE = "delivery_file", "Downloaded an order file"
        ADMIN_LOOKUP = "admin_lookup", "Looked up original text in admin"
        CONTACT_SEARCH = "contact_search", "Searched a contact detail"
        HIDE_MESSAGE = "hide_message", "Hid a message from the parties"
        LOG_EXPORT = "log_export", "Exported the access log"
        OTHER = "other", "Other"

    staff = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    action = models.CharField(max_length=20, choices=Action.choices)
    conversation = models.ForeignKey(
        "inbox.Conversation", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    message = models.ForeignKey(
        "inbox.Message", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reference = models.CharField(
        max_length=100, blank=True, help_text='What was read, e.g. "dispute:12".'
    )
    reason = models.TextField(max_length=1000)
    created_at = models.DateTimeField(default=clock.now, editable=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "staff access"
        verbose_name_plural = "staff access log"
        indexes = [models.Index(fields=["staff", "-created_at"], name="staffaccess_staff_time")]

    def __str__(self) -> str:
        return f"{self.staff_id} {self.action} {self.created_at:%Y-%m-%d %H:%M}"


class StaffNote(AppendOnlyModel):
    """A moderator's note on a user's moderation page: written once, never changed (a
    correction is a new note). On PostgreSQL a trigger refuses changes too (migration 0006)."""

    append_only_message = "Staff notes are append-only: they cannot be {}."

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="staff_notes"
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(max_length=2000)
    created_at = models.DateTimeField(default=clock.now, editable=False)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Note {self.pk} on {self.user_id}"


class ModeratedUser(User):
    """A user as moderation sees them: the admin's per-user page (moderation.admin.users).
    A proxy: no table of its own, only the page and its permission."""

    class Meta:
        proxy = True
        verbose_name = "user"
        verbose_name_plural = "users"
