"""Whether a seller is around: "away until" (out of office) and "online now".

Away: a seller sets `away_until` (and an optional away message) on their profile
(marketplace.services.set_away). While away their gigs leave search and the home page, the
profile and inbox say so, a buyer who writes gets the away message once per conversation
(inbox.away), and response clocks do not run (AwayPeriod rows, read by deals.selectors.openings_of).

Online now: presence lives in the inbox above us, so this module declares an extension
point. `set_presence` is called once by inbox.apps.InboxConfig.ready() with
inbox.presence.online_ids; without it (a process without the inbox) nobody is online.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date, datetime

from django.db import transaction
from django.db.models import Max

from config import clock
from marketplace import away_flag
from marketplace.models import AwayPeriod, SellerProfile, User
from marketplace.time_zones import zone_of

__all__ = [
    "set_presence",
    "online_among",
    "away_profile",
    "away_last_day",
    "away_until_text",
    "away_replies_possible",
    "set_away",
]

OnlineIds = Callable[[Iterable[int]], set[int]]
_presence: list[OnlineIds] = []


def set_presence(online_ids: OnlineIds) -> None:
    """Fill the extension point (inbox.apps): `online_ids(user_ids)` -> the online ones."""
    _presence[:] = [online_ids]


def online_among(user_ids: Iterable[int]) -> set[int]:
    """Which of these users are online now (none when no presence is known)."""
    ids = list(user_ids)
    if not _presence or not ids:
        return set()
    return _presence[0](ids)


def away_profile(user: User, now: datetime) -> SellerProfile | None:
    """The user's seller profile when they are away at `now`, else None."""
    profile = SellerProfile.objects.filter(user_id=user.pk, away_until__gt=now).first()
    if profile is not None:
        profile.user = user  # its zone names the day (`away_last_day`)
    return profile


def away_last_day(profile: SellerProfile) -> date | None:
    """The last day away as the seller picked it: the date in the seller's zone, the same
    for every reader (`away_until` is the end of that day there, 13 Dec already in Tokyo)."""
    if profile.away_until is None:
        return None
    return profile.away_until.astimezone(zone_of(profile.user)).date()


def away_until_text(profile: SellerProfile) -> str:
    """'12 Dec 2026': the one way every page, message and reply writes `away_last_day`."""
    day = away_last_day(profile)
    return f"{day.day} {day:%b %Y}" if day else ""


def away_replies_possible(now: datetime) -> bool:
    """False when no seller has an away reply (an away message and `away_until` after `now`):
    then nobody's profile need be read. One cache read (marketplace.away_flag); on a miss, one
    query for every seller, remembered until a profile is saved."""
    until = away_flag.cached_until()
    if until is None:
        latest = SellerProfile.objects.exclude(away_message="").aggregate(latest=Max("away_until"))
        until = away_flag.remember(latest["latest"])
    return until > now.timestamp()


@transaction.atomic
def set_away(
    *,
    profile: SellerProfile,
    until: datetime | None,
    message: str = "",
    now: datetime | None = None,
) -> SellerProfile:
    """Go away until `until` (None or a past time: be back now), with an optional away reply.

    The away period is recorded (AwayPeriod) so that response clocks skip it; coming back
    early ends the current period now."""
    now = now or clock.now()
    if until is not None and until <= now:
        until = None
    profile.away_until, profile.away_message = until, message.strip()
    profile.full_clean()
    profile.save(update_fields=["away_until", "away_message"])
    current = AwayPeriod.objects.filter(seller_id=profile.user_id, ends_at__gt=now).first()
    if until is None:
        if current is not None:
            AwayPeriod.objects.filter(pk=current.pk).update(ends_at=now)
    elif current is not None:
        AwayPeriod.objects.filter(pk=current.pk).update(ends_at=until)
    else:
        AwayPeriod.objects.create(seller_id=profile.user_id, started_at=now, ends_at=until)
    return profile
