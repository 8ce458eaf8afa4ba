"""The small rules every moderation service applies: the permission check, full validation
before saving, and the system account that is never sanctioned."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError

from marketplace.models import SYSTEM_USERNAME
from moderation.staff_access import is_active_staff

__all__ = ["require_permission", "saved", "refuse_system_account"]


def require_permission(moderator, permission: str) -> None:
    """The services check permissions too: admin pages are not the only way in."""
    if not (is_active_staff(moderator) and moderator.has_perm(permission)):
        raise PermissionDenied(f"{moderator} lacks {permission}.")


def saved(instance):
    instance.full_clean()
    instance.save()
    return instance


def refuse_system_account(user) -> None:
    if user.username == SYSTEM_USERNAME:
        raise ValidationError("The system account cannot be sanctioned.")
