"""A sanction takes effect: the user's denormalised fields and sockets.

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
from marketplace.models import NO_END
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
    get_user_model().objects.filter(pk=user.pk).update(
        messaging_restricted_until=restricted_until, suspended_until=suspended_until
    )
    user.messaging_restricted_until, user.suspended_until = restricted_until, suspended_until
    if suspended_until is not None and suspended_until > now:
        transaction.on_commit(lambda: inbox_push.disconnect_user(user.pk, CLOSE_SUSPENDED))
    else:
        transaction.on_commit(lambda: inbox_push.disconnect_user(user.pk, CLOSE_RECONNECT))
