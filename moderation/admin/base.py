"""What the moderation admin pages share: the read-only model admin, excerpts, errors."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html

from core import admin as core_admin
from moderation import services

OVERDUE = timedelta(hours=48)  # unhandled flags older than this are highlighted
EXCERPT_CHARS = 80


def excerpt(text: str) -> str:
    return text if len(text) <= EXCERPT_CHARS else text[: EXCERPT_CHARS - 1] + "…"


def user_url(user_id: int) -> str:
    """The per-user moderation page (moderation.admin.users): every username links there."""
    return reverse("admin:moderation_moderateduser_change", args=[user_id])


def user_link(user) -> str:
    if user is None:
        return "system"
    return format_html('<a class="user-link" href="{}">{}</a>', user_url(user.pk), user.username)


def show_errors(request: HttpRequest, error: ValidationError) -> None:
    for text in error.messages:
        messages.error(request, text)


class ReadOnlyModelAdmin(core_admin.ReadOnlyModelAdmin):
    """Object pages are views; changes are the buttons and actions, through the services,
    which the staff member's group permission allows (_model_perm)."""

    class Media:
        css = {"all": ["moderation/admin.css"]}

    def _model_perm(self, request: HttpRequest, action: str) -> bool:
        """The group permission itself (has_change_permission is False for the page)."""
        opts = self.opts
        return services.is_active_staff(request.user) and request.user.has_perm(
            f"{opts.app_label}.{action}_{opts.model_name}"
        )

    def _object_url(self, obj) -> str:
        return reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_change", args=[obj.pk])
