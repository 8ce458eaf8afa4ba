"""Inbox in Django admin: read-only. Messages and attachments are evidence (append-only);
conversations and read state change only through inbox.services."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from inbox.models import Attachment, Block, Conversation, Message, Participant


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


class AttachmentInline(admin.TabularInline):
    model = Attachment
    fields = ("name", "size", "content_type", "sha256")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(Message)
class MessageAdmin(ReadOnlyAdmin):
    # The list shows the delivered (masked) text; originals are for audited staff views.
    list_display = ("id", "conversation_id", "seq", "kind", "sender", "delivered_body", "created_at")
    list_select_related = ("sender",)
    list_filter = ("kind",)
    exclude = ("body",)
    inlines = [AttachmentInline]


@admin.register(Conversation)
class ConversationAdmin(ReadOnlyAdmin):
    list_display = ("id", "user_a", "user_b", "gig", "order", "last_seq", "last_message_at")
    list_select_related = ("user_a", "user_b", "gig", "order")


@admin.register(Participant)
class ParticipantAdmin(ReadOnlyAdmin):
    list_display = ("conversation_id", "user", "last_read_seq", "starred", "archived", "spam", "muted")
    list_select_related = ("user",)


@admin.register(Block)
class BlockAdmin(ReadOnlyAdmin):
    list_display = ("blocker", "blocked", "created_at")
    list_select_related = ("blocker", "blocked")
