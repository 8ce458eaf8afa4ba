"""Django admin for moderation: the flag queue, strikes, sanctions, appeals, the policy table
and the staff access log.

Nothing here edits a row directly: fields are read-only and every change is an action or a
button that calls moderation.services. Message text is the delivered (masked) text, except
on the audited reveal page. HTML only through format_html.
"""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from moderation.models import StaffAccess


@admin.register(StaffAccess)
class StaffAccessAdmin(admin.ModelAdmin):
    """The access log: superusers read it; nobody adds, changes or deletes through admin."""

    list_display = ["created_at", "staff", "action", "conversation_id", "message_id", "reference", "reason"]
    list_filter = ["action", "created_at"]
    search_fields = ["staff__username", "reference", "reason"]
    list_select_related = ["staff"]
    date_hierarchy = "created_at"

    def has_module_permission(self, request: HttpRequest) -> bool:
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request: HttpRequest, obj: StaffAccess | None = None) -> bool:
        return request.user.is_active and request.user.is_superuser

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: StaffAccess | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: StaffAccess | None = None) -> bool:
        return False
