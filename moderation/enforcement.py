"""A sanction takes effect, and ends: the user's denormalised fields and sockets, the end
of sanctions whose time is over, and the buyers of a seller whose suspension ended early.

The Sanction rows are the record; sync_user_sanctions mirrors the active ones into
User.messaging_restricted_until / suspended_until (which the send path, the account-page-only
middleware moderation.limited_access and the socket compare with the clock) and, on a change,
closes or reconnects their sockets after commit. A suspended user's sessions are kept: the
middleware confines them to the account page, where they can appeal. Called by
moderation.services in its transactions.
"""

from __future__ import annotations

from datetime import datetime

from django.contrib.auth import get_user_model
from django.db import transaction

from config import clock
from inbox import push as inbox_push
from marketplace import seller_suspension
from marketplace.models import NO_END
from moderation import notices, wording
from moderation.models import (
    Sanction,
    active_sanctions_q,
)

CLOSE_SUSPENDED = 4403
# Sent to the sockets of a user whose restriction changed: the client reconnects at once and
# the new socket loads the user afresh (a socket keeps the user it was opened with).
CLOSE_RECONNECT = 1012


def sync_user_sanctions(user) -> None:
    """Mirror the active sanctions into the user's denormalised fields; on a change, end the
    user's sockets (suspended) or make them reconnect (so that they load the new state).
    Runs inside the caller's transaction."""
    now = clock.now()
    ends: dict[str, datetime | None] = {Sanction.Kind.RESTRICT: None, Sanction.Kind.SUSPEND: None}
    for kind, ends_at in Sanction.objects.filter(active_sanctions_q(now), user=user).values_list(
        "kind", "ends_at"
    ):
        until = ends_at or NO_END
        ends[kind] = max(ends[kind] or until, until)
    restricted_until, suspended_until = ends[Sanction.Kind.RESTRICT], ends[Sanction.Kind.SUSPEND]
    fresh = (
        get_user_model()
        .objects.only("messaging_restricted_until", "suspended_until")
        .get(pk=user.pk)
    )
    if (fresh.messaging_restricted_until, fresh.suspended_until) == (
        restricted_until,
        suspended_until,
    ):
        return
    was_suspended = fresh.suspended_until is not None and fresh.suspended_until > now
    get_user_model().objects.filter(pk=user.pk).update(
        messaging_restricted_until=restricted_until, suspended_until=suspended_until
    )
    user.messaging_restricted_until, user.suspended_until = restricted_until, suspended_until
    if suspended_until is not None and suspended_until > now:
        transaction.on_commit(lambda: inbox_push.disconnect_user(user.pk, CLOSE_SUSPENDED))
    else:
        transaction.on_commit(lambda: inbox_push.disconnect_user(user.pk, CLOSE_RECONNECT))
        if was_suspended:  # lifted, or an appeal upheld, before its end
            tell_buyers_reinstated(user)


def tell_buyers_reinstated(seller) -> int:
    """The seller's suspension ended early: a "Seller reinstated" timeline entry in each open
    order (and its line in the thread) and an email to its buyer (the suspension's line said
    the order could be cancelled; it will not be: marketplace.seller_suspension cancels only
    while the seller is suspended)."""
    orders = seller_suspension.open_orders(seller)
    for order in orders:
        text = seller_suspension.record_reinstated(order)
        transaction.on_commit(
            lambda order=order, text=text: seller_suspension.email_buyer(
                order, text, subject="the seller is back"
            )
        )
    return len(orders)


def expire_sanctions(*, now: datetime | None = None) -> int:
    """Close sanctions whose end has passed: mark them, tell the user, and refresh the
    user's fields. Sanctions end by themselves (the checks compare times); this cleans up
    the state and sends the notice. Returns how many ended."""
    now = now or clock.now()
    ended = 0
    pending = Sanction.objects.filter(
        lifted_at__isnull=True, expired_at__isnull=True, ends_at__lte=now
    )
    for pk in pending.values_list("pk", flat=True):
        with transaction.atomic():
            sanction = Sanction.objects.select_for_update().select_related("user").get(pk=pk)
            if sanction.lifted_at is not None or sanction.expired_at is not None:
                continue
            sanction.expired_at = now
            sanction.save(update_fields=["expired_at"])
            sync_user_sanctions(sanction.user)
            notices.notify_user(
                sanction.user,
                subject=wording.ended_subject(sanction.kind),
                text=wording.ended_text(sanction.kind, sanction.ends_at),
            )
            ended += 1
    return ended
