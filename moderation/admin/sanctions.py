"""Strikes, sanctions, appeals and the escalation policy table."""

from __future__ import annotations

from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Case, IntegerField, QuerySet, Value, When
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html

from moderation import labels, selectors, services, strike_numbers
from moderation.admin.base import ReadOnlyModelAdmin, show_errors, user_link
from moderation.forms import (
    AppealDecisionForm,
    ReasonForm,
    SanctionForm,
)
from moderation.models import (
    Appeal,
    Sanction,
    SanctionPolicy,
    Strike,
    active_sanctions_q,
    active_strikes_q,
)


class ActiveFilter(admin.SimpleListFilter):
    title = "active"
    parameter_name = "active"

    def __init__(self, request, params, model, model_admin):
        super().__init__(request, params, model, model_admin)
        self.model_admin = model_admin  # its active_q says what "active" means for the model

    def lookups(self, request, model_admin):
        return [("yes", "Active"), ("no", "Not active")]

    def queryset(self, request, queryset):
        if self.value() not in ("yes", "no"):
            return queryset
        active = self.model_admin.active_q(timezone.now())
        return queryset.filter(active) if self.value() == "yes" else queryset.exclude(active)


@admin.register(Strike)
class StrikeAdmin(ReadOnlyModelAdmin):
    # Few, narrow columns: the list fits 1400 px; who gave it is on the strike's page.
    list_display = [
        "id",
        "user_link",
        "kind",
        "active",
        "created_at",
        "expires_at",
        "appeal_status",
    ]
    list_filter = [ActiveFilter, "kind"]
    search_fields = ["user__username", "note"]
    list_select_related = ["user", "appeal"]
    readonly_fields = [
        "user_link",
        "kind",
        "evidence_for",
        "case",
        "moderator_link",
        "note",
        "evidence",
        "created_at",
        "expires_at",
        "overturned_at",
    ]
    fields = readonly_fields

    active_q = staticmethod(active_strikes_q)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Strike]:
        return (
            super()
            .get_queryset(request)
            .select_related("user", "moderator", *labels.related("message__conversation"))
        )

    @admin.display(description="user", ordering="user__username")
    def user_link(self, strike: Strike) -> str:
        return user_link(strike.user)

    @admin.display(description="given by")
    def moderator_link(self, strike: Strike) -> str:
        return user_link(strike.moderator)

    @admin.display(description="message")
    def evidence_for(self, strike: Strike) -> str:
        """Names, order and message, linked to the flag moderators can open (never a 403)."""
        if strike.message is None:
            return "— (no flag: see the note and evidence)"
        label = labels.message_label(strike.message)
        if strike.flag_id is None:
            return label
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:moderation_flag_change", args=[strike.flag_id]),
            label,
        )

    @admin.display(boolean=True)
    def active(self, strike: Strike) -> bool:
        return strike.is_active()

    @admin.display(description="appeal")
    def appeal_status(self, strike: Strike) -> str:
        appeal = getattr(strike, "appeal", None)
        return appeal.get_status_display() if appeal else "—"


@admin.register(Sanction)
class SanctionAdmin(ReadOnlyModelAdmin):
    list_display = ["id", "user_link", "kind", "active", "starts_at", "ends_at", "lifted_at"]
    list_filter = [ActiveFilter, "kind"]
    search_fields = ["user__username", "reason"]
    list_select_related = ["user"]
    readonly_fields = [
        "user_link",
        "kind",
        "reason",
        "strike",
        "created_by_link",
        "starts_at",
        "ends_at",
        "lifted_at",
        "lifted_by_link",
        "lift_reason",
        "expired_at",
        "appeal_link",
    ]
    fields = readonly_fields
    change_form_template = "admin/moderation/sanction/change_form.html"

    active_q = staticmethod(active_sanctions_q)

    @admin.display(description="user", ordering="user__username")
    def user_link(self, sanction: Sanction) -> str:
        return user_link(sanction.user)

    @admin.display(description="imposed by")
    def created_by_link(self, sanction: Sanction) -> str:
        return user_link(sanction.created_by)

    @admin.display(description="lifted by")
    def lifted_by_link(self, sanction: Sanction) -> str:
        return user_link(sanction.lifted_by) if sanction.lifted_by_id else "—"

    @admin.display(boolean=True)
    def active(self, sanction: Sanction) -> bool:
        return sanction.is_active()

    @admin.display(description="appeal")
    def appeal_link(self, sanction: Sanction) -> str:
        """The appeal of this sanction (imposed directly), or of the strike that caused it."""
        appeal = getattr(sanction, "appeal", None)
        if appeal is None and sanction.strike_id is not None:
            appeal = getattr(sanction.strike, "appeal", None)
        if appeal is None:
            return "—"
        of = "this sanction" if appeal.sanction_id == sanction.pk else "its strike"
        return format_html(
            '<a href="{}" data-appeal-link>Appeal #{} of {}: {}</a>',
            reverse("admin:moderation_appeal_change", args=[appeal.pk]),
            appeal.pk,
            of,
            appeal.get_status_display(),
        )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return self._model_perm(request, "add")

    def get_urls(self):
        own = [
            path(
                "<int:pk>/lift/",
                self.admin_site.admin_view(self.lift_view),
                name="moderation_sanction_lift",
            )
        ]
        return own + super().get_urls()

    def add_view(
        self, request: HttpRequest, form_url: str = "", extra_context=None
    ) -> HttpResponse:
        """Restrict or suspend a user directly, through services.impose_sanction."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = SanctionForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            user = get_user_model().objects.filter(username=data["username"]).first()
            if user is None:
                form.add_error("username", "No such user.")
            else:
                try:
                    sanction = services.impose_sanction(
                        user=user,
                        kind=data["kind"],
                        moderator=request.user,
                        reason=data["reason"],
                        ends_at=data["ends_at"],
                    )
                except ValidationError as error:
                    form.add_error(None, error)
                else:
                    self.log_addition(request, sanction, "imposed (moderation)")
                    messages.success(request, f"{sanction.get_kind_display()}: {user.username}.")
                    return HttpResponseRedirect(self._object_url(sanction))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": "Restrict or suspend a user",
            "form": form,
        }
        return TemplateResponse(request, "admin/moderation/sanction/impose.html", context)

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context=None
    ) -> HttpResponse:
        extra_context = {**(extra_context or {}), "lift_form": ReasonForm()}
        extra_context["can_lift"] = self._model_perm(request, "change")
        return super().change_view(request, object_id, form_url, extra_context)

    def lift_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        if not self._model_perm(request, "change"):
            raise PermissionDenied
        sanction = get_object_or_404(Sanction, pk=pk)
        form = ReasonForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                services.lift_sanction(
                    sanction=sanction, moderator=request.user, reason=form.cleaned_data["reason"]
                )
            except ValidationError as error:
                show_errors(request, error)
            else:
                self.log_change(request, sanction, "lifted (moderation)")
                messages.success(request, "Sanction lifted.")
        else:
            messages.error(request, "Give a reason to lift the sanction.")
        return HttpResponseRedirect(self._object_url(sanction))


@admin.register(Appeal)
class AppealAdmin(ReadOnlyModelAdmin):
    list_display = ["id", "user", "appealed", "outcome", "created_at", "decider", "decided_at"]
    list_filter = ["status"]
    search_fields = ["strike__user__username", "sanction__user__username", "text"]
    list_select_related = ["strike__user", "sanction__user", "decided_by"]
    readonly_fields = [
        "subject_summary",
        "text",
        "outcome",
        "created_at",
        "decider",
        "decided_at",
        "decision_reason",
    ]
    fields = readonly_fields
    change_form_template = "admin/moderation/appeal/change_form.html"

    def get_queryset(self, request: HttpRequest) -> QuerySet[Appeal]:
        pending_first = Case(
            When(status=Appeal.Status.PENDING, then=Value(0)),
            default=Value(1),
            output_field=IntegerField(),
        )
        return Appeal.objects.annotate(pending_first=pending_first)  # not super(): see FlagAdmin

    def get_ordering(self, request: HttpRequest) -> list[str]:
        return ["pending_first", "created_at"]

    @admin.display(description="user")
    def user(self, appeal: Appeal) -> str:
        return user_link(appeal.appellant)

    @admin.display(description="decided by", ordering="decided_by__username")
    def decider(self, appeal: Appeal) -> str:
        return user_link(appeal.decided_by) if appeal.decided_by_id else "—"

    @admin.display(description="appeal of")
    def appealed(self, appeal: Appeal) -> str:
        if appeal.sanction_id is not None:
            return f"{appeal.sanction.get_kind_display()} (no strike)"
        return f"Strike: {appeal.strike.get_kind_display().lower()}"

    @admin.display(description="status", ordering="status")
    def outcome(self, appeal: Appeal) -> str:
        return appeal.status_label

    @admin.display(description="appeal of")
    def subject_summary(self, appeal: Appeal) -> str:
        if appeal.sanction_id is not None:
            return self._sanction_summary(appeal.sanction)
        strike = appeal.strike
        message = strike.message
        return format_html(
            "<p><a href='{}'>Strike {}</a>: {} for {}, given {} by {}.</p>"
            "<p>Note to the user: {}</p><p>Message as delivered: {}</p>",
            reverse("admin:moderation_strike_change", args=[strike.pk]),
            strike.pk,
            strike.get_kind_display(),
            user_link(strike.user),
            strike.created_at.strftime("%Y-%m-%d %H:%M"),
            user_link(strike.moderator),
            strike.note,
            message.delivered_body if message else "—",
        )

    @staticmethod
    def _sanction_summary(sanction: Sanction) -> str:
        """A sanction imposed directly: what, for whom, by whom, until when, why, and whether
        it still holds (an upheld appeal lifts it)."""
        ends = sanction.ends_at.strftime("%Y-%m-%d %H:%M") if sanction.ends_at else "lifted"
        return format_html(
            "<p><a href='{}'>Sanction {}</a>: {} for {}, imposed {} by {} (no strike), "
            "until {}. {}</p><p>Reason given to the user: {}</p>",
            reverse("admin:moderation_sanction_change", args=[sanction.pk]),
            sanction.pk,
            sanction.get_kind_display(),
            user_link(sanction.user),
            sanction.starts_at.strftime("%Y-%m-%d %H:%M"),
            user_link(sanction.created_by),
            ends,
            "Active." if sanction.is_active() else "No longer active.",
            sanction.reason,
        )

    def get_urls(self):
        own = [
            path(
                "<int:pk>/decide/",
                self.admin_site.admin_view(self.decide_view),
                name="moderation_appeal_decide",
            )
        ]
        return own + super().get_urls()

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context=None
    ) -> HttpResponse:
        appeal = self.get_object(
            request, object_id
        )  # None: super() answers as for any missing object
        # Another moderator than the one who gave the strike or imposed the sanction decides.
        own_strike = appeal is not None and appeal.imposed_by_id == request.user.pk
        extra_context = {
            **(extra_context or {}),
            "decision_form": AppealDecisionForm(),
            "own_strike": own_strike,
            "can_decide": self._model_perm(request, "change") and not own_strike,
        }
        return super().change_view(request, object_id, form_url, extra_context)

    def decide_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        if not self._model_perm(request, "change"):
            raise PermissionDenied
        appeal = get_object_or_404(Appeal, pk=pk)
        form = AppealDecisionForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            uphold = form.cleaned_data["decision"] == "uphold"
            before = set(_active_sanction_ids(appeal))
            try:
                services.decide_appeal(
                    appeal=appeal,
                    moderator=request.user,
                    uphold=uphold,
                    reason=form.cleaned_data["reason"],
                )
            except ValidationError as error:
                show_errors(request, error)
            else:
                self.log_change(request, appeal, "upheld" if uphold else "rejected")
                messages.success(
                    request, upheld_message(appeal, before) if uphold else "Appeal rejected."
                )
        else:
            messages.error(request, "Choose a decision and write the reason.")
        return HttpResponseRedirect(self._object_url(appeal))


def _user_id(appeal: Appeal) -> int:
    return appeal.sanction.user_id if appeal.sanction_id else appeal.strike.user_id


def _active_sanction_ids(appeal: Appeal) -> list[int]:
    return list(selectors.active_sanctions_of(_user_id(appeal)).values_list("pk", flat=True))


def upheld_message(appeal: Appeal, before: set[int]) -> str:
    """What upholding did: the strike (by its one numbering) or the sanction removed, each
    sanction lifted, and what still holds ("Lifted: account suspended until …")."""
    appeal.refresh_from_db()
    if appeal.sanction_id:
        before = before - {appeal.sanction_id}  # named in the head, not listed again
        head = f"Appeal upheld: sanction lifted ({_sanction_words(appeal.sanction)})."
    else:
        head = f"Appeal upheld: {strike_numbers.strike_label(appeal.strike)} removed."
    now_active = set(_active_sanction_ids(appeal))
    lifted = Sanction.objects.filter(pk__in=before - now_active).order_by("starts_at")
    added = Sanction.objects.filter(pk__in=now_active - before).order_by("starts_at")
    parts = [head]
    if lifted:
        parts.append("Lifted: " + "; ".join(_sanction_words(item) for item in lifted) + ".")
    if added:
        parts.append("Applied again: " + "; ".join(_sanction_words(i) for i in added) + ".")
    kept = Sanction.objects.filter(pk__in=now_active & before).order_by("starts_at")
    if kept:
        parts.append("Still in force: " + "; ".join(_sanction_words(i) for i in kept) + ".")
    count = len(strike_numbers.active_ids(_user_id(appeal)))
    parts.append(f"They now have {count} active strike{'s' if count != 1 else ''}.")
    return " ".join(parts)


def _sanction_words(sanction: Sanction) -> str:
    until = f"{sanction.ends_at:%Y-%m-%d %H:%M} UTC" if sanction.ends_at else "a moderator lifts it"
    return f"{sanction.get_kind_display().lower()} until {until}"


@admin.register(SanctionPolicy)
class SanctionPolicyAdmin(admin.ModelAdmin):
    """Escalation steps: moderators read them; superusers (all permissions) edit them."""

    list_display = ["active_strikes", "action", "duration_days"]
    ordering = ["active_strikes"]
