"""Reads of moderation, already filtered by who may see them."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime

from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from moderation.models import Appeal, Flag, Sanction, SanctionPolicy, Strike, active_sanctions_q

__all__ = ["AccountHealth", "account_health", "strike_of_user", "strike_history", "RuleStat", "rule_stats", "context_messages"]

@dataclass(frozen=True)
class StrikeView:
    strike: Strike
    active: bool
    can_appeal: bool
    appeal: Appeal | None


@dataclass(frozen=True)
class AccountHealth:
    strikes: list[StrikeView]
    active_count: int
    sanctions: list[Sanction]
    restricted_until: datetime | None
    suspended_until: datetime | None
    policy: list[SanctionPolicy]  # what each number of active strikes leads to


def account_health(user) -> AccountHealth:
    """The user's own strikes (newest first, with their appeals) and active sanctions."""
    now = timezone.now()
    strikes = list(Strike.objects.filter(user=user).select_related("appeal"))
    views = []
    for strike in strikes:
        appeal = getattr(strike, "appeal", None)
        can_appeal = appeal is None and strike.overturned_at is None and now <= strike.created_at + Appeal.WINDOW
        views.append(StrikeView(strike, strike.is_active(now), can_appeal, appeal))
    sanctions = list(Sanction.objects.filter(active_sanctions_q(now), user=user).order_by("starts_at"))
    return AccountHealth(
        strikes=views,
        active_count=sum(1 for view in views if view.active),
        sanctions=sanctions,
        restricted_until=user.messaging_restricted_until if _future(user.messaging_restricted_until, now) else None,
        suspended_until=user.suspended_until if _future(user.suspended_until, now) else None,
        policy=list(SanctionPolicy.objects.all()),
    )


def _future(moment: datetime | None, now: datetime) -> bool:
    return moment is not None and moment > now


def strike_of_user(user, strike_id: int) -> Strike:
    """The user's own strike, else Http404 (the same for "missing" and "not yours")."""
    strike = Strike.objects.filter(pk=strike_id, user_id=user.pk).first()
    if strike is None:
        raise Http404("No such strike.")
    return strike


def strike_history(user_id: int) -> QuerySet[Strike]:
    return Strike.objects.filter(user_id=user_id).select_related("moderator", "appeal").order_by("-created_at")


def context_messages(flag: Flag) -> list[dict[str, object]]:
    """The flagged message and its neighbours as stored in the snapshot, delivered text only:
    the originals stay in the snapshot for the audited reveal page."""
    flagged_id = flag.message_id
    return [
        {
            "seq": entry.get("seq"),
            "kind": entry.get("kind"),
            "sender_id": entry.get("sender_id"),
            "text": entry.get("delivered_body", ""),
            "created_at": entry.get("created_at"),
            "flagged": entry.get("id") == flagged_id,
        }
        for entry in flag.snapshot.get("messages", [])
    ]


@dataclass(frozen=True)
class RuleStat:
    rule: str
    flags: int
    dismissed: int
    confirmed: int

    @property
    def dismissal_rate(self) -> float | None:
        decided = self.dismissed + self.confirmed
        return self.dismissed / decided if decided else None


def rule_stats() -> list[RuleStat]:
    """Per detector rule: flags raised, dismissed (false positives), confirmed; the noisiest
    (highest dismissal rate, then most dismissals) first."""
    flags, dismissed, confirmed = Counter(), Counter(), Counter()
    rows = Flag.objects.filter(source=Flag.Source.DETECTOR).values_list("rules", "status")
    for rules, status in rows.iterator(chunk_size=2000):
        for rule in rules or ():
            flags[rule] += 1
            if status == Flag.Status.DISMISSED:
                dismissed[rule] += 1
            elif status == Flag.Status.CONFIRMED:
                confirmed[rule] += 1
    stats = [RuleStat(rule, flags[rule], dismissed[rule], confirmed[rule]) for rule in flags]
    return sorted(stats, key=lambda s: (-(s.dismissal_rate or 0), -s.dismissed, s.rule))
