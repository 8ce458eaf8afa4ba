"""The decisions list: who decided what, when and why (flags, cases, strikes, appeals,
sanctions imposed and lifted), newest first, filterable by staff member. Read from the rows
the services write; nothing is stored for it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import reverse

from moderation.admin.base import user_link
from moderation.models import Appeal, Case, Flag, Sanction, Strike

SHOWN = 200  # newest decisions on the page (per source at most as many, then merged)


@dataclass(frozen=True)
class Decision:
    at: datetime
    staff: object
    what: str
    subject: object  # the user concerned, or None
    why: str
    url: str

    @property
    def staff_link(self) -> str:
        return user_link(self.staff)

    @property
    def subject_link(self) -> str:
        return user_link(self.subject) if self.subject is not None else "—"


def _lower_first(text: str) -> str:
    """Sentence case without lower-casing names ("outside Gigbox" stays as stored)."""
    return text[:1].lower() + text[1:]


def _admin_url(name: str, pk: int) -> str:
    return reverse(f"admin:moderation_{name}_change", args=[pk])


def collect_decisions(staff_id: int | None) -> list[Decision]:
    def by(field: str) -> Q:
        return Q(**{field: staff_id}) if staff_id else Q(**{f"{field}__isnull": False})

    found: list[Decision] = []
    cases = Case.objects.filter(by("decided_by_id")).select_related("decided_by", "sender")
    for case in cases.order_by("-decided_at")[:SHOWN]:
        found.append(
            Decision(
                case.decided_at,
                case.decided_by,
                f"Case {case.pk}: {_lower_first(case.get_status_display())}",
                case.sender,
                case.decision_note,
                _admin_url("case", case.pk),
            )
        )
    # Flags decided on their own (outside a case's decision) and duplicates.
    single = Q(case__isnull=True) | Q(resolution=Flag.Resolution.DUPLICATE)
    flags = Flag.objects.filter(single, by("decided_by_id")).select_related(
        "decided_by", "message__sender"
    )
    for flag in flags.order_by("-decided_at")[:SHOWN]:
        found.append(
            Decision(
                flag.decided_at,
                flag.decided_by,
                f"Flag {flag.pk}: {flag.get_resolution_display() or flag.get_status_display()}",
                flag.message.sender,
                flag.decision_note,
                _admin_url("flag", flag.pk),
            )
        )
    strikes = Strike.objects.filter(by("moderator_id")).select_related("moderator", "user")
    for strike in strikes.order_by("-created_at")[:SHOWN]:
        found.append(
            Decision(
                strike.created_at,
                strike.moderator,
                f"Strike {strike.pk} given: {_lower_first(strike.get_kind_display())}",
                strike.user,
                strike.note,
                _admin_url("strike", strike.pk),
            )
        )
    appeals = Appeal.objects.filter(by("decided_by_id")).select_related(
        "decided_by", "strike__user", "sanction__user"
    )
    for appeal in appeals.order_by("-decided_at")[:SHOWN]:
        found.append(
            Decision(
                appeal.decided_at,
                appeal.decided_by,
                f"Appeal {appeal.pk} of {appeal.subject_label}: {appeal.status_label}",
                appeal.appellant,
                appeal.decision_reason,
                _admin_url("appeal", appeal.pk),
            )
        )
    imposed = Sanction.objects.filter(by("created_by_id"), strike__isnull=True)
    for sanction in imposed.select_related("created_by", "user").order_by("-starts_at")[:SHOWN]:
        found.append(
            Decision(
                sanction.starts_at,
                sanction.created_by,
                f"{sanction.get_kind_display()} imposed",
                sanction.user,
                sanction.reason,
                _admin_url("sanction", sanction.pk),
            )
        )
    lifted = Sanction.objects.filter(by("lifted_by_id")).select_related("lifted_by", "user")
    for sanction in lifted.order_by("-lifted_at")[:SHOWN]:
        found.append(
            Decision(
                sanction.lifted_at,
                sanction.lifted_by,
                f"{sanction.get_kind_display()} lifted",
                sanction.user,
                sanction.lift_reason,
                _admin_url("sanction", sanction.pk),
            )
        )
    found.sort(key=lambda decision: decision.at, reverse=True)
    return found[:SHOWN]


def decisions_view(request: HttpRequest, admin_site, opts) -> HttpResponse:
    value = request.GET.get("staff", "")
    staff_id = int(value) if value.isdigit() else None
    staff_members = get_user_model().objects.filter(is_staff=True).order_by("username")
    context = {
        **admin_site.each_context(request),
        "opts": opts,
        "title": "Moderator decisions",
        "decisions": collect_decisions(staff_id),
        "staff_members": staff_members.only("pk", "username"),
        "staff_id": staff_id,
        "shown": SHOWN,
    }
    return TemplateResponse(request, "admin/moderation/case/decisions.html", context)
