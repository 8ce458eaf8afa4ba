"""Read-only Django admin pages and inlines: records that change only through services
(or never, for append-only evidence), so admin offers no add, change or delete.

Not an app's admin module: nothing is registered here (core is not an installed app).
"""

from __future__ import annotations

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

__all__ = ["AssignedToFilter", "ReadOnlyModelAdmin", "ReadOnlyInline", "touches"]


def touches(lookup: str, fields: tuple[str, ...]) -> bool:
    """Whether a changelist lookup or search path ("body__icontains") names one of `fields`."""
    return any(part in fields for part in lookup.lstrip("^=@").split("__"))


class ReadOnlyModelAdmin(admin.ModelAdmin):
    """Object pages are views: no add, change or delete from admin.

    `protected_fields` hold originals (unmasked text, detector values): no changelist filter,
    search or ordering may touch them (a 400 for a URL lookup), or
    `?body__startswith=4` read them one character at a time with no staff access record.
    """

    protected_fields: tuple[str, ...] = ()

    def lookup_allowed(self, lookup: str, value, request=None) -> bool:
        if touches(lookup, self.protected_fields):
            return False
        return super().lookup_allowed(lookup, value, request)

    def get_field_queryset(self, db, db_field, request: HttpRequest):
        # Read-only pages offer no choices; and a related admin's get_ordering may name its
        # changelist's annotations (the flag queue's queue_order), which a plain queryset lacks.
        return None

    def get_search_fields(self, request: HttpRequest):
        return [
            f for f in super().get_search_fields(request) if not touches(f, self.protected_fields)
        ]

    def get_sortable_by(self, request: HttpRequest):
        return [
            name
            for name in super().get_sortable_by(request)
            if not touches(
                str(getattr(getattr(self, name, None), "admin_order_field", name)),
                self.protected_fields,
            )
        ]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


class ReadOnlyInline(admin.TabularInline):
    """Rows shown under their parent, never added, changed or removed there."""

    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


class AssignedToFilter(admin.SimpleListFilter):
    """A work queue's rows assigned to the staff member looking, or to nobody (a model with
    an `assigned_to` user). Subclasses may reword `title` and `labels`."""

    title = "assigned"
    parameter_name = "assigned"
    labels = {"me": "To me", "nobody": "To nobody"}

    def lookups(self, request: HttpRequest, model_admin) -> list[tuple[str, str]]:
        return list(self.labels.items())

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        if self.value() == "me":
            return queryset.filter(assigned_to=request.user)
        if self.value() == "nobody":
            return queryset.filter(assigned_to__isnull=True)
        return queryset
