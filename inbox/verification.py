"""Check stored conversations against their hash chain (manage.py verify_conversation)."""

from __future__ import annotations

from collections.abc import Iterator

from inbox.chain import ChainLink, StoredLink, first_bad_seq
from inbox.models import Attachment, Conversation, Message

__all__ = ["verify_conversation"]

BATCH = 1000


def _stored_links(conversation: Conversation) -> Iterator[StoredLink]:
    """The conversation's messages in seq order, read in batches (a log can be long)."""
    after = 0
    while True:
        rows = list(Message.objects.filter(conversation=conversation, seq__gt=after).order_by("seq")[:BATCH])
        if not rows:
            return
        files: dict[int, list[dict[str, object]]] = {}
        for attachment in Attachment.objects.filter(message__in=rows).order_by("id"):
            files.setdefault(attachment.message_id, []).append(attachment.chain_entry())
        for row in rows:
            yield StoredLink(
                link=ChainLink(
                    conversation_id=row.conversation_id,
                    seq=row.seq,
                    kind=row.kind,
                    sender_id=row.sender_id,
                    client_id=row.client_id,
                    body=row.body,
                    delivered_body=row.delivered_body,
                    findings=row.findings,
                    attachments=files.get(row.pk, []),
                    created_at=row.created_at,
                    prev_hash=row.prev_hash,
                ),
                stored_hash=row.hash,
            )
        after = rows[-1].seq


def verify_conversation(conversation: Conversation) -> int | None:
    """The first seq whose stored row the chain does not prove, or None when all is intact."""
    return first_bad_seq(
        conversation.pk, _stored_links(conversation), head_seq=conversation.last_seq, head_hash=conversation.last_hash
    )
