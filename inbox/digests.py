"""Email digests of unread messages for people who were not online to see them.

`manage.py send_unread_digests` (run every 5 minutes by cron or a systemd timer) calls
`send_unread_digests`. A conversation gets one email when its oldest unread, not yet
notified message is older than the wait (10 minutes by default) and the recipient has no
live socket. Muted and spam conversations are skipped. Each email lists the DELIVERED text
only: what was masked stays masked. `Participant.notified_seq` remembers the last message
an email covered, so nothing is announced twice; the mark moves in the same transaction as
the email is sent, so two overlapping runs cannot both send it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from inbox.models import Message, Participant
from inbox.presence import online_ids
from inbox.presentation import ShownMessage, shown_message, user_zone

MAX_MESSAGES_SHOWN = 20


@dataclass
class Digest:
    participant: Participant
    other_name: str
    messages: list[ShownMessage]
    total: int  # unread messages covered, perhaps more than shown
    last_seq: int


def _candidates() -> list[Participant]:
    """Participants with messages neither read nor notified, in conversations they listen to."""
    return list(
        Participant.objects.filter(
            muted=False,
            spam=False,
            user__is_active=True,
            conversation__last_seq__gt=F("last_read_seq"),
        )
        .filter(conversation__last_seq__gt=F("notified_seq"))
        .exclude(user__email="")
        .select_related(
            "user",
            "conversation__user_a__seller_profile",
            "conversation__user_b__seller_profile",
        )
        .order_by("user_id", "conversation_id")
    )


def _digest_for(participant: Participant, cutoff: datetime) -> Digest | None:
    conversation = participant.conversation
    unread = list(
        Message.objects.filter(
            conversation=conversation,
            seq__gt=max(participant.last_read_seq, participant.notified_seq),
        )
        .exclude(sender_id=participant.user_id)
        .select_related("withdrawal")  # a hidden message is mailed as the notice
        .prefetch_related("attachments")
        .order_by("seq")
    )
    if not unread or unread[0].created_at > cutoff:
        return None  # nothing from the other side, or too recent: they may still read it
    user = participant.user
    other = conversation.other_user(participant.user_id)
    zone = user_zone(user)
    return Digest(
        participant=participant,
        other_name=other.public_name,
        messages=[
            shown_message(message, user, zone, name_zone=True)
            for message in unread[-MAX_MESSAGES_SHOWN:]
        ],
        total=len(unread),
        last_seq=unread[-1].seq,
    )


def _email(digest: Digest) -> EmailMultiAlternatives:
    user = digest.participant.user
    link = settings.SITE_URL + reverse(
        "inbox:thread", kwargs={"conversation_id": digest.participant.conversation_id}
    )
    context = {
        "user": user,
        "other_name": digest.other_name,
        "messages": digest.messages,
        "total": digest.total,
        "hidden_count": digest.total - len(digest.messages),
        "thread_url": link,
        "zone_name": str(user_zone(user)),
    }
    noun = "message" if digest.total == 1 else "messages"
    subject = (
        f"{settings.ACCOUNT_EMAIL_SUBJECT_PREFIX}{digest.total} new {noun} from {digest.other_name}"
    )
    with timezone.override(user_zone(user)):  # times as the recipient reads them
        text = render_to_string("email/inbox_digest.txt", context)
        html = render_to_string("email/inbox_digest.html", context)
    email = EmailMultiAlternatives(subject=" ".join(subject.split()), body=text, to=[user.email])
    email.attach_alternative(html, "text/html")
    return email


def _send_once(digest: Digest) -> bool:
    """Move the notified mark and send; a concurrent run that moved it first wins."""
    with transaction.atomic():
        claimed = Participant.objects.filter(
            pk=digest.participant.pk, notified_seq__lt=digest.last_seq
        ).update(notified_seq=digest.last_seq)
        if claimed:
            _email(digest).send()  # an SMTP failure rolls the mark back: retried next run
    return bool(claimed)


def send_unread_digests(
    *, older_than: timedelta = timedelta(minutes=10), now: datetime | None = None
) -> int:
    """Email every offline user a digest per conversation with old enough unread messages;
    returns how many emails were sent."""
    cutoff = (now or timezone.now()) - older_than
    candidates = _candidates()
    online = online_ids({participant.user_id for participant in candidates})
    sent = 0
    for participant in candidates:
        if participant.user_id in online:
            continue
        digest = _digest_for(participant, cutoff)
        if digest is not None and _send_once(digest):
            sent += 1
    return sent
