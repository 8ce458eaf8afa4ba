"""Demo conversations, loaded by `manage.py seed` from seeds/20_inbox.json.

Every message goes through inbox.send.send_message with the client_id written in the
file, so a second load is answered by idempotency and stores nothing. Masked attempts in
the file are masked and flagged exactly as they would be live. (Order threads get their
system messages from the marketplace seed, through inbox.order_events.)

A conversation with `days_ago` (and `hour`, UTC) is written in the past, each message
`after_minutes` after the one before (config.clock.seed_time): the inbox shows real day
separators and the sellers' response figures come out of real answer times. Without
`days_ago` it is written now (order threads, whose order events are from now).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, TextIO

from django.utils import timezone

from config.clock import seed_time, story_start
from inbox import services
from inbox.conversations import get_or_start_conversation
from inbox.models import Conversation
from inbox.read_marks import mark_read
from inbox.send import send_message
from marketplace.models import Gig, Order, User

Spec = dict[str, Any]


DEFAULT_GAP_MINUTES = 2


def message_times(spec: Spec, *, now: datetime) -> list[datetime | None]:
    """When each message of the conversation is written: None for "now" (no `days_ago`).

    The first starts `days_ago` days back at `hour` o'clock; the last always lies in the past."""
    if "days_ago" not in spec:
        return [None] * len(spec["messages"])
    offsets = [0]
    for entry in spec["messages"][1:]:
        offsets.append(offsets[-1] + entry.get("after_minutes", DEFAULT_GAP_MINUTES))
    start = story_start(
        days_ago=spec["days_ago"],
        hour=spec.get("hour", 10),
        lasting=timedelta(minutes=offsets[-1]),
        now=now,
    )
    return [start + timedelta(minutes=offset) for offset in offsets]


def _conversation(spec: Spec, users: dict[str, User]) -> Conversation:
    first, second = (users[name] for name in spec["between"])
    gig = Gig.objects.get(title=spec["gig"]) if spec.get("gig") else None
    order = None
    if spec.get("order"):
        order = (
            Order.objects.filter(
                buyer=users[spec["order"]["buyer"]], gig__title=spec["order"]["gig"]
            )
            .order_by("pk")
            .first()
        )
    return get_or_start_conversation(starter=first, other=second, gig=gig, order=order)


def _post(conversation: Conversation, entry: Spec, users: dict[str, User]) -> bool:
    """Send one message of the file; True when it stored something new."""
    sent = send_message(
        conversation=conversation,
        sender=users[entry["from"]],
        body=entry["body"],
        client_id=entry["id"],
    )
    return not sent.duplicate


def load(data: Spec, stdout: TextIO) -> list[tuple[str, str]]:
    names = {name for spec in data["conversations"] for name in spec["between"]}
    users = {user.username: user for user in User.objects.filter(username__in=names)}
    missing = names - users.keys()
    if missing:
        raise ValueError(f"seeds/20_inbox.json names unknown users: {', '.join(sorted(missing))}")
    stored = 0
    for spec in data["conversations"]:
        times = message_times(spec, now=timezone.now())
        # Started in the block of its first message: a new conversation is never younger
        # than that message (each block starts its clock afresh at its moment).
        with seed_time(times[0]):
            conversation = _conversation(spec, users)
            stored += _post(conversation, spec["messages"][0], users)
        for entry, moment in zip(spec["messages"][1:], times[1:], strict=True):
            with seed_time(moment):
                stored += _post(conversation, entry, users)
        conversation.refresh_from_db()
        for username, seq in spec.get("read", {}).items():
            mark_read(conversation=conversation, user=users[username], seq=seq)
        for username, state in spec.get("state", {}).items():
            services.update_participant(conversation=conversation, user=users[username], **state)
    stdout.write(f"  inbox: {len(data['conversations'])} conversations, {stored} new messages\n")
    return []
