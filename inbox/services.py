"""A participant's own filing of a conversation (stars, archive, spam, mute, labels) and
blocks. Reports of messages belong to moderation (moderation.reports).

The other writes of the inbox have modules of their own: messages (inbox.send, the one path
that stores them), conversations (inbox.conversations), read marks (inbox.read_marks), and
pushes to open sockets (inbox.push).
"""

from __future__ import annotations

from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.db import transaction

from inbox.checks import SendError, has_visible_text, is_system_account
from inbox.conversations import participant_of
from inbox.models import Block, Conversation, Participant
from inbox.protocol import is_identifier
from inbox.push import announce_block_changed, push_summaries
from inbox.selectors import MAX_LABELS

__all__ = ["clean_labels", "update_participant", "block_user", "unblock_user"]

LABEL_MAX_CHARS = 30


def clean_labels(labels: Sequence[str]) -> list[str]:
    if not isinstance(labels, (list, tuple)) or not all(isinstance(label, str) for label in labels):
        raise ValidationError("Labels are a list of words.", code="invalid")
    cleaned: list[str] = []
    for label in labels:
        label = " ".join(label.split())
        if not is_identifier(label, max_length=LABEL_MAX_CHARS):  # NUL, controls: jsonb refuses
            raise ValidationError(f"A label has 1 to {LABEL_MAX_CHARS} characters.", code="invalid")
        if not has_visible_text(label):  # zero-width or combining marks only: a blank tag
            raise ValidationError("A label needs a visible character.", code="invalid")
        if label not in cleaned:
            cleaned.append(label)
    if len(cleaned) > MAX_LABELS:
        raise ValidationError(f"At most {MAX_LABELS} labels per conversation.", code="invalid")
    return cleaned


@transaction.atomic
def update_participant(
    *,
    conversation: Conversation,
    user,
    starred: bool | None = None,
    archived: bool | None = None,
    spam: bool | None = None,
    muted: bool | None = None,
    labels: Sequence[str] | None = None,
) -> Participant:
    """File the conversation on the user's side; the other participant sees nothing of it."""
    participant = participant_of(conversation, user)
    changes = {"starred": starred, "archived": archived, "spam": spam, "muted": muted}
    fields = [name for name, value in changes.items() if value is not None]
    for name in fields:
        setattr(participant, name, bool(changes[name]))
    if labels is not None:
        participant.labels = clean_labels(labels)
        fields.append("labels")
    if fields:
        participant.full_clean()
        participant.save(update_fields=fields)
        push_summaries(conversation, [user.pk])
    return participant


@transaction.atomic
def block_user(*, blocker, blocked) -> Block:
    """Refuse messages between the two from now on (existing history stays readable).
    Gigbox Trust & Safety (the system account) cannot be blocked: its notices of strikes and
    sanctions must reach the user."""
    if blocker.pk == blocked.pk:
        raise SendError("forbidden", "You cannot block yourself.")
    if is_system_account(blocked):
        raise SendError(
            "invalid_frame",
            "username: Gigbox Trust & Safety cannot be blocked; "
            "its notices about your account must reach you.",
        )
    block, _ = Block.objects.get_or_create(blocker=blocker, blocked=blocked)
    announce_block_changed(blocker.pk, blocked.pk)
    return block


@transaction.atomic
def unblock_user(*, blocker, blocked) -> None:
    Block.objects.filter(blocker=blocker, blocked=blocked).delete()
    announce_block_changed(blocker.pk, blocked.pk)
