"""Reads of moderation, already filtered by who may see them."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from config.security import refused
from inbox.presentation import Segment, segments
from marketplace.models import NO_END, has_no_end
from moderation.models import (
    Appeal,
    Flag,
    Sanction,
    SanctionPolicy,
    Strike,
    active_sanctions_q,
    active_strikes_q,
)

__all__ = [
    "AccountHealth",
    "account_health",
    "strike_of_user",
    "sanction_of_user",
    "appeal_deadline",
    "strike_history",
    "RuleStat",
    "rule_stats",
    "context_messages",
    "StrikeStep",
    "next_strike_step",
    "policy_for",
    "active_sanctions_of",
    "other_open_flags",
]


@dataclass(frozen=True)
class StrikeView:
    strike: Strike
    active: bool
    can_appeal: bool
    appeal: Appeal | None
    appeal_until: datetime  # NO_END while a sanction without an end holds
    evidence: list[Segment]  # the message as it was delivered (masked), or none

    @property
    def appeal_ends(self) -> bool:
        return not has_no_end(self.appeal_until)


def appeal_deadline(strike: Strike, *, now: datetime | None = None) -> datetime:
    """The last moment the strike can be appealed: Appeal.WINDOW after it, and at least
    until every restriction or suspension the user is under ends (NO_END for one without
    an end), so that nobody is sanctioned past the time they could appeal."""
    now = now or timezone.now()
    sanctions = Sanction.objects.filter(active_sanctions_q(now), user_id=strike.user_id)
    return _appeal_until(strike, _latest_end(sanctions.values_list("ends_at", flat=True)))


def _latest_end(ends: Iterable[datetime | None]) -> datetime | None:
    """When the last of these sanctions ends (NO_END for one without an end); None: none."""
    return max((ends_at or NO_END for ends_at in ends), default=None)


def _appeal_until(strike: Strike, sanction_end: datetime | None) -> datetime:
    until = strike.created_at + Appeal.WINDOW
    return max(until, sanction_end) if sanction_end else until


@dataclass(frozen=True)
class SanctionAppealView:
    """A sanction a moderator imposed directly (no strike to appeal): appealed as such, while
    it is active, so until it ends (NO_END: until lifted)."""

    sanction: Sanction
    can_appeal: bool
    appeal: Appeal | None

    @property
    def appeal_until(self) -> datetime:
        return self.sanction.ends_at or NO_END

    @property
    def appeal_ends(self) -> bool:
        return self.sanction.ends_at is not None


@dataclass(frozen=True)
class AccountHealth:
    strikes: list[StrikeView]
    direct_sanctions: list[SanctionAppealView]  # active, imposed without a strike
    active_count: int
    sanctions: list[Sanction]
    past_sanctions: list[Sanction]  # lifted or over, newest first: the account's history
    restricted_until: datetime | None
    suspended_until: datetime | None
    policy: list[SanctionPolicy]  # what each number of active strikes leads to

    @property
    def suspension_ends(self) -> bool:
        """False for a suspension until a moderator lifts it (no end date)."""
        return not has_no_end(self.suspended_until)

    @property
    def restriction_ends(self) -> bool:
        """False for a restriction until a moderator lifts it (no end date)."""
        return not has_no_end(self.restricted_until)


def account_health(user) -> AccountHealth:
    """The user's own strikes (newest first, with their appeals), active sanctions, and the
    sanctions that were lifted or ran out (the history)."""
    now = timezone.now()
    strikes = list(Strike.objects.filter(user=user).select_related("appeal", "message"))
    every_sanction = list(
        Sanction.objects.filter(user=user, starts_at__lte=now)
        .select_related("appeal")
        .order_by("starts_at", "pk")
    )
    sanctions = [sanction for sanction in every_sanction if sanction.is_active(now)]
    past = [sanction for sanction in reversed(every_sanction) if not sanction.is_active(now)]
    sanction_end = _latest_end(sanction.ends_at for sanction in sanctions)
    views = []
    for strike in strikes:
        appeal = getattr(strike, "appeal", None)
        until = _appeal_until(strike, sanction_end)
        can_appeal = appeal is None and strike.overturned_at is None and now <= until
        evidence = segments(strike.message.delivered_body) if strike.message else []
        views.append(StrikeView(strike, strike.is_active(now), can_appeal, appeal, until, evidence))
    direct = []
    for sanction in (sanction for sanction in sanctions if sanction.strike_id is None):
        appeal = _appeal_of(sanction)
        direct.append(SanctionAppealView(sanction, appeal is None, appeal))
    return AccountHealth(
        strikes=views,
        direct_sanctions=direct,
        active_count=sum(1 for view in views if view.active),
        sanctions=sanctions,
        past_sanctions=past,
        restricted_until=user.messaging_restricted_until
        if _future(user.messaging_restricted_until, now)
        else None,
        suspended_until=user.suspended_until if _future(user.suspended_until, now) else None,
        policy=list(SanctionPolicy.objects.all()),
    )


def _appeal_of(sanction: Sanction) -> Appeal | None:
    return getattr(sanction, "appeal", None)  # a missing reverse one-to-one raises


def _future(moment: datetime | None, now: datetime) -> bool:
    return moment is not None and moment > now


def strike_of_user(user, strike_id: int) -> Strike:
    """The user's own strike, else Http404 (the same for "missing" and "not yours")."""
    strike = Strike.objects.filter(pk=strike_id, user_id=user.pk).first()
    if strike is None:
        refused("strike", strike_id)
        raise Http404("No such strike.")
    return strike


def sanction_of_user(user, sanction_id: int) -> Sanction:
    """The user's own sanction, else Http404 (the same for "missing" and "not yours")."""
    sanction = Sanction.objects.filter(pk=sanction_id, user_id=user.pk).first()
    if sanction is None:
        refused("sanction", sanction_id)
        raise Http404("No such sanction.")
    return sanction


def strike_history(user_id: int) -> QuerySet[Strike]:
    return (
        Strike.objects.filter(user_id=user_id)
        .select_related("moderator", "appeal")
        .order_by("-created_at")
    )


def _snapshot_time(value: object) -> datetime | None:
    """The snapshot's RFC 3339 time as an aware datetime (templates format it), or None."""
    try:
        return datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return None


def context_messages(flag: Flag) -> list[dict[str, object]]:
    """The flagged message and its neighbours as stored in the snapshot, delivered text only:
    the reveal page shows the original of the flagged message alone (the one its access row
    names); the neighbours' originals stay in the snapshot."""
    flagged_id = flag.message_id
    return [
        {
            "id": entry.get("id"),
            "seq": entry.get("seq"),
            "kind": entry.get("kind"),
            "sender_id": entry.get("sender_id"),
            "text": entry.get("delivered_body", ""),
            "created_at": _snapshot_time(entry.get("created_at")),
            "flagged": entry.get("id") == flagged_id,
        }
        for entry in flag.snapshot.get("messages", [])
    ]


@dataclass(frozen=True)
class StrikeStep:
    """What confirming a flag would cause: the sender's strike number and its policy step."""

    number: int
    policy: SanctionPolicy | None

    @property
    def description(self) -> str:
        if self.policy is None:
            return "no escalation step is defined"
        if self.policy.action == SanctionPolicy.Action.WARNING:
            return "a warning"
        duration = (
            f"for {self.policy.duration_days} days"
            if self.policy.duration_days
            else "until a moderator lifts it"
        )
        return f"{self.policy.get_action_display().lower()} {duration}"


def next_strike_step(user_id: int) -> StrikeStep:
    """The step a new strike of the user would reach (the same rule as escalation: the
    highest threshold at or below the active count)."""
    number = Strike.objects.filter(active_strikes_q(timezone.now()), user_id=user_id).count() + 1
    return StrikeStep(number, policy_for(number))


def policy_for(count: int) -> SanctionPolicy | None:
    """The escalation step for `count` active strikes: the highest threshold at or below it."""
    if count <= 0:
        return None
    return (
        SanctionPolicy.objects.filter(active_strikes__lte=count).order_by("-active_strikes").first()
    )


def active_sanctions_of(user_id: int) -> QuerySet[Sanction]:
    return Sanction.objects.filter(active_sanctions_q(timezone.now()), user_id=user_id).order_by(
        "starts_at"
    )


def other_open_flags(flag: Flag, limit: int = 20) -> QuerySet[Flag]:
    """The sender's other open flags, oldest first."""
    return (
        Flag.objects.filter(status=Flag.Status.OPEN, message__sender_id=flag.message.sender_id)
        .exclude(pk=flag.pk)
        .select_related("message")
        .order_by("created_at", "id")[:limit]
    )


MIN_DECISIONS = 20  # fewer decisions than this give no rate: one dismissal would read as 100 %


@dataclass(frozen=True)
class RuleStat:
    rule: str
    flags: int
    dismissed: int
    confirmed: int

    @property
    def decisions(self) -> int:
        return self.dismissed + self.confirmed

    @property
    def dismissal_rate(self) -> float | None:
        """Dismissed over decided, from MIN_DECISIONS decisions up; else None."""
        if self.decisions < MIN_DECISIONS:
            return None
        return self.dismissed / self.decisions


def rule_stats() -> list[RuleStat]:
    """Per detector rule: flags raised, then decisions: one per case (or per flag outside a
    case) and rule, the case's first decision. Flags closed as covered by a strike or as
    duplicates follow a decision already counted, so a burst of twenty confirmed messages is
    one confirmation, not one plus nineteen dismissals. The noisiest rules first."""
    flags, dismissed, confirmed = Counter(), Counter(), Counter()
    first_decision: dict[object, str] = {}
    rules_of: dict[object, set[str]] = {}
    rows = (
        Flag.objects.filter(source=Flag.Source.DETECTOR)
        .values_list("pk", "case_id", "rules", "status", "resolution", "decided_at")
        .order_by("decided_at", "pk")
    )
    follow_ups = (Flag.Resolution.COVERED, Flag.Resolution.DUPLICATE)
    for pk, case_id, rules, status, resolution, decided_at in rows.iterator(chunk_size=2000):
        for rule in rules or ():
            flags[rule] += 1
        if status == Flag.Status.OPEN or decided_at is None or resolution == "duplicate":
            continue
        group = ("case", case_id) if case_id else ("flag", pk)
        if resolution not in follow_ups:
            first_decision.setdefault(group, status)
        rules_of.setdefault(group, set()).update(rules or ())
    for group, status in first_decision.items():
        counter = confirmed if status == Flag.Status.CONFIRMED else dismissed
        for rule in rules_of[group]:
            counter[rule] += 1
    stats = [RuleStat(rule, flags[rule], dismissed[rule], confirmed[rule]) for rule in flags]
    return sorted(stats, key=lambda s: (-(s.dismissal_rate or 0), -s.dismissed, s.rule))
