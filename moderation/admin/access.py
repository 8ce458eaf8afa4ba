"""The staff access log: superusers read it, filter it by staff member and export it as CSV
(the export is itself recorded); nobody changes it."""

from __future__ import annotations

import csv

from django import forms
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone

from moderation import labels
from moderation.admin.base import ReadOnlyModelAdmin
from moderation.models import StaffAccess
from moderation.staff_access import read_reason_validator, reason_rule, record_staff_access

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CSV_COLUMNS = [
    "created_at",
    "staff",
    "action",
    "conversation",
    "message",
    "subject",
    "reference",
    "reason",
]


def subject_label(row: StaffAccess) -> str:
    """Names instead of ids: "alice ↔ bob, order #12 'Logo', message 19"."""
    if row.message_id is not None:
        return labels.message_label(row.message)
    if row.conversation_id is not None:
        return labels.conversation_label(row.conversation)
    return ""


def csv_cell(value: object) -> str:
    """A cell a spreadsheet shows as text: one starting like a formula gets a leading quote
    (OWASP's CSV injection advice)."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


class StaffMemberFilter(admin.SimpleListFilter):
    """One staff member's reads: everyone who has a row in the log."""

    title = "staff member"
    parameter_name = "staff"

    def lookups(self, request, model_admin):
        ids = StaffAccess.objects.values("staff_id").distinct()
        people = get_user_model().objects.filter(pk__in=ids).order_by("username")
        return [(str(user.pk), user.username) for user in people]

    def queryset(self, request, queryset):
        value = self.value()
        if not value:
            return queryset
        if not value.isdigit():
            return queryset.none()
        return queryset.filter(staff_id=int(value))


class ExportForm(forms.Form):
    """The export's reason: the 10-character rule is told beside the field, in its own words
    (require_reason), before anything is recorded or exported."""

    reason = forms.CharField(
        label="Why do you export the log?",
        max_length=500,
        validators=[read_reason_validator],
        error_messages={"required": reason_rule()},
        widget=forms.TextInput(attrs={"size": 60}),
        help_text="10 characters at least; recorded in the log with your name and the time.",
    )


@admin.register(StaffAccess)
class StaffAccessAdmin(ReadOnlyModelAdmin):
    """The access log: superusers read it; nobody adds, changes or deletes through admin."""

    list_display = [
        "created_at",
        "staff",
        "action",
        "subject",
        "reference",
        "reason",
    ]
    list_filter = [StaffMemberFilter, "action", "created_at"]
    search_fields = ["staff__username", "reference", "reason"]
    list_select_related = [
        "staff",
        "message",
        *labels.related("conversation"),
        *labels.related("message__conversation"),
    ]
    date_hierarchy = "created_at"
    change_list_template = "admin/moderation/staffaccess/change_list.html"

    @admin.display(description="conversation / message")
    def subject(self, row: StaffAccess) -> str:
        return subject_label(row)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request: HttpRequest, obj: StaffAccess | None = None) -> bool:
        return request.user.is_active and request.user.is_superuser

    def get_urls(self):
        return [
            path(
                "export/",
                self.admin_site.admin_view(self.export_view),
                name="moderation_staffaccess_export",
            ),
            *super().get_urls(),
        ]

    def export_view(self, request: HttpRequest) -> HttpResponse:
        """GET: a reason form; POST: the rows the changelist's filters select (the query
        string is kept), as CSV, after recording the export itself."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        form = ExportForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                record_staff_access(
                    staff=request.user,
                    action=StaffAccess.Action.LOG_EXPORT,
                    reason=form.cleaned_data["reason"],
                    reference=f"access_log?{request.GET.urlencode()}"[:100],
                )
            except ValidationError as refused:
                form.add_error("reason", refused)
            else:
                return self._csv(request)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": "Export the staff access log",
            "form": form,
            "query": request.GET.urlencode(),
        }
        return TemplateResponse(
            request,
            "admin/moderation/staffaccess/export.html",
            context,
            status=400 if form.errors else 200,
        )

    def _csv(self, request: HttpRequest) -> HttpResponse:
        changelist = self.get_changelist_instance(request)
        rows = changelist.get_queryset(request).select_related(*self.list_select_related)
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
        response["Content-Disposition"] = f'attachment; filename="staff-access-{stamp}.csv"'
        response["X-Content-Type-Options"] = "nosniff"
        writer = csv.writer(response)
        writer.writerow(CSV_COLUMNS)
        for row in rows.iterator():
            writer.writerow(
                csv_cell(value)
                for value in (
                    row.created_at.isoformat(),
                    row.staff.username,
                    row.action,
                    row.conversation_id,
                    row.message_id,
                    subject_label(row),
                    row.reference,
                    row.reason,
                )
            )
        return response
