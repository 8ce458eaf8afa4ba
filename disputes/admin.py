"""Disputes in Django admin: the queue and each dispute's case file.

A dispute's admin page IS its case file (change_view is replaced): opening it writes a row
in the staff access log for each conversation shown, before anything is read. The actions
on it (assign to me, internal note, resolve, export, file downloads) are small POST/GET views
under the dispute's admin URL; each checks its permission and calls disputes.services.
Reviewers hold view/change Dispute, add/view DisputeNote and export_conversation (migration
0002); moderators and other staff hold none of them and get 403, non-staff the admin login.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.views.decorators.http import require_GET, require_POST

from core.admin import AssignedToFilter
from disputes import selectors, services
from disputes.casefile import build_case_file
from disputes.checkpoints import checkpoint_case_conversations
from disputes.export import ExportRefused, build_export, encode_document, export_key
from disputes.forms import CaseFileReasonForm, ExportForm, NoteForm, ResolveForm, asked_terms
from disputes.models import Dispute
from disputes.views import file_download


class AssignmentFilter(AssignedToFilter):
    title = "assignment"
    labels = {"me": "Assigned to me", "nobody": "Not assigned"}


@admin.register(Dispute)
class DisputeAdmin(admin.ModelAdmin):
    list_display = (
        "number",
        "order_reference",
        "opened_by",
        "reason",
        "requested_outcome",
        "status",
        "assigned_to",
        "created_at",
    )
    list_filter = ("status", AssignmentFilter, "reason")
    list_select_related = ("order", "opened_by", "assigned_to")
    search_fields = (
        "=id",
        "order__title",
        "opened_by__username",
        "order__buyer__username",
        "order__seller__username",
    )
    ordering = ("status", "created_at")

    @admin.display(description="Dispute", ordering="id")
    def number(self, dispute: Dispute) -> str:
        return f"#{dispute.pk}"

    @admin.display(description="Order", ordering="order_id")
    def order_reference(self, dispute: Dispute) -> str:
        return format_html("{}: {}", dispute.order.reference, dispute.order.title)

    # Parties open disputes; nothing is ever deleted.
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def get_urls(self):
        def post(view):
            return self.admin_site.admin_view(require_POST(view))

        def get(view):
            return self.admin_site.admin_view(require_GET(view))

        return [
            path(
                "<int:pk>/open/",
                self.admin_site.admin_view(self.open_view),
                name="disputes_dispute_open",
            ),
            path("<int:pk>/assign/", post(self.assign_view), name="disputes_dispute_assign"),
            path("<int:pk>/note/", post(self.note_view), name="disputes_dispute_note"),
            path("<int:pk>/resolve/", post(self.resolve_view), name="disputes_dispute_resolve"),
            path("<int:pk>/export/", post(self.export_view), name="disputes_dispute_export"),
            path(
                "<int:pk>/attachments/<int:attachment_pk>/",
                get(self.attachment_view),
                name="disputes_dispute_attachment",
            ),
            path(
                "<int:pk>/evidence/<int:entry_pk>/",
                get(self.evidence_file_view),
                name="disputes_dispute_evidence",
            ),
            path(
                "<int:pk>/deliveries/<int:delivery_pk>/",
                get(self.delivery_file_view),
                name="disputes_dispute_delivery",
            ),
            *super().get_urls(),
        ]

    # Helpers ---------------------------------------------------------------------------------

    def _dispute(self, request: HttpRequest, pk, permission: str) -> Dispute:
        """The dispute, after checking `disputes.<permission>` (403 without it, 404 if missing)."""
        if not request.user.has_perm(f"disputes.{permission}"):
            raise PermissionDenied
        return get_object_or_404(
            Dispute.objects.select_related("order__buyer", "order__seller", "assigned_to"), pk=pk
        )

    def _back(self, dispute: Dispute) -> HttpResponseRedirect:
        return HttpResponseRedirect(reverse("admin:disputes_dispute_change", args=[dispute.pk]))

    def _refused(
        self, request: HttpRequest, dispute: Dispute, error: Exception
    ) -> HttpResponseRedirect:
        text = " ".join(error.messages) if isinstance(error, ValidationError) else str(error)
        messages.error(request, text)
        return self._back(dispute)

    # The case file -------------------------------------------------------------------------------

    @staticmethod
    def _reason_key(dispute: Dispute) -> str:
        return f"disputes:case_file_reason:{dispute.pk}"

    def _session_reason(self, request: HttpRequest, dispute: Dispute) -> str:
        """The reason given for this case file in this session; a file of the case is
        reached only from it (403 before a reason is given)."""
        reason = request.session.get(self._reason_key(dispute))
        if not reason:
            raise PermissionDenied("Open the case file first and say why.")
        return reason

    def open_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        """The reviewer's reason, asked before the first opening of this case file in the
        login session; kept in the session and logged with every opening after it."""
        dispute = self._dispute(request, pk, "view_dispute")
        form = CaseFileReasonForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            request.session[self._reason_key(dispute)] = form.cleaned_data["reason"].strip()
            return self._back(dispute)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "dispute": dispute,
            "title": f"Dispute #{dispute.pk}: why do you open the case file?",
            "form": form,
        }
        return TemplateResponse(
            request,
            "admin/disputes/dispute/case_file_reason.html",
            context,
            status=400 if form.errors else 200,
        )

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context=None
    ) -> HttpResponse:
        if request.method != "GET":  # nothing is edited here: every change has its own action
            return HttpResponseNotAllowed(["GET"])
        dispute = self._dispute(request, object_id, "view_dispute")
        return self._case_file(request, dispute, resolve_form=None)

    def _case_file(
        self, request: HttpRequest, dispute: Dispute, *, resolve_form: ResolveForm | None
    ) -> HttpResponse:
        """The case file; `resolve_form` is a refused decision, shown with its input kept."""
        reason = request.session.get(self._reason_key(dispute))
        if not reason:
            return HttpResponseRedirect(reverse("admin:disputes_dispute_open", args=[dispute.pk]))
        conversations = selectors.case_conversations(dispute.order)
        # The read is logged before anything of it is read for display: once per reason
        # and login session (a reload or a return to the page adds nothing).
        recorded_key = f"{self._reason_key(dispute)}:recorded"
        if request.session.get(recorded_key) != reason:
            try:
                services.record_case_file_access(
                    dispute=dispute,
                    staff=request.user,
                    conversations=[c for _, c in conversations],
                    reason=reason,
                )
            except ValidationError:  # e.g. a reason kept from before the length rule
                del request.session[self._reason_key(dispute)]
                return HttpResponseRedirect(
                    reverse("admin:disputes_dispute_open", args=[dispute.pk])
                )
            request.session[recorded_key] = reason
        # Every opening anchors the heads as they stand (only a head that moved is signed).
        checkpoint_case_conversations(dispute.order, occasion="case file opening")
        case = build_case_file(dispute, conversations)
        user = request.user
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": f"Dispute #{dispute.pk}: case file",
            "subtitle": dispute.order.reference,
            "case": case,
            "access_reason": reason,
            "dispute": dispute,
            "order": dispute.order,
            "can_change": dispute.is_open and user.has_perm("disputes.change_dispute"),
            "can_note": user.has_perm("disputes.add_disputenote"),
            "can_export": user.has_perm("disputes.export_conversation")
            and bool(case.conversations),
            "note_form": NoteForm(),
            "resolve_form": resolve_form or ResolveForm(initial=asked_terms(dispute)),
            "export_form": ExportForm(conversations=case.conversations),
        }
        return TemplateResponse(
            request,
            "admin/disputes/dispute/case_file.html",
            context,
            status=400 if resolve_form is not None else 200,
        )

    # Actions --------------------------------------------------------------------------------------

    def assign_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        dispute = self._dispute(request, pk, "change_dispute")
        try:
            services.assign_dispute(dispute=dispute, reviewer=request.user)
        except ValidationError as error:
            return self._refused(request, dispute, error)
        messages.success(request, f"Dispute #{dispute.pk} is assigned to you.")
        return self._back(dispute)

    def note_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        dispute = self._dispute(request, pk, "add_disputenote")
        form = NoteForm(request.POST)
        if not form.is_valid():
            messages.error(request, "The note is empty or too long (5,000 characters at most).")
            return self._back(dispute)
        try:
            services.add_dispute_note(
                dispute=dispute, author=request.user, body=form.cleaned_data["body"]
            )
        except ValidationError as error:
            return self._refused(request, dispute, error)
        messages.success(request, "Note added (staff only).")
        return self._back(dispute)

    def resolve_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        dispute = self._dispute(request, pk, "change_dispute")
        form = ResolveForm(request.POST)
        if not form.is_valid():
            return self._resolve_refused(request, dispute, form)
        data = form.cleaned_data
        if not data["confirmed"]:
            try:  # the terms are checked before the confirmation page shows them
                services.outcome_terms(
                    data["resolution"],
                    data["refund_percent"],
                    data["extra_days"],
                    outcome_field="resolution",
                )
            except ValidationError as error:
                form.add_error(None, error)
                return self._resolve_refused(request, dispute, form)
            return self._confirm_resolution(request, dispute, form)
        try:
            services.resolve_dispute(
                dispute=dispute,
                reviewer=request.user,
                resolution=data["resolution"],
                note=data["note"],
                refund_percent=data["refund_percent"],
                extra_days=data["extra_days"],
            )
        except ValidationError as error:
            return self._refused(request, dispute, error)
        messages.success(request, f"Dispute #{dispute.pk} resolved: both parties have been told.")
        return self._back(dispute)

    def _resolve_refused(
        self, request: HttpRequest, dispute: Dispute, form: ResolveForm
    ) -> HttpResponse:
        """The case file again, the reviewer's decision and note kept, the error beside them."""
        errors = "; ".join(" ".join(errs) for errs in form.errors.values())
        messages.error(request, f"Not resolved: {errors}")
        return self._case_file(request, dispute, resolve_form=form)

    def _confirm_resolution(
        self, request: HttpRequest, dispute: Dispute, form: ResolveForm
    ) -> HttpResponse:
        """The confirmation step: what the decision does, and the same data to post again."""
        data = form.cleaned_data
        confirm = ResolveForm(initial={**data, "confirmed": True})
        for field in confirm.fields.values():
            field.widget = field.hidden_widget()
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "dispute": dispute,
            "order": dispute.order,
            "title": f"Resolve dispute #{dispute.pk}?",
            "form": confirm,
            "data": data,
            "resolution_label": dict(form.fields["resolution"].choices)[data["resolution"]],
        }
        return TemplateResponse(request, "admin/disputes/dispute/confirm_resolution.html", context)

    def export_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        """The signed JSON log or its printable page; the reviewer's reason is logged first."""
        dispute = self._dispute(request, pk, "export_conversation")
        conversations = selectors.case_conversations(dispute.order)
        form = ExportForm(request.POST, conversations=conversations)
        if not form.is_valid():
            messages.error(
                request, "Not exported: choose a conversation and a format, and give a reason."
            )
            return self._back(dispute)
        conversation = next(
            c for _, c in conversations if c.pk == form.cleaned_data["conversation"]
        )
        try:
            # Built (and refused if its chain check fails) before the read is logged:
            # nothing is shown or signed for a log the server cannot prove.
            document = build_export(
                dispute=dispute, conversation=conversation, staff=request.user, key=export_key()
            )
            services.record_export(
                dispute=dispute,
                staff=request.user,
                conversation=conversation,
                reason=form.cleaned_data["reason"],
            )
        except (ExportRefused, ValidationError) as error:
            return self._refused(request, dispute, error)
        name = f"gigbox-dispute-{dispute.pk}-conversation-{conversation.pk}"
        if form.cleaned_data["output"] == "html":
            hidden = selectors.withdrawals_by_seq(conversation)
            rows = [(message, hidden.get(message["seq"])) for message in document["messages"]]
            return render(
                request,
                "disputes/export_print.html",
                {"document": document, "dispute": dispute, "rows": rows},
            )
        response = HttpResponse(
            encode_document(document), content_type="application/json; charset=utf-8"
        )
        response["Content-Disposition"] = f'attachment; filename="{name}.json"'
        response["X-Content-Type-Options"] = "nosniff"
        return response

    def attachment_view(self, request: HttpRequest, pk: int, attachment_pk: int) -> HttpResponse:
        dispute = self._dispute(request, pk, "view_dispute")
        attachment = selectors.case_attachment(dispute=dispute, attachment_pk=attachment_pk)
        services.record_file_access(
            dispute=dispute,
            staff=request.user,
            conversation=attachment.conversation,
            name=attachment.name,
            reason=self._session_reason(request, dispute),
        )
        return file_download(
            attachment.file, attachment.name, attachment.content_type, attachment.size
        )

    def evidence_file_view(self, request: HttpRequest, pk: int, entry_pk: int) -> HttpResponse:
        dispute = self._dispute(request, pk, "view_dispute")
        entry = selectors.case_entry_file(dispute=dispute, entry_pk=entry_pk)
        services.record_file_access(
            dispute=dispute,
            staff=request.user,
            conversation=None,
            name=entry.file_name,
            reason=self._session_reason(request, dispute),
        )
        return file_download(entry.file, entry.file_name, entry.content_type, entry.file_size)

    def delivery_file_view(self, request: HttpRequest, pk: int, delivery_pk: int) -> HttpResponse:
        dispute = self._dispute(request, pk, "view_dispute")
        delivery = selectors.case_delivery_file(dispute=dispute, delivery_pk=delivery_pk)
        name = delivery.file_name or "delivery"
        services.record_file_access(
            dispute=dispute,
            staff=request.user,
            conversation=None,
            name=f"{name} (delivery)",
            reason=self._session_reason(request, dispute),
        )
        return file_download(delivery.file, name, delivery.content_type, None)
