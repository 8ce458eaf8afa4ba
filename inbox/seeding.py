"""Demo conversations, loaded by `manage.py seed` from seeds/20_inbox.json.

Every message goes through inbox.services.send_message with the client_id written in the
file, so a second load is answered by idempotency and stores nothing. Masked attempts in
the file are masked and flagged exactly as they would be live. (Order threads get their
system messages from the marketplace seed, through inbox.order_events.)
"""

from __future__ import annotations

from typing import Any, TextIO

from inbox import services
from inbox.models import Conversation
from marketplace.models import Gig, Order, User

Spec = dict[str, Any]


def _conversation(spec: Spec, users: dict[str, User]) -> Conversation:
    first, second = (users[name] for name in spec["between"])
    gig = Gig.objects.get(title=spec["gig"]) if spec.get("gig") else None
    order = None
    if spec.get("order"):
        order = (
            Order.objects.filter(buyer=users[spec["order"]["buyer"]], gig__title=spec["order"]["gig"])
            .order_by("pk")
            .first()
        )
    return services.get_or_start_conversation(starter=first, other=second, gig=gig, order=order)


def _post(conversation: Conversation, entry: Spec, users: dict[str, User]) -> bool:
    """Send one message of the file; True when it stored something new."""
    sent = services.send_message(
        conversation=conversation, sender=users[entry["from"]], body=entry["body"], client_id=entry["id"]
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
        conversation = _conversation(spec, users)
        stored += sum(_post(conversation, entry, users) for entry in spec["messages"])
        conversation.refresh_from_db()
        for username, seq in spec.get("read", {}).items():
            services.mark_read(conversation=conversation, user=users[username], seq=seq)
        for username, state in spec.get("state", {}).items():
            services.update_participant(conversation=conversation, user=users[username], **state)
    stdout.write(f"  inbox: {len(data['conversations'])} conversations, {stored} new messages\n")
    return []
