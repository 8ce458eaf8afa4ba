"""Inbox in Django admin: read-only. Messages and attachments are evidence (append-only);
conversations and read state change only through the inbox's write modules (inbox.send,
inbox.conversations, inbox.read_marks, inbox.services)."""

from __future__ import annotations

from django.contrib import admin

from core.admin import ReadOnlyInline, ReadOnlyModelAdmin
from inbox.models import Attachment, Block, Conversation, Message, Participant


class AttachmentInline(ReadOnlyInline):
    model = Attachment
    fields = ("name", "size", "content_type", "sha256")
    readonly_fields = fields


@admin.register(Message)
class MessageAdmin(ReadOnlyModelAdmin):
    """Delivered (masked) text and what kind of contact detail was found by which rule, never
    more: the original text and the findings' `value` and `reason` hold the unmasked contact
    details. Those are for the audited reveal page in moderation and the dispute case file,
    which write a StaffAccess row first."""

    list_display = (
        "id",
        "conversation_id",
        "seq",
        "kind",
        "sender",
        "delivered_body",
        "finding_summary",
        "created_at",
    )
    list_select_related = ("sender",)
    list_filter = ("kind",)
    # No lookup, search or ordering on the originals (a 400): core.admin.ReadOnlyModelAdmin.
    protected_fields = ("body", "findings")
    # An allow-list: a field added to Message later stays hidden until it is added here.
    fields = (
        "conversation",
        "seq",
        "kind",
        "sender",
        "client_id",
        "delivered_body",
        "finding_summary",
        "created_at",
        "prev_hash",
        "hash",
    )
    readonly_fields = fields
    inlines = [AttachmentInline]

    @admin.display(description="Found")
    def finding_summary(self, message: Message) -> str:
        """'phone (phone_number), email (plain_email)': kinds and rules, no values."""
        return (
            ", ".join(
                f"{finding.get('kind', '?')} ({finding.get('rule', '?')})"
                for finding in message.findings
                if isinstance(finding, dict)
            )
            or "-"
        )


@admin.register(Conversation)
class ConversationAdmin(ReadOnlyModelAdmin):
    list_display = ("id", "user_a", "user_b", "gig", "order", "last_seq", "last_message_at")
    list_select_related = ("user_a", "user_b", "gig", "order")


@admin.register(Participant)
class ParticipantAdmin(ReadOnlyModelAdmin):
    list_display = (
        "conversation_id",
        "user",
        "last_read_seq",
        "starred",
        "archived",
        "spam",
        "muted",
    )
    list_select_related = ("user",)


@admin.register(Block)
class BlockAdmin(ReadOnlyModelAdmin):
    list_display = ("blocker", "blocked", "created_at")
    list_select_related = ("blocker", "blocked")
