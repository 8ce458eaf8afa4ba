"""Inbox data: conversations, each user's side of one, messages (append-only, hash-chained),
attachments, blocks and message withdrawals (Trust & Safety hid a message).

Models hold data and invariants only; every write goes through the inbox's write modules
(messages only through inbox.send; conversations, read marks, filing and blocks through
inbox.conversations, inbox.read_marks and inbox.services). Messages
are evidence: once inserted, a row is never updated or deleted (the model refuses, the admin
offers no way, and on PostgreSQL a trigger refuses raw SQL too: migration 0002).
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models

from config import clock
from core.append_only import AppendOnlyModel
from core.contact_policy import hides
from inbox import chain


class Conversation(models.Model):
    """A thread between two users: the general one of the pair, or an order's own thread."""

    user_a = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    user_b = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    gig = models.ForeignKey(
        "marketplace.Gig",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="conversations",
    )
    order = models.OneToOneField(
        "marketplace.Order",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="conversation",
    )
    created_at = models.DateTimeField()
    # The head of the chain: the last message's seq and hash (0 and the genesis hash when empty).
    last_seq = models.PositiveIntegerField(default=0)
    last_hash = models.CharField(max_length=64)
    last_message_at = models.DateTimeField(help_text="Time of the last message, else of creation.")
    last_message = models.ForeignKey(
        "inbox.Message", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(user_a__lt=models.F("user_b")), name="conversation_users_ordered"
            ),
            models.UniqueConstraint(
                fields=["user_a", "user_b"],
                condition=models.Q(order__isnull=True),
                name="one_general_conversation_per_pair",
            ),
        ]
        indexes = [models.Index(fields=["-last_message_at", "-id"], name="conversation_activity")]

    def __str__(self) -> str:
        return f"Conversation {self.pk}"

    def user_ids(self) -> tuple[int, int]:
        return (self.user_a_id, self.user_b_id)

    def other_user_id(self, user_id: int) -> int:
        return self.user_b_id if user_id == self.user_a_id else self.user_a_id

    def other_user(self, user_id: int):
        """The other side's User (select_related user_a and user_b to read it without a query)."""
        return self.user_b if user_id == self.user_a_id else self.user_a


class Participant(models.Model):
    """One user's side of a conversation: what they read and how they filed it."""

    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="participants"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="inbox_participations"
    )
    last_read_seq = models.PositiveIntegerField(default=0)
    starred = models.BooleanField(default=False)
    archived = models.BooleanField(
        default=False, help_text="Comes back to the inbox on a new message."
    )
    spam = models.BooleanField(default=False)
    muted = models.BooleanField(default=False)
    labels = models.JSONField(default=list, blank=True)
    # The last seq an unread-messages email covered (inbox/digests.py): never announced twice.
    notified_seq = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["conversation", "user"], name="one_participant_per_user"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user_id} in {self.conversation_id}"


class Message(AppendOnlyModel):
    append_only_message = "Messages are append-only: they cannot be {}."

    class Kind(models.TextChoices):
        USER = "user", "User"
        SYSTEM = "system", "System"

    conversation = models.ForeignKey(
        Conversation, on_delete=models.PROTECT, related_name="messages"
    )
    seq = models.PositiveIntegerField()
    kind = models.CharField(max_length=8, choices=Kind.choices, default=Kind.USER)
    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    client_id = models.CharField(max_length=64, blank=True)
    body = models.TextField(help_text="The original text, as the sender wrote it.")
    delivered_body = models.TextField(help_text="What the other side sees: contact details masked.")
    findings = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField()
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["conversation", "seq"], name="message_seq_unique"),
            models.UniqueConstraint(
                fields=["sender", "client_id"],
                condition=~models.Q(client_id=""),
                name="message_client_id_unique",
            ),
        ]
        indexes = [models.Index(fields=["sender", "created_at"], name="message_sender_time")]

    def __str__(self) -> str:
        return f"#{self.seq} in {self.conversation_id}"

    @property
    def masked(self) -> bool:
        """Was a detail hidden? Tier-2 intents and work content are recorded, not hidden."""
        return any(hides(finding) for finding in self.findings)


def attachment_upload_to(instance: Attachment, filename: str) -> str:
    # The user's file name is kept in Attachment.name; the stored name is never theirs.
    return f"attachments/{instance.conversation_id}/{uuid.uuid4().hex}"


class Attachment(AppendOnlyModel):
    append_only_message = "Attachments are append-only: they cannot be {}."

    message = models.ForeignKey(Message, on_delete=models.PROTECT, related_name="attachments")
    # Denormalised from the message: the storage path is chosen before the message exists.
    conversation = models.ForeignKey(Conversation, on_delete=models.PROTECT, related_name="+")
    file = models.FileField(upload_to=attachment_upload_to, max_length=200)
    name = models.CharField(
        max_length=200, help_text="The sender's file name, shown and offered on download."
    )
    size = models.PositiveBigIntegerField()
    content_type = models.CharField(
        max_length=100, help_text="Detected from the content, not the name."
    )
    sha256 = models.CharField(max_length=64)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name

    def chain_entry(self) -> dict[str, object]:
        """The attachment as the hash chain records it."""
        return chain.attachment_entry(
            name=self.name, size=self.size, sha256=self.sha256, content_type=self.content_type
        )


class Block(models.Model):
    """`blocker` no longer hears from `blocked`; either direction stops messages between them."""

    blocker = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    blocked = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["blocker", "blocked"], name="one_block_per_pair"),
            models.CheckConstraint(
                condition=~models.Q(blocker=models.F("blocked")), name="no_self_block"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.blocker_id} blocks {self.blocked_id}"


class MessageWithdrawal(AppendOnlyModel):
    """Trust & Safety hid a message from the parties: they see a notice instead of its text
    (inbox.withdrawals). The message itself is untouched (the chain still verifies); the
    case file and the exports show the original with this row beside it."""

    append_only_message = "Message withdrawals are append-only: they cannot be {}."

    message = models.OneToOneField(Message, on_delete=models.PROTECT, related_name="withdrawal")
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField(max_length=1000, help_text="Staff only; the parties see a notice.")
    reference = models.CharField(max_length=100, blank=True, help_text='E.g. "flag:12".')
    created_at = models.DateTimeField(default=clock.now, editable=False)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Message {self.message_id} withdrawn"
