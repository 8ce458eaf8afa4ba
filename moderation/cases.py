"""Cases: the flags of one sender in one conversation within a window, decided together.

A new flag joins the open case of its sender and conversation opened within
settings.GIGBOX_CASE_WINDOW_HOURS, else opens one (assign_cases, in the flag's transaction).
Confirming a case gives ONE strike that cites every message of it; its other flags close as
"covered by strike N". Dismissing closes them as "dismissed: not contact". A flag closed as a
duplicate follows a decision already taken. selectors.rule_stats counts each case's decision
once per rule.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q

from config import clock
from moderation import labels, notices, services, strike_numbers
from moderation.flagging import decide_case
from moderation.models import Case, Flag, Strike
from moderation.staff_access import is_active_staff, user_facing_reason

QUOTE_CHARS = 120  # of each cited message in the strike's note


def _require_reviewer(moderator) -> None:
    if not (is_active_staff(moderator) and moderator.has_perm("moderation.change_flag")):
        raise PermissionDenied(f"{moderator} lacks moderation.change_flag.")


def _locked_open_case(case: Case) -> tuple[Case, list[Flag]]:
    case = Case.objects.select_for_update().get(pk=case.pk)
    if case.status != Case.Status.OPEN:
        raise ValidationError(f"This case was already handled ({case.get_status_display()}).")
    flags = list(
        Flag.objects.select_for_update()
        .filter(case=case, status=Flag.Status.OPEN)
        .order_by("message__seq", "id")
    )
    return case, flags


def _close(flag: Flag, *, moderator, status: str, resolution: str, note: str, now) -> None:
    flag.status, flag.resolution = status, resolution
    flag.decided_by, flag.decided_at, flag.decision_note = moderator, now, note
    flag.assigned_to_id = flag.assigned_to_id or moderator.pk
    flag.save(
        update_fields=[
            "status",
            "resolution",
            "decided_by",
            "decided_at",
            "decision_note",
            "assigned_to",
            "covered_by",
        ]
    )
    notices.tell_reporters(flag, took_action=status == Flag.Status.CONFIRMED)


def cited_messages(flags: Sequence[Flag]) -> str:
    """The messages a case's strike cites, as the user reads them (delivered text only)."""
    lines = []
    for flag in flags:
        message = flag.message
        text = message.delivered_body
        if len(text) > QUOTE_CHARS:
            text = text[: QUOTE_CHARS - 1] + "…"
        where = labels.other_party_label(message.conversation, message.sender_id)
        lines.append(
            f"- {message.created_at:%Y-%m-%d %H:%M} UTC in {where}, message {message.seq}: “{text}”"
        )
    return "\n".join(lines)


def _cover(flag: Flag, strike: Strike, *, moderator, now, given_before: bool = True) -> None:
    flag.covered_by = strike
    label = strike_numbers.strike_label(strike)
    _close(
        flag,
        moderator=moderator,
        status=Flag.Status.CONFIRMED,
        resolution=Flag.Resolution.COVERED,
        note=f"Covered by {label} (given before)." if given_before else f"Covered by {label}.",
        now=now,
    )


def case_strikes(case: Case) -> dict[int, Strike]:
    """existing_strikes for every message of the case, open or closed."""
    return strike_numbers.case_strikes(case.pk)


@transaction.atomic
def cover_case(*, case: Case, moderator, strike_id: int, decision_note: str = "") -> Strike:
    """The moderator judges that a strike already given for a message of this case answers the
    whole case: its open flags close as covered by it; no new strike."""
    _require_reviewer(moderator)
    case, flags = _locked_open_case(case)
    strike = {strike.pk: strike for strike in case_strikes(case).values()}.get(strike_id)
    if strike is None:
        raise ValidationError("That strike was not given for a message of this case.")
    now = clock.now()
    for flag in flags:
        _cover(flag, strike, moderator=moderator, now=now)
    decide_case(
        case,
        moderator=moderator,
        status=Case.Status.CONFIRMED,
        note=decision_note.strip() or f"Covered by {strike_numbers.strike_label(strike)}.",
        now=now,
    )
    return strike


@transaction.atomic
def confirm_case(*, case: Case, moderator, kind: str, note: str, decision_note: str = "") -> Strike:
    """One strike for the whole case, citing every open message of it; the first flag is the
    confirmation, the others close as covered by that strike. A case that already has a strike
    (one of its flags confirmed on its own) gets no second one: its open flags close as covered
    by it, and that strike is returned."""
    _require_reviewer(moderator)
    case, flags = _locked_open_case(case)
    if not flags:
        raise ValidationError("This case has no open flags left.")
    if case.sender_id is None:
        raise ValidationError("A system message has no sender to give a strike to.")
    flags = list(
        Flag.objects.filter(pk__in=[flag.pk for flag in flags])
        .select_related("message", *labels.related("message__conversation"))
        .order_by("message__seq", "id")
    )
    now = clock.now()
    decision_note = decision_note.strip()
    # One strike per case: once a message of the case has one (a flag confirmed on its own
    # page, or a strike given before), it answers the whole case; the open flags close as
    # covered by it.
    given = case_strikes(case)
    if given:
        earliest = min(given.values(), key=lambda strike: (strike.created_at, strike.pk))
        for flag in flags:
            _cover(flag, given.get(flag.message_id, earliest), moderator=moderator, now=now)
        decide_case(
            case,
            moderator=moderator,
            status=Case.Status.CONFIRMED,
            note=decision_note or f"Covered by {strike_numbers.strike_label(earliest)}.",
            now=now,
        )
        return earliest
    note = user_facing_reason(note, field="note")  # the moderator's own words, before the quotes
    full_note = (
        f"{note.strip()}\n\n"
        f"Message{'s' if len(flags) != 1 else ''} concerned:\n{cited_messages(flags)}"
    )
    first = flags[0]
    _close(
        first,
        moderator=moderator,
        status=Flag.Status.CONFIRMED,
        resolution=Flag.Resolution.CONFIRMED,
        note=decision_note,
        now=now,
    )
    strike = services.give_strike(
        user=case.sender,
        kind=kind,
        moderator=moderator,
        note=full_note,
        flag=first,
        message=first.message,
        case=case,
    )
    for flag in flags[1:]:
        _cover(flag, strike, moderator=moderator, now=now, given_before=False)
    decide_case(
        case, moderator=moderator, status=Case.Status.CONFIRMED, note=decision_note, now=now
    )
    return strike


@transaction.atomic
def dismiss_case(*, case: Case, moderator, note: str = "") -> Case:
    """Not contact sharing: every open flag of the case closes as "dismissed: not contact";
    the case counts as one dismissal per rule."""
    _require_reviewer(moderator)
    case, flags = _locked_open_case(case)
    now = clock.now()
    for flag in flags:
        _close(
            flag,
            moderator=moderator,
            status=Flag.Status.DISMISSED,
            resolution=Flag.Resolution.NOT_CONTACT,
            note=note.strip(),
            now=now,
        )
    decide_case(case, moderator=moderator, status=Case.Status.DISMISSED, note=note.strip(), now=now)
    return case


@transaction.atomic
def close_as_duplicate(*, flag: Flag, moderator, note: str = "") -> Flag:
    """The flag repeats what another decision covered: closed without counting for its rules.
    Its case closes with it when no open flag is left (dismissed, not counted twice)."""
    _require_reviewer(moderator)
    flag = Flag.objects.select_for_update().get(pk=flag.pk)
    if flag.status != Flag.Status.OPEN:
        raise ValidationError(f"This flag was already handled ({flag.get_status_display()}).")
    now = clock.now()
    _close(
        flag,
        moderator=moderator,
        status=Flag.Status.DISMISSED,
        resolution=Flag.Resolution.DUPLICATE,
        note=note.strip() or "Duplicate.",
        now=now,
    )
    case = flag.case
    if case is not None and not case.flags.filter(status=Flag.Status.OPEN).exists():
        decide_case(
            case, moderator=moderator, status=Case.Status.DISMISSED, note="Duplicates.", now=now
        )
    return flag


def _dismissed_reports_only(item: Case | Flag) -> bool:
    """A dismissal of users' reports only (no detector flag): "no breach found" fits it."""
    if isinstance(item, Flag):
        return item.source == Flag.Source.REPORT and item.resolution == Flag.Resolution.NOT_CONTACT
    return not Flag.objects.filter(case=item, source=Flag.Source.DETECTOR).exists()


def decision_outcome(item: Case | Flag) -> str:
    """What a decided case or flag ended in, for its page once the preview no longer applies:
    "Confirmed by mona on 2026-12-07 10:12 UTC: strike 2 of 3 active (#12)". Empty while open."""
    if item.status == Flag.Status.OPEN or item.decided_at is None:
        return ""
    who = item.decided_by.username if item.decided_by else "the system"
    head = f"{item.get_status_display()} by {who} on {item.decided_at:%Y-%m-%d %H:%M} UTC"
    if item.status != Flag.Status.CONFIRMED:
        if item.status == Flag.Status.DISMISSED and _dismissed_reports_only(item):
            return f"{head}: {labels.dismiss_words([Flag.Source.REPORT])}"
        resolution = getattr(item, "get_resolution_display", lambda: "not contact")()
        return f"{head}: {resolution.removeprefix('Dismissed: ').lower()}"
    if isinstance(item, Case):
        flags = Flag.objects.filter(case=item)
        strikes = Strike.objects.filter(
            Q(case=item) | Q(flag__in=flags) | Q(covered_flags__in=flags)
        )
    else:
        strikes = Strike.objects.filter(Q(flag=item) | Q(covered_flags=item))
    words = [strike.label for strike in strike_numbers.labelled(strikes.distinct().order_by("pk"))]
    return f"{head}: {', '.join(words) or 'no strike recorded'}"
