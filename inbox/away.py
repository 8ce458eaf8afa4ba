"""The away reply: a seller who is away (marketplace.availability) may leave a message that
a buyer gets, once per conversation, as a system message when they write.

`send_away_replies` is called after each stored batch by the socket writer (inbox/writer.py)
and by `inbox.send.send_message` (HTTP form, API, seeds), so every path behaves the same. It
costs one cache read per batch while no seller has an away reply running
(`marketplace.availability.away_replies_possible`), else one query (the away profiles of the
batch's recipients), and more only when one of them is away. The reply is recognised by its
opening words, which only a system message can carry.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from django.db.models import Q
from django.utils import timezone

from inbox.models import Conversation, Message
from marketplace.availability import away_replies_possible, away_until_text
from marketplace.models import SellerProfile

logger = logging.getLogger(__name__)

__all__ = [
    "AWAY_REPLIES",
    "AWAY_REPLY_OPENING",
    "is_away_reply",
    "send_away_replies",
    "away_reply_text",
]

AWAY_REPLY_OPENING = "Automatic reply:"
AWAY_REPLIES = Q(kind=Message.Kind.SYSTEM, body__startswith=AWAY_REPLY_OPENING)


def is_away_reply(message: Message) -> bool:
    """AWAY_REPLIES for a loaded message."""
    return message.kind == Message.Kind.SYSTEM and message.body.startswith(AWAY_REPLY_OPENING)


def away_reply_text(profile: SellerProfile) -> str:
    return (
        f"{AWAY_REPLY_OPENING} {profile.display_name} is away until "
        f"{away_until_text(profile)}. “{profile.away_message}”"
    )


def _recipients(sent: Sequence) -> dict[int, int]:
    """conversation id -> the participant who received a new message in it."""
    pairs = {}
    for outcome in sent:
        sender_id = outcome.message.sender_id
        others = [user_id for user_id in outcome.user_ids if user_id != sender_id]
        if others:
            pairs[outcome.message.conversation_id] = others[0]
    return pairs


def send_away_replies(outcomes: Sequence) -> None:
    """Post the away reply in each conversation whose recipient is away, the first time.
    Never raises: the batch is stored and its senders must get their answers whatever
    happens here (a busy database costs an away reply, not an ack)."""
    try:
        _send_away_replies(outcomes)
    except Exception:
        logger.warning("away replies after a batch failed", exc_info=True)


def _send_away_replies(outcomes: Sequence) -> None:
    from inbox.send import SentMessage, post_system_message  # inbox.send calls this module

    sent = [o for o in outcomes if isinstance(o, SentMessage) and not o.duplicate]
    recipients = _recipients(sent)
    now = timezone.now()
    if not recipients or not away_replies_possible(now):
        return
    away = {
        profile.user_id: profile
        for profile in SellerProfile.objects.filter(
            user_id__in=set(recipients.values()), away_until__gt=now
        )
        .exclude(away_message="")
        .select_related("user")  # the seller's zone names the day (away_until_text)
    }
    for conversation_id, user_id in recipients.items():
        profile = away.get(user_id)
        if profile is None or _already_replied(conversation_id):
            continue
        try:
            conversation = Conversation.objects.get(pk=conversation_id)
            post_system_message(conversation=conversation, body=away_reply_text(profile))
        except Exception:  # the buyer's message is stored; a missing away reply costs little
            logger.exception("away reply in conversation %s failed", conversation_id)


def _already_replied(conversation_id: int) -> bool:
    return Message.objects.filter(AWAY_REPLIES, conversation_id=conversation_id).exists()
