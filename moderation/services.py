"""Every write of moderation: flags (from the detector and users' reports) and their review,
strikes and escalation, sanctions, appeals, and the staff access log.

`flag_detected_messages` runs inside the inbox's send transaction, so a masked message and
its flag are stored together or not at all.

Sanctions: the Sanction rows are the record; `moderation.enforcement.sync_user_sanctions`
mirrors the active ones into the user's fields, sessions and sockets. Flags are opened in
moderation.flagging and the staff access log is written in moderation.staff_access; both are
re-exported here, the one place every moderation write is found; cases (moderation.cases)
are decided there, through give_strike. Every decision that affects
a user reaches them through moderation.notices.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction

from config import clock
from inbox.models import Message
from marketplace import seller_suspension
from marketplace.models import NO_END
from moderation import notices, selectors, strike_numbers, wording
from moderation.appeal_filing import file_appeal, file_sanction_appeal
from moderation.enforcement import expire_sanctions, sync_user_sanctions
from moderation.flagging import (
    close_case_if_done,
    flag_detected_message,
    flag_detected_messages,
    report_message,
)
from moderation.models import (
    Appeal,
    Case,
    Flag,
    Sanction,
    SanctionPolicy,
    Strike,
    active_sanctions_q,
    active_strikes_q,
)
from moderation.service_rules import refuse_system_account, require_permission, saved
from moderation.staff_access import (
    is_active_staff,
    record_staff_access,
    require_reason,
    user_facing_reason,
)

__all__ = [
    "flag_detected_message",
    "flag_detected_messages",
    "report_message",
    "record_staff_access",
    "require_reason",
    "assign_flag",
    "dismiss_flag",
    "confirm_flag",
    "cover_flag",
    "give_strike",
    "impose_sanction",
    "lift_sanction",
    "file_appeal",
    "file_sanction_appeal",
    "decide_appeal",
    "expire_sanctions",
    "is_active_staff",
]

# Helpers ------------------------------------------------------------------------------------


def _locked_open_flag(flag: Flag) -> Flag:
    flag = Flag.objects.select_for_update().get(pk=flag.pk)
    if flag.status != Flag.Status.OPEN:
        raise ValidationError(
            f"This flag was already handled ({flag.get_status_display().lower()})."
        )
    return flag


# Flag review ----------------------------------------------------------------------------------


@transaction.atomic
def assign_flag(*, flag: Flag, moderator) -> Flag:
    """Take the flag: other moderators see it is being looked at."""
    require_permission(moderator, "moderation.change_flag")
    flag = _locked_open_flag(flag)
    flag.assigned_to = moderator
    flag.save(update_fields=["assigned_to"])
    return flag


def _close_flag(flag: Flag, *, moderator, status: str, resolution: str, note: str) -> Flag:
    flag.status, flag.resolution, flag.decided_by, flag.decided_at, flag.decision_note = (
        status,
        resolution,
        moderator,
        clock.now(),
        note.strip(),
    )
    if flag.assigned_to_id is None:
        flag.assigned_to = moderator
    saved(flag)
    close_case_if_done(flag, moderator=moderator)
    notices.tell_reporters(flag, took_action=status == Flag.Status.CONFIRMED)
    return flag


@transaction.atomic
def dismiss_flag(*, flag: Flag, moderator, note: str = "") -> Flag:
    """A false positive: nothing happens to the sender; the detector rules that matched
    count one more dismissal (selectors.rule_stats)."""
    require_permission(moderator, "moderation.change_flag")
    return _close_flag(
        _locked_open_flag(flag),
        moderator=moderator,
        status=Flag.Status.DISMISSED,
        resolution=Flag.Resolution.NOT_CONTACT,
        note=note,
    )


@transaction.atomic
def cover_flag(*, flag: Flag, moderator, decision_note: str = "") -> Strike:
    """Close the flag as covered by the strike its case already has (one strike per case)."""
    require_permission(moderator, "moderation.change_flag")
    flag = _locked_open_flag(flag)
    flag.covered_by = strike_numbers.case_strike(flag.case_id)
    if flag.covered_by is None:
        raise ValidationError("This flag's case has no strike yet: confirm it to give one.")
    label = strike_numbers.strike_label(flag.covered_by)
    _close_flag(
        flag,
        moderator=moderator,
        status=Flag.Status.CONFIRMED,
        resolution=Flag.Resolution.COVERED,
        note=decision_note.strip() or f"Covered by {label}.",
    )
    return flag.covered_by


@transaction.atomic
def confirm_flag(*, flag: Flag, moderator, kind: str, note: str, decision_note: str = "") -> Strike:
    """The message broke the rules: close the flag and give its sender a strike, unless its
    case already has one: then it is covered by that strike (never a second one per case)."""
    require_permission(moderator, "moderation.change_flag")
    # The case row locked first: two moderators confirming two of its flags give one strike.
    Case.objects.select_for_update().filter(pk=flag.case_id).first()
    if strike_numbers.case_strike(flag.case_id) is not None:
        return cover_flag(flag=flag, moderator=moderator, decision_note=decision_note)
    flag = _locked_open_flag(flag)
    message = flag.message
    author = message.sender if message.sender_id is not None else flag.case and flag.case.sender
    if author is None:
        raise ValidationError("A system message has no sender to give a strike to.")
    _close_flag(
        flag,
        moderator=moderator,
        status=Flag.Status.CONFIRMED,
        resolution=Flag.Resolution.CONFIRMED,
        note=decision_note,
    )
    return give_strike(
        user=author, kind=kind, moderator=moderator, note=note, flag=flag, message=message
    )


# Strikes and escalation -------------------------------------------------------------------------

SEVERITY = {
    None: 0,
    SanctionPolicy.Action.WARNING: 1,
    Sanction.Kind.RESTRICT: 2,
    Sanction.Kind.SUSPEND: 3,
}


def _active_strike_count(user, now: datetime) -> int:
    return Strike.objects.filter(active_strikes_q(now), user=user).count()


_policy_for = selectors.policy_for  # one rule for escalation and the review page's preview


@transaction.atomic
def give_strike(
    *,
    user,
    kind: str,
    moderator,
    note: str,
    flag: Flag | None = None,
    message: Message | None = None,
    case: Case | None = None,
    evidence: str = "",
) -> Strike:
    """Record a strike, then apply the escalation step for the user's active strikes. No flag
    is needed (behaviour reported outside chat): the note and evidence links say why."""
    require_permission(moderator, "moderation.add_strike")
    refuse_system_account(user)
    now = clock.now()
    get_user_model().objects.select_for_update().filter(
        pk=user.pk
    ).first()  # one escalation at a time per user
    strike = saved(
        Strike(
            user=user,
            kind=kind,
            moderator=moderator,
            note=user_facing_reason(note, "note"),
            flag=flag,
            message=message,
            case=case,
            evidence=evidence.strip(),
            created_at=now,
            expires_at=now + Strike.DEFAULT_LIFETIME,
        )
    )
    count = _active_strike_count(user, now)
    policy = _policy_for(count)
    warning = policy is None or policy.action == SanctionPolicy.Action.WARNING
    ends_at = (
        now + timedelta(days=policy.duration_days) if not warning and policy.duration_days else None
    )
    # The appeal stays open at least until the sanction this strike brings ends.
    deadline = selectors.appeal_deadline(strike, now=now)
    if not warning:
        deadline = max(deadline, ends_at or NO_END)
    summary = (
        f"You received a strike: {strike.get_kind_display().lower()}.\n\n{strike.note}\n\n"
        + _strike_terms(strike, count, deadline)
    )
    if warning:
        notices.notify_user(
            user, subject=wording.WARNING_SUBJECT, text=f"{summary}\n\n{wording.warning_text()}"
        )
        return strike
    _impose(
        user=user,
        kind=policy.action,
        moderator=moderator,
        strike=strike,
        starts_at=now,
        ends_at=ends_at,
        reason=f"{count} active strikes.",
        notice=summary,
    )
    return strike


def _strike_terms(strike: Strike, count: int, deadline: datetime) -> str:
    return (
        f"It counts until {notices.format_until(strike.expires_at)}. You now have {count} active "
        f"strike{'s' if count != 1 else ''}. {wording.appeal_terms(deadline)}"
    )


# Sanctions ------------------------------------------------------------------------------------


def _sanction_text(sanction: Sanction) -> str:
    effect = wording.started_text(sanction.kind, sanction.ends_at)
    text = f"{effect}\n\nReason: {sanction.reason}"
    if sanction.strike_id is None:  # imposed directly: the sanction itself is appealed
        text += f"\n\n{wording.appeal_terms(sanction.ends_at)}"
    return text


def _impose(
    *,
    user,
    kind: str,
    moderator,
    reason: str,
    starts_at: datetime,
    ends_at: datetime | None,
    strike: Strike | None,
    notice: str = "",
) -> Sanction:
    sanction = saved(
        Sanction(
            user=user,
            kind=kind,
            reason=user_facing_reason(reason, "reason"),
            strike=strike,
            created_by=moderator,
            starts_at=starts_at,
            ends_at=ends_at,
        )
    )
    text = f"{notice}\n\n{_sanction_text(sanction)}" if notice else _sanction_text(sanction)
    # The notice first: its push then reaches an open tab before the socket is closed.
    notices.notify_user(user, subject=wording.started_subject(kind), text=text.strip())
    sync_user_sanctions(user)
    if kind == Sanction.Kind.SUSPEND:
        seller_suspension.tell_buyers(seller=user)
    return sanction


@transaction.atomic
def impose_sanction(
    *, user, kind: str, moderator, reason: str, ends_at: datetime | None = None
) -> Sanction:
    """Restrict the user's messaging or suspend the account directly, until `ends_at` (None:
    until lifted). A suspension logs the user out everywhere and closes their sockets."""
    require_permission(moderator, "moderation.add_sanction")
    refuse_system_account(user)
    now = clock.now()
    if ends_at is not None and ends_at <= now:
        raise ValidationError({"ends_at": "The end must be in the future."})
    get_user_model().objects.select_for_update().filter(pk=user.pk).first()
    return _impose(
        user=user,
        kind=kind,
        moderator=moderator,
        reason=reason,
        starts_at=now,
        ends_at=ends_at,
        strike=None,
    )


def _lift(sanction: Sanction, *, moderator, reason: str, now: datetime) -> Sanction:
    sanction.lifted_at, sanction.lifted_by, sanction.lift_reason = now, moderator, reason
    saved(sanction)
    notices.notify_user(
        sanction.user,
        subject=wording.lifted_subject(sanction.kind),
        text=wording.lifted_text(sanction.kind, reason),
    )
    return sanction


@transaction.atomic
def lift_sanction(*, sanction: Sanction, moderator, reason: str) -> Sanction:
    """End an active sanction now, with a reason the user reads."""
    require_permission(moderator, "moderation.change_sanction")
    reason = user_facing_reason(reason, "reason")
    sanction = Sanction.objects.select_for_update().select_related("user").get(pk=sanction.pk)
    now = clock.now()
    if not sanction.is_active(now):
        raise ValidationError("This sanction is not active any more.")
    _lift(sanction, moderator=moderator, reason=reason, now=now)
    sync_user_sanctions(sanction.user)
    return sanction


# Appeals ----------------------------------------------------------------------------------------


@transaction.atomic
def decide_appeal(*, appeal: Appeal, moderator, uphold: bool, reason: str) -> Appeal:
    """Uphold (the strike is overturned, never deleted, and what it caused is lifted) or
    reject the appeal; the user reads the reason either way."""
    require_permission(moderator, "moderation.change_appeal")
    reason = user_facing_reason(reason, "decision_reason")
    appeal = (
        # Strike and sanction are nullable (outer joins): lock the appeal row alone.
        Appeal.objects.select_for_update(of=("self",))
        .select_related("strike__user", "sanction__user")
        .get(pk=appeal.pk)
    )
    if appeal.status != Appeal.Status.PENDING:
        raise ValidationError("This appeal was already decided.")
    if appeal.imposed_by_id == moderator.pk:
        what = "imposed this sanction" if appeal.sanction_id else "gave this strike"
        raise ValidationError(f"You {what}: another moderator decides its appeal.")
    now = clock.now()
    appeal.status = Appeal.Status.UPHELD if uphold else Appeal.Status.REJECTED
    appeal.decided_by, appeal.decided_at, appeal.decision_reason = moderator, now, reason
    saved(appeal)
    if appeal.sanction_id is not None:
        _decide_sanction_appeal(appeal.sanction, moderator=moderator, uphold=uphold, reason=reason)
        return appeal
    strike = appeal.strike
    if uphold:
        _overturn(strike, moderator=moderator, now=now)
        notices.notify_user(
            strike.user,
            subject="Your appeal was upheld",
            text=(
                f"We removed the strike for {strike.get_kind_display().lower()} "
                f"and what it caused: {_standing_now(strike.user)}\n\nReason: {reason}"
            ),
        )
    else:
        notices.notify_user(
            strike.user,
            subject="Your appeal was rejected",
            text=(
                f"The strike for {strike.get_kind_display().lower()} stands until "
                f"{notices.format_until(strike.expires_at)}.\n\nReason: {reason}"
            ),
        )
    return appeal


def _decide_sanction_appeal(sanction: Sanction, *, moderator, uphold: bool, reason: str) -> None:
    """Upheld: the sanction is lifted through lift_sanction (its notice carries the reason);
    one that ended meanwhile is only answered. Rejected: it stays, and the user hears why."""
    if uphold and sanction.is_active():
        lift_sanction(
            sanction=sanction, moderator=moderator, reason=f"Your appeal was upheld. {reason}"
        )
        return
    if uphold:
        subject, text = "Your appeal was upheld", f"It had already ended.\n\nReason: {reason}"
    else:
        subject = "Your appeal was rejected"
        text = f"{wording.stands_text(sanction.kind, sanction.ends_at)}\n\nReason: {reason}"
    notices.notify_user(sanction.user, subject=subject, text=text)


def _standing_now(user) -> str:
    """What the user can do after an appeal was upheld, in one sentence."""
    user.refresh_from_db(fields=["suspended_until", "messaging_restricted_until"])
    now = clock.now()
    if user.suspended_until is not None and user.suspended_until > now:
        return "your account is still suspended for your other strikes."
    if user.messaging_restricted_until is not None and user.messaging_restricted_until > now:
        return "your messaging is still restricted for your other strikes."
    return "your account is in good standing and you can use Gigbox again."


def _overturn(strike: Strike, *, moderator, now: datetime) -> None:
    """Mark the strike overturned, lift the sanctions it caused and any other escalation
    sanction the user's remaining active strikes no longer warrant, then apply again the
    step the remaining strikes do warrant (docs/decisions.md: escalation after an appeal)."""
    strike.overturned_at = now
    strike.save(update_fields=["overturned_at"])
    count = _active_strike_count(strike.user, now)
    policy = _policy_for(count)
    warranted = SEVERITY[policy.action if policy else None]
    escalations = Sanction.objects.select_for_update().filter(
        active_sanctions_q(now), user=strike.user, strike__isnull=False
    )
    for sanction in escalations:
        if sanction.strike_id == strike.pk or SEVERITY[sanction.kind] > warranted:
            _lift(
                sanction,
                moderator=moderator,
                reason="A strike behind it was overturned on appeal.",
                now=now,
            )
    _reapply_step(strike.user, policy=policy, count=count, moderator=moderator, now=now)
    sync_user_sanctions(strike.user)


def _reapply_step(
    user, *, policy: SanctionPolicy | None, count: int, moderator, now: datetime
) -> None:
    """The escalation step of the remaining active strikes, as if the overturned strike had
    never been given: it runs from the remaining strike that reached the step, for the
    policy's duration, so it is imposed again only for what is left of that time (nothing
    if it is over). Kept as it is when an active escalation sanction of its kind remains."""
    if policy is None or policy.action == SanctionPolicy.Action.WARNING:
        return
    if Sanction.objects.filter(
        active_sanctions_q(now), user=user, strike__isnull=False, kind=policy.action
    ).exists():
        return
    remaining = list(
        Strike.objects.filter(active_strikes_q(now), user=user).order_by("created_at", "id")
    )
    reached = remaining[policy.active_strikes - 1]
    ends_at = (
        reached.created_at + timedelta(days=policy.duration_days) if policy.duration_days else None
    )
    if ends_at is not None and ends_at <= now:
        return
    _impose(
        user=user,
        kind=policy.action,
        moderator=moderator,
        strike=reached,
        starts_at=now,
        ends_at=ends_at,
        reason=f"{count} active strikes remain after a strike was removed on appeal.",
    )
