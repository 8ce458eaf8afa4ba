"""Django admin for marketplace data.

Orders are read-only here: their status only changes through marketplace.services, so the
timeline (OrderEvent) stays complete. Staff read them; disputes have their own tools.
"""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db.models import QuerySet
from django.http import HttpRequest

from core.admin import ReadOnlyInline
from marketplace.models import (
    Category,
    Delivery,
    Gig,
    Order,
    OrderEvent,
    Package,
    SellerProfile,
    User,
)


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = [
        "username",
        "email",
        "is_seller_display",
        "timezone",
        "is_staff",
        "is_active",
        "date_joined",
        "last_seen_at",
    ]
    list_filter = ["is_staff", "is_superuser", "is_active", "groups"]
    list_select_related = ["seller_profile"]
    fieldsets = [*DjangoUserAdmin.fieldsets, ("Gigbox", {"fields": ["timezone", "last_seen_at"]})]
    readonly_fields = ["last_seen_at", "last_login", "date_joined"]

    @admin.display(description="Seller", boolean=True)
    def is_seller_display(self, user: User) -> bool:
        return user.is_seller


@admin.register(SellerProfile)
class SellerProfileAdmin(admin.ModelAdmin):
    list_display = ["display_name", "user", "country", "languages", "created_at"]
    list_filter = ["country"]
    search_fields = ["display_name", "user__username", "user__email", "skills"]
    list_select_related = ["user"]
    raw_id_fields = ["user"]


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "description"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


class PackageInline(admin.TabularInline):
    model = Package
    extra = 0
    max_num = 3
    fields = ["tier", "name", "description", "price", "delivery_days", "revisions"]


@admin.register(Gig)
class GigAdmin(admin.ModelAdmin):
    list_display = ["title", "seller", "category", "status", "created_at"]
    list_filter = ["status", "category"]
    search_fields = ["title", "slug", "tags", "seller__username"]
    list_select_related = ["seller", "category"]
    raw_id_fields = ["seller"]
    readonly_fields = ["created_at", "updated_at"]
    inlines = [PackageInline]


class OrderEventInline(ReadOnlyInline):
    model = OrderEvent
    fields = ["created_at", "kind", "actor", "note"]
    readonly_fields = fields


class DeliveryInline(ReadOnlyInline):
    model = Delivery
    fields = ["created_at", "note", "file_name", "content_type"]
    readonly_fields = fields


@admin.register(Order)
class OrderAdmin(admin.ModelAdmin):
    list_display = [
        "reference",
        "title",
        "buyer",
        "seller",
        "price",
        "status",
        "created_at",
        "due_at",
    ]
    list_filter = ["status", "tier"]
    search_fields = ["pk", "title", "buyer__username", "seller__username"]
    list_select_related = ["buyer", "seller"]
    date_hierarchy = "created_at"
    inlines = [OrderEventInline, DeliveryInline]

    def get_readonly_fields(self, request: HttpRequest, obj: Order | None = None) -> list[str]:
        return [field.name for field in Order._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Order | None = None) -> bool:
        return False

    def get_queryset(self, request: HttpRequest) -> QuerySet[Order]:
        return super().get_queryset(request).select_related("gig")
