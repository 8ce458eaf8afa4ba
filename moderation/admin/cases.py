"""The case queue: a sender's flags in one conversation, decided together (moderation.cases),
with keyboard triage (static/moderation/triage.js) and the detector rules' filter."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Case as SqlCase
from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Value, When
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html

from moderation import cases, labels, selectors, strike_numbers
from moderation.admin.base import OVERDUE, ReadOnlyModelAdmin, excerpt, show_errors, user_link
from moderation.admin.decisions import decisions_view
from moderation.forms import ConfirmForm, DismissForm
from moderation.models import Case, Flag, Strike

DEFAULT_NOTE = (
    "Sharing contact details or moving the conversation off Gigbox is not allowed: keep all "
    "contact and payment on Gigbox, where both sides are protected."
)


class RuleFilter(admin.SimpleListFilter):
    """Cases (or flags) with a flag that this detector rule raised; the rules of open flags."""

    title = "detector rule"
    parameter_name = "rule"

    def lookups(self, request, model_admin):
        rules: set[str] = set()
        open_rules = Flag.objects.filter(status=Flag.Status.OPEN, source=Flag.Source.DETECTOR)
        for row in open_rules.values_list("rules", flat=True).iterator(chunk_size=2000):
            rules.update(row or ())
        value = self.value()
        if value:
            rules.add(value)
        return [(rule, rule) for rule in sorted(rules)]

    def queryset(self, request, queryset):
        value = self.value()
        if not value:
            return queryset
        matching = Flag.objects.filter(rules__icontains=f'"{value}"')
        if queryset.model is Flag:
            return queryset.filter(pk__in=matching.values("pk"))
        return queryset.filter(pk__in=matching.values("case_id"))


def _first_text() -> Subquery:
    first = Flag.objects.filter(case=OuterRef("pk")).order_by("message__seq", "id")
    return Subquery(first.values("message__delivered_body")[:1])


@admin.register(Case)
class CaseAdmin(ReadOnlyModelAdmin):
    list_display = ["id", "status_badge", "sender_link", "where", "flags", "first_text", "age"]
    list_display_links = ["id", "first_text"]
    list_filter = ["status", RuleFilter]
    search_fields = ["sender__username"]
    list_select_related = ["sender", *labels.related("conversation")]
    list_per_page = 50

    def get_queryset(self, request: HttpRequest) -> QuerySet[Case]:
        # Open cases first, the oldest at the top. Not super(): see FlagAdmin.
        return Case.objects.annotate(
            flag_total=Count("flags"),
            open_total=Count("flags", filter=Q(flags__status=Flag.Status.OPEN)),
            first_body=_first_text(),
            queue_order=SqlCase(
                When(status=Case.Status.OPEN, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            ),
        ).order_by("queue_order", "opened_at", "id")

    def get_ordering(self, request: HttpRequest) -> list[str]:
        return ["queue_order", "opened_at", "id"]

    @admin.display(description="status", ordering="status")
    def status_badge(self, case: Case) -> str:
        return format_html(
            '<span class="flag-status flag-{}">{}</span>', case.status, case.get_status_display()
        )

    @admin.display(description="sender", ordering="sender__username")
    def sender_link(self, case: Case) -> str:
        return user_link(case.sender)

    @admin.display(description="where")
    def where(self, case: Case) -> str:
        return labels.conversation_label(case.conversation)

    @admin.display(description="flags", ordering="flag_total")
    def flags(self, case: Case) -> str:
        if case.open_total and case.open_total != case.flag_total:
            return f"{case.flag_total} ({case.open_total} open)"
        return str(case.flag_total)

    @admin.display(description="first message (delivered)")
    def first_text(self, case: Case) -> str:
        return excerpt(case.first_body or "")

    @admin.display(description="age", ordering="opened_at")
    def age(self, case: Case) -> str:
        hours = int((timezone.now() - case.opened_at).total_seconds() // 3600)
        text = f"{hours} h" if hours < 48 else f"{hours // 24} d"
        if case.status == Case.Status.OPEN and timezone.now() - case.opened_at > OVERDUE:
            return format_html('<strong class="flag-overdue">⚠ {}</strong>', text)
        return text

    def changelist_view(self, request: HttpRequest, extra_context=None) -> HttpResponse:
        extra_context = {**(extra_context or {}), "keyboard": True}
        return super().changelist_view(request, extra_context)

    # The case page and its decisions ----------------------------------------------------------

    def get_urls(self):
        own = [
            path(
                "decisions/",
                self.admin_site.admin_view(self.decisions),
                name="moderation_case_decisions",
            ),
            path(
                "<int:pk>/decide/<str:decision>/",
                self.admin_site.admin_view(self.decide_view),
                name="moderation_case_decide",
            ),
            path(
                "<int:pk>/duplicate/<int:flag_pk>/",
                self.admin_site.admin_view(self.duplicate_view),
                name="moderation_case_duplicate",
            ),
        ]
        return own + super().get_urls()

    def decisions(self, request: HttpRequest) -> HttpResponse:
        if not self.has_view_permission(request):
            raise PermissionDenied
        return decisions_view(request, self.admin_site, self.opts)

    def _can_review(self, request: HttpRequest) -> bool:
        return self._model_perm(request, "change") and request.user.has_perm(
            "moderation.change_flag"
        )

    def _case_or_403(self, request: HttpRequest, pk: int, *, review: bool) -> Case:
        if not self.has_view_permission(request) or (review and not self._can_review(request)):
            raise PermissionDenied
        return get_object_or_404(
            Case.objects.select_related("sender", "decided_by", *labels.related("conversation")),
            pk=pk,
        )

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context=None
    ) -> HttpResponse:
        if not str(object_id).isdigit():
            raise PermissionDenied
        case = self._case_or_403(request, int(object_id), review=False)
        return self._case_page(request, case)

    def _neighbour(self, case: Case, *, after: bool) -> Case | None:
        """The next (or previous) open case in queue order."""
        open_cases = Case.objects.filter(status=Case.Status.OPEN).exclude(pk=case.pk)
        if after:
            later = Q(opened_at__gt=case.opened_at) | Q(opened_at=case.opened_at, pk__gt=case.pk)
            return open_cases.filter(later).order_by("opened_at", "id").first()
        earlier = Q(opened_at__lt=case.opened_at) | Q(opened_at=case.opened_at, pk__lt=case.pk)
        return open_cases.filter(earlier).order_by("-opened_at", "-id").first()

    def _case_page(self, request: HttpRequest, case: Case, **forms_) -> HttpResponse:
        sender = case.sender
        case_flags = list(
            case.flags.select_related("message", "covered_by", "decided_by")
            .annotate(report_total=Count("reports"))
            .order_by("message__seq", "id")
        )
        following = self._neighbour(case, after=True)
        previous = self._neighbour(case, after=False)
        can_review = self._can_review(request) and case.status == Case.Status.OPEN
        given = cases.case_strikes(case)
        seq_of = {flag.message_id: flag.message.seq for flag in case_flags}
        prior: dict[int, dict] = {}
        for message_id, strike in sorted(given.items(), key=lambda item: seq_of[item[0]]):
            entry = prior.setdefault(strike.pk, {"strike": strike, "seqs": []})
            entry["seqs"].append(seq_of[message_id])
        open_flags = [flag for flag in case_flags if flag.status == Flag.Status.OPEN]
        strike_numbers.labelled(
            [*given.values(), *(flag.covered_by for flag in case_flags if flag.covered_by_id)]
        )
        next_step = selectors.next_strike_step(sender.pk) if sender else None
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": f"Case {case.pk}: {sender.username if sender else 'system'}",
            "case": case,
            "where": labels.conversation_label(case.conversation),
            "sender": sender,
            "sender_link": user_link(sender),
            "case_flags": case_flags,
            "open_count": len(open_flags),
            "outcome": cases.decision_outcome(case),
            # Strikes already given for a message of this case: warned about before confirming.
            "prior_strikes": list(prior.values()),
            "other_cases": [
                (other, labels.conversation_label(other.conversation))
                for other in Case.objects.filter(sender=sender, status=Case.Status.OPEN)
                .exclude(pk=case.pk)
                .select_related(*labels.related("conversation"))
                .order_by("opened_at", "id")[:20]
            ]
            if sender
            else [],
            "strikes": strike_numbers.labelled(selectors.strike_history(sender.pk))
            if sender
            else [],
            "sanctions": selectors.active_sanctions_of(sender.pk) if sender else [],
            "next_step": next_step,
            "next_label": strike_numbers.next_label(next_step.number) if next_step else "",
            "next_url": self._object_url(following) if following else "",
            "previous_url": self._object_url(previous) if previous else "",
            "queue_url": reverse("admin:moderation_case_changelist"),
            "can_review": can_review,
            "can_strike": request.user.has_perm("moderation.add_strike"),
            "dismiss_form": forms_.get("dismiss_form") or DismissForm(prefix="dismiss"),
            "dismiss_words": labels.dismiss_words(flag.source for flag in case_flags),
            "confirm_form": forms_.get("confirm_form")
            or ConfirmForm(
                prefix="confirm",
                initial={"kind": Strike.Kind.CONTACT_SHARING, "note": DEFAULT_NOTE},
            ),
        }
        return TemplateResponse(request, "admin/moderation/case/review.html", context)

    def decide_view(self, request: HttpRequest, pk: int, decision: str) -> HttpResponse:
        case = self._case_or_403(request, pk, review=True)
        if request.method != "POST" or decision not in ("confirm", "dismiss", "cover"):
            return HttpResponseRedirect(self._object_url(case))
        if decision == "cover":
            return self._cover(request, case)
        form_class = ConfirmForm if decision == "confirm" else DismissForm
        form: forms.Form = form_class(request.POST, prefix=decision)
        if not form.is_valid():
            return self._case_page(request, case, **{f"{decision}_form": form})
        following = self._neighbour(case, after=True)
        try:
            if decision == "confirm":
                if not request.user.has_perm("moderation.add_strike"):
                    raise PermissionDenied
                strike = cases.confirm_case(case=case, moderator=request.user, **form.cleaned_data)
                label = strike_numbers.strike_label(strike)
                done = (
                    f"Case {case.pk} confirmed: {label} given to {case.sender}."
                    if strike.case_id == case.pk
                    else f"Case {case.pk} closed as covered by {label}: no new strike."
                )
            else:
                cases.dismiss_case(case=case, moderator=request.user, **form.cleaned_data)
                words = labels.dismiss_words(case.flags.values_list("source", flat=True))
                done = f"Case {case.pk} dismissed: {words}."
        except ValidationError as error:
            show_errors(request, error)
            return HttpResponseRedirect(self._object_url(case))
        self.log_change(request, case, f"{decision} (moderation)")
        messages.success(request, done)
        # Triage goes on: the next open case, else the queue.
        if following is None:
            following = Case.objects.filter(status=Case.Status.OPEN).order_by("opened_at").first()
        if following is None:
            return HttpResponseRedirect(reverse("admin:moderation_case_changelist"))
        return HttpResponseRedirect(self._object_url(following))

    def _cover(self, request: HttpRequest, case: Case) -> HttpResponse:
        strike_id = request.POST.get("strike", "")
        try:
            strike = cases.cover_case(
                case=case,
                moderator=request.user,
                strike_id=int(strike_id) if strike_id.isdigit() else 0,
            )
        except ValidationError as error:
            show_errors(request, error)
        else:
            label = strike_numbers.strike_label(strike)
            self.log_change(request, case, f"covered by {label} (moderation)")
            messages.success(request, f"Case {case.pk} closed as covered by {label}.")
        return HttpResponseRedirect(self._object_url(case))

    def duplicate_view(self, request: HttpRequest, pk: int, flag_pk: int) -> HttpResponse:
        case = self._case_or_403(request, pk, review=True)
        flag = get_object_or_404(Flag, pk=flag_pk, case=case)
        if request.method == "POST":
            try:
                cases.close_as_duplicate(flag=flag, moderator=request.user)
            except ValidationError as error:
                show_errors(request, error)
            else:
                self.log_change(request, case, f"flag {flag.pk} duplicate (moderation)")
                messages.success(request, f"Flag {flag.pk} closed as a duplicate.")
        return HttpResponseRedirect(self._object_url(case))
