"""The flag queue: review, dismiss, strike, reveal the original text; the reports behind flags."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Case, Count, IntegerField, QuerySet, Value, When
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html

from core.admin import AssignedToFilter
from core.contact_policy import get_contact_policy
from moderation import cases, labels, selectors, services, strike_numbers
from moderation.admin.base import (
    OVERDUE,
    ReadOnlyModelAdmin,
    excerpt,
    show_errors,
    user_link,
    user_url,
)
from moderation.admin.cases import RuleFilter
from moderation.admin.evidence import flag_evidence_urls, hidden_ids, hideable_context_ids
from moderation.admin.flag_decisions import (
    default_strike_kind,
    dismiss_unless_struck,
    done_message,
    remember_reveal,
    revealed_in_session,
)
from moderation.forms import (
    ConfirmForm,
    DismissForm,
    RevealForm,
)
from moderation.models import (
    Flag,
    FlagReport,
    StaffAccess,
)


class KindFilter(admin.SimpleListFilter):
    title = "kind"
    parameter_name = "kind"

    def lookups(self, request, model_admin):
        labels = get_contact_policy().kind_labels  # the detector's kinds, named as in notices
        detected = [(kind, f"Detected: {label}") for kind, label in labels.items()]
        reported = [
            (f"report:{value}", f"Reported: {label}") for value, label in FlagReport.Reason.choices
        ]
        return detected + reported

    def queryset(self, request, queryset):
        value = self.value()
        if not value:
            return queryset
        if value.startswith("report:"):
            return queryset.filter(reports__reason=value.removeprefix("report:")).distinct()
        return queryset.filter(kinds__icontains=f'"{value}"')


class AgeFilter(admin.SimpleListFilter):
    title = "age"
    parameter_name = "age"

    def lookups(self, request, model_admin):
        return [("1d", "Under 24 hours"), ("2d", "24 to 48 hours"), ("old", "Over 48 hours")]

    def queryset(self, request, queryset):
        now = timezone.now()
        ranges = {
            "1d": (now - timedelta(hours=24), None),
            "2d": (now - OVERDUE, now - timedelta(hours=24)),
            "old": (None, now - OVERDUE),
        }
        if self.value() not in ranges:
            return queryset
        after, before = ranges[self.value()]
        if after is not None:
            queryset = queryset.filter(created_at__gte=after)
        if before is not None:
            queryset = queryset.filter(created_at__lt=before)
        return queryset


class SenderFilter(admin.SimpleListFilter):
    """One sender's flags: the senders with the most open flags are listed; the sender column
    links here for anyone else."""

    title = "sender"
    parameter_name = "sender"
    LISTED = 10

    def lookups(self, request, model_admin):
        top = (
            Flag.objects.filter(status=Flag.Status.OPEN, message__sender__isnull=False)
            .values_list("message__sender_id", "message__sender__username")
            .annotate(open_flags=Count("id"))
            .order_by("-open_flags", "message__sender__username")[: self.LISTED]
        )
        choices = [(str(pk), f"{username} ({count} open)") for pk, username, count in top]
        value = self.value()
        if value and value.isdigit() and value not in {pk for pk, _ in choices}:
            user = get_user_model().objects.filter(pk=int(value)).first()
            choices.append((value, user.username if user else f"user {value}"))
        return choices

    def queryset(self, request, queryset):
        value = self.value()
        if not value:
            return queryset
        if not value.isdigit():
            return queryset.none()
        return queryset.filter(message__sender_id=int(value))


@admin.register(Flag)
class FlagAdmin(ReadOnlyModelAdmin):
    list_display = [
        "id",
        "status_badge",
        "priority",
        "kinds_display",
        "sender",
        "delivered_excerpt",
        "report_count",
        "case_link",
        "age",
    ]
    list_display_links = ["id", "delivered_excerpt"]
    list_filter = [
        "status",
        "resolution",
        "priority",
        "source",
        KindFilter,
        RuleFilter,
        AgeFilter,
        AssignedToFilter,
        SenderFilter,
    ]
    search_fields = [
        "message__sender__username",
        "message__delivered_body",
        "reports__note",
        "reports__reporter__username",
    ]
    list_select_related = ["message__sender", "case__sender", "assigned_to"]
    # Originals: the snapshot's text and the detector's values (the contact search records).
    protected_fields = ("snapshot", "contact_values", "body", "findings")
    actions = ["assign_to_me", "dismiss_selected", "cover_selected"]
    list_per_page = 50

    def get_queryset(self, request: HttpRequest) -> QuerySet[Flag]:
        # Open flags first, high priority before low, the oldest at the top: that is the queue.
        # Not super(): it orders by get_ordering() before these annotations exist.
        return (
            Flag.objects.all()
            .annotate(
                report_total=Count("reports"),
                queue_order=Case(
                    When(status=Flag.Status.OPEN, then=Value(0)),
                    default=Value(1),
                    output_field=IntegerField(),
                ),
                priority_order=Case(
                    When(priority=Flag.Priority.HIGH, then=Value(0)),
                    default=Value(1),
                    output_field=IntegerField(),
                ),
            )
            .order_by("queue_order", "priority_order", "created_at", "id")
        )

    def get_ordering(self, request: HttpRequest) -> list[str]:
        return ["queue_order", "priority_order", "created_at", "id"]

    @admin.display(description="status", ordering="status")
    def status_badge(self, flag: Flag) -> str:
        return format_html(
            '<span class="flag-status flag-{}">{}</span>', flag.status, flag.get_status_display()
        )

    @admin.display(description="kinds")
    def kinds_display(self, flag: Flag) -> str:
        """The detector's kinds, else the source ("Reported"): one column, not two, so the
        queue fits 1400 px."""
        return ", ".join(flag.kinds) or flag.get_source_display()

    @admin.display(description="sender", ordering="message__sender__username")
    def sender(self, flag: Flag) -> str:
        """A link to the sender's moderation page (their flags, cases and strikes)."""
        return user_link(flag.message.sender or (flag.case.sender if flag.case_id else None))

    @admin.display(description="case", ordering="case_id")
    def case_link(self, flag: Flag) -> str:
        if flag.case_id is None:
            return "—"
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:moderation_case_change", args=[flag.case_id]),
            flag.case_id,
        )

    @admin.display(description="delivered text")
    def delivered_excerpt(self, flag: Flag) -> str:
        return excerpt(flag.message.delivered_body)

    @admin.display(description="reports", ordering="report_total")
    def report_count(self, flag: Flag) -> int:
        return flag.report_total

    @admin.display(description="age", ordering="created_at")
    def age(self, flag: Flag) -> str:
        hours = int((timezone.now() - flag.created_at).total_seconds() // 3600)
        text = f"{hours} h" if hours < 48 else f"{hours // 24} d"
        if flag.status == Flag.Status.OPEN and timezone.now() - flag.created_at > OVERDUE:
            return format_html(
                '<strong class="flag-overdue" title="Unhandled for over 48 hours">⚠ {}</strong>',
                text,
            )
        return text

    # Changelist actions ---------------------------------------------------------------------

    @admin.action(description="Assign to me", permissions=["review"])
    def assign_to_me(self, request: HttpRequest, queryset: QuerySet[Flag]) -> None:
        self._each(
            request,
            queryset.filter(status=Flag.Status.OPEN),
            lambda flag: services.assign_flag(flag=flag, moderator=request.user),
            "assigned to you",
        )

    @admin.action(description="Dismiss as false positives", permissions=["review"])
    def dismiss_selected(self, request: HttpRequest, queryset: QuerySet[Flag]) -> None:
        self._each(
            request,
            queryset.filter(status=Flag.Status.OPEN),
            lambda flag: dismiss_unless_struck(flag, request.user),
            "dismissed",
        )

    @admin.action(description="Close as covered by their case's strike", permissions=["review"])
    def cover_selected(self, request: HttpRequest, queryset: QuerySet[Flag]) -> None:
        self._each(
            request,
            queryset.filter(status=Flag.Status.OPEN),
            lambda flag: services.cover_flag(flag=flag, moderator=request.user),
            "closed as covered by their case's strike",
        )

    def _each(self, request: HttpRequest, flags: QuerySet[Flag], act, done: str) -> None:
        count = 0
        for flag in flags:
            try:
                act(flag)
            except ValidationError as error:
                show_errors(request, error)
            else:
                self.log_change(request, flag, done)
                count += 1
        messages.success(request, f"{count} flag(s) {done}.")

    def has_review_permission(self, request: HttpRequest) -> bool:
        return self._model_perm(request, "change")

    # The review page and its buttons ----------------------------------------------------------

    def get_urls(self):
        own = [
            path(
                "rules/", self.admin_site.admin_view(self.rules_view), name="moderation_flag_rules"
            ),
            path(
                "<int:pk>/reveal/",
                self.admin_site.admin_view(self.reveal_view),
                name="moderation_flag_reveal",
            ),
            path(
                "<int:pk>/decide/<str:decision>/",
                self.admin_site.admin_view(self.decide_view),
                name="moderation_flag_decide",
            ),
        ]
        return own + flag_evidence_urls(self) + super().get_urls()

    def _flag_or_403(self, request: HttpRequest, pk: int, *, review: bool) -> Flag:
        if not self.has_view_permission(request) or (
            review and not self.has_review_permission(request)
        ):
            raise PermissionDenied
        return get_object_or_404(
            Flag.objects.select_related(
                "message__sender",
                "assigned_to",
                "decided_by",
                "case__sender",
                *labels.related("message__conversation"),
            ),
            pk=pk,
        )

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context=None
    ) -> HttpResponse:
        flag = self._flag_or_403(request, int(object_id), review=False)
        return self._review_page(request, flag)

    def _review_page(self, request: HttpRequest, flag: Flag, **forms) -> HttpResponse:
        # A system line carrying a user's words (requirements) is theirs: the case says whose.
        sender = flag.message.sender or (flag.case.sender if flag.case_id else None)
        context_messages = selectors.context_messages(flag)
        hideable = hideable_context_ids(flag)
        hidden = hidden_ids([flag.message_id, *hideable])
        conversation = flag.message.conversation
        names = {
            conversation.user_a_id: conversation.user_a.username,
            conversation.user_b_id: conversation.user_b.username,
        }
        for entry in context_messages:
            entry["sender_name"] = names.get(entry["sender_id"], "a former participant")
            entry["hideable"] = entry["id"] in hideable
            entry["hidden"] = entry["id"] in hidden
        case_strike = strike_numbers.case_strike(flag.case_id)
        next_step = selectors.next_strike_step(sender.pk) if sender else None
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": f"Flag {flag.pk}",
            "flag": flag,
            # Kind and rule only: a finding's value and reason quote the original text.
            "findings": [
                {"kind": f.get("kind"), "rule": f.get("rule")} for f in flag.message.findings
            ],
            "context_messages": context_messages,
            "flag_hidden": flag.message_id in hidden,
            "outcome": cases.decision_outcome(flag),
            "reports": flag.reports.select_related("reporter"),
            "strikes": strike_numbers.labelled(selectors.strike_history(sender.pk))
            if sender
            else [],
            # One strike per case: confirming here closes the flag as covered by this one.
            "case_strike": case_strike,
            "case_strike_label": strike_numbers.strike_label(case_strike) if case_strike else "",
            "covered_label": strike_numbers.strike_label(flag.covered_by)
            if flag.covered_by_id
            else "",
            "next_label": strike_numbers.next_label(next_step.number) if next_step else "",
            "sanctions": selectors.active_sanctions_of(sender.pk) if sender else [],
            "next_step": next_step,
            "other_flags": selectors.other_open_flags(flag) if sender else [],
            "sender": sender,
            "sender_url": user_url(sender.pk) if sender else "",
            "where": labels.message_label(flag.message),
            "overdue": flag.status == Flag.Status.OPEN
            and timezone.now() - flag.created_at > OVERDUE,
            "can_review": self.has_review_permission(request) and flag.status == Flag.Status.OPEN,
            # Evidence tools stay after the decision: a reveal or a hide may come later.
            "can_reveal": self.has_review_permission(request),
            "can_strike": request.user.has_perm("moderation.add_strike"),
            "dismiss_form": forms.get("dismiss_form") or DismissForm(prefix="dismiss"),
            "dismiss_words": labels.dismiss_words([flag.source]),
            "confirm_form": forms.get("confirm_form")
            or ConfirmForm(prefix="confirm", initial={"kind": default_strike_kind(flag)}),
        }
        return TemplateResponse(request, "admin/moderation/flag/review.html", context)

    def decide_view(self, request: HttpRequest, pk: int, decision: str) -> HttpResponse:
        flag = self._flag_or_403(request, pk, review=True)
        if request.method != "POST":
            return HttpResponseRedirect(self._object_url(flag))
        # Prefixed: both forms are on one page, and their fields' ids must not clash.
        forms = {
            "assign": None,
            "duplicate": None,
            "cover": None,
            "dismiss": DismissForm(request.POST, prefix="dismiss"),
            "confirm": ConfirmForm(request.POST, prefix="confirm"),
        }
        if decision not in forms:
            raise PermissionDenied
        form, strike = forms[decision], None
        if form is not None and not form.is_valid():
            return self._review_page(request, flag, **{f"{decision}_form": form})
        try:
            if decision == "duplicate":
                cases.close_as_duplicate(flag=flag, moderator=request.user)
            elif decision == "assign":
                services.assign_flag(flag=flag, moderator=request.user)
            elif decision == "dismiss":
                services.dismiss_flag(
                    flag=flag, moderator=request.user, note=form.cleaned_data["note"]
                )
            elif decision == "cover":
                strike = services.cover_flag(flag=flag, moderator=request.user)
            else:
                strike = services.confirm_flag(
                    flag=flag, moderator=request.user, **form.cleaned_data
                )
        except ValidationError as error:
            show_errors(request, error)
        else:
            self.log_change(request, flag, f"{decision} (moderation)")
            messages.success(request, done_message(decision, flag, strike))
        return HttpResponseRedirect(self._object_url(flag))

    def reveal_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        """The only page that shows original text: a reason first, a log row, then the text.
        POST records and redirects to the result (GET, named by the access row and held in
        this session for REVEAL_SHOWN_FOR): a refresh shows it again, never records twice."""
        flag = self._flag_or_403(request, pk, review=True)
        form = RevealForm(request.POST or None)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": f"Reveal the original of flag {flag.pk}",
            "flag": flag,
            "form": form,
        }
        if request.method == "POST" and form.is_valid():
            try:
                access = services.record_staff_access(
                    staff=request.user,
                    action=StaffAccess.Action.REVEAL_ORIGINAL,
                    reason=form.cleaned_data["reason"],
                    message=flag.message,
                    reference=f"flag:{flag.pk}",
                )
            except ValidationError as error:
                form.add_error("reason", error)
            else:
                remember_reveal(request, flag.pk, access.pk)
                url = reverse("admin:moderation_flag_reveal", args=[flag.pk])
                return HttpResponseRedirect(f"{url}?shown={access.pk}")
        elif revealed_in_session(request, flag.pk, request.GET.get("shown", "")):
            # The original of the flagged message only (the one the access row names);
            # its neighbours as they were delivered.
            context["original"] = flag.message.body
            context["delivered_context"] = selectors.context_messages(flag)
        response = TemplateResponse(request, "admin/moderation/flag/reveal.html", context)
        response["Cache-Control"] = "no-store"
        return response

    def rules_view(self, request: HttpRequest) -> HttpResponse:
        if not self.has_view_permission(request):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": "Detector rules: flags and dismissals",
            "stats": selectors.rule_stats(),
            "min_decisions": selectors.MIN_DECISIONS,
        }
        return TemplateResponse(request, "admin/moderation/flag/rules.html", context)


@admin.register(FlagReport)
class FlagReportAdmin(ReadOnlyModelAdmin):
    list_display = ["id", "flag", "reporter_link", "reason", "note_excerpt", "created_at"]
    list_filter = ["reason"]
    search_fields = ["reporter__username", "note"]
    list_select_related = ["reporter", "flag"]

    @admin.display(description="reporter", ordering="reporter__username")
    def reporter_link(self, report: FlagReport) -> str:
        return user_link(report.reporter)

    @admin.display(description="note")
    def note_excerpt(self, report: FlagReport) -> str:
        return excerpt(report.note)
