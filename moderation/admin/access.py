"""The staff access log: superusers read it; nobody changes it."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from moderation.admin.base import ReadOnlyModelAdmin
from moderation.models import (
    StaffAccess,
)


@admin.register(StaffAccess)
class StaffAccessAdmin(ReadOnlyModelAdmin):
    """The access log: superusers read it; nobody adds, changes or deletes through admin."""

    list_display = [
        "created_at",
        "staff",
        "action",
        "conversation_id",
        "message_id",
        "reference",
        "reason",
    ]
    list_filter = ["action", "created_at"]
    search_fields = ["staff__username", "reference", "reason"]
    list_select_related = ["staff"]
    date_hierarchy = "created_at"

    def has_module_permission(self, request: HttpRequest) -> bool:
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request: HttpRequest, obj: StaffAccess | None = None) -> bool:
        return request.user.is_active and request.user.is_superuser
