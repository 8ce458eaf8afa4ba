"""Users' appeals: one per strike, or per sanction imposed without a strike, with a real
text (the staff reasons' 10-character rule, moderation.staff_access.appeal_text).
moderation.services re-exports both; moderators decide them there (decide_appeal)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from config import clock
from moderation import selectors
from moderation.models import Appeal, Sanction, Strike
from moderation.service_rules import saved
from moderation.staff_access import appeal_text


@transaction.atomic
def file_appeal(*, strike: Strike, user, text: str) -> Appeal:
    """The user's one appeal of their strike, within Appeal.WINDOW of the strike."""
    strike = Strike.objects.select_for_update().get(pk=strike.pk)
    now = clock.now()
    if strike.user_id != user.pk:
        raise PermissionDenied("Not your strike.")
    if strike.overturned_at is not None:
        raise ValidationError("This strike was already removed.")
    if now > selectors.appeal_deadline(strike, now=now):
        raise ValidationError(
            f"Appeals are possible for {Appeal.WINDOW.days} days after a strike, or until the "
            "restriction or suspension you are under ends; the time to appeal this one is over."
        )
    if Appeal.objects.filter(strike=strike).exists():
        raise ValidationError("You have already appealed this strike.")
    return saved(Appeal(strike=strike, text=appeal_text(text), created_at=now))


@transaction.atomic
def file_sanction_appeal(*, sanction: Sanction, user, text: str) -> Appeal:
    """The user's one appeal of a sanction a moderator imposed directly (no strike behind
    it, so no strike to appeal), while it is active: until it ends or is lifted."""
    sanction = Sanction.objects.select_for_update().get(pk=sanction.pk)
    if sanction.user_id != user.pk:
        raise PermissionDenied("Not your sanction.")
    if sanction.strike_id is not None:
        raise ValidationError("Appeal the strike behind this sanction instead.")
    now = clock.now()
    if not sanction.is_active(now):
        raise ValidationError("This restriction or suspension is over: there is nothing to appeal.")
    if Appeal.objects.filter(sanction=sanction).exists():
        raise ValidationError("You have already appealed this sanction.")
    return saved(Appeal(sanction=sanction, text=appeal_text(text), created_at=now))
