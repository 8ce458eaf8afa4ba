"""Check stored conversations against their hash chain and its signed head checkpoints
(manage.py verify_conversation, the dispute case file, disputes.checkpoints before signing).

The chain alone proves every row against the conversation's head; someone who rewrites a
row and recomputes every later hash and the head passes it. The anchors outside the
database (the chain anchor sources of inbox.extensions: disputes' signed head checkpoints)
close that gap: the stored chain must still hold each one's (seq, hash) and each one's own
proof (a signature) must hold. This module is the one place where both checks meet.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass

from inbox.chain import ChainLink, StoredLink, first_bad_seq
from inbox.extensions import Anchor, AnchorProblem, ChainAnchorSource, chain_anchor_sources
from inbox.models import Attachment, Conversation, Message

__all__ = ["ChainStatus", "check_conversation", "verify_conversation"]

BATCH = 1000


def _stored_links(conversation: Conversation) -> Iterator[StoredLink]:
    """The conversation's messages in seq order, read in batches (a log can be long)."""
    after = 0
    while True:
        rows = list(
            Message.objects.filter(conversation=conversation, seq__gt=after).order_by("seq")[:BATCH]
        )
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


def _noting_hashes(
    links: Iterable[StoredLink], seqs: set[int], seen: dict[int, str]
) -> Iterator[StoredLink]:
    """Pass `links` through, keeping the stored hash of each seq in `seqs` (the checkpoints')."""
    for stored in links:
        if stored.link.seq in seqs:
            seen[stored.link.seq] = stored.stored_hash
        yield stored


@dataclass(frozen=True)
class ChainStatus:
    """What the check of one conversation found."""

    conversation_id: int
    head_seq: int
    head_hash: str
    bad_seq: int | None  # the first seq the chain itself does not prove
    checkpoint_problem: AnchorProblem | None  # the first signed checkpoint (anchor) that fails
    checkpoints: int  # signed checkpoints checked

    @property
    def intact(self) -> bool:
        return self.bad_seq is None and self.checkpoint_problem is None

    @property
    def first_bad_seq(self) -> int | None:
        """The chain's first bad seq, else the seq of the first failing checkpoint (the
        rewrite is at or before it), else None."""
        if self.bad_seq is not None:
            return self.bad_seq
        return self.checkpoint_problem.seq if self.checkpoint_problem else None

    def describe(self) -> str:
        """One line for people (the command, the case file)."""
        if self.bad_seq is not None:
            return f"BROKEN at seq {self.bad_seq}: the stored log does not match its hash chain"
        if self.checkpoint_problem is not None:
            return f"BROKEN: {self.checkpoint_problem.describe()}"
        anchors = f"{self.checkpoints} signed checkpoint{'s' if self.checkpoints != 1 else ''} hold"
        if not self.checkpoints:
            anchors = "no signed checkpoint yet (a full rewrite of the chain would not show)"
        return f"intact, head seq {self.head_seq}; {anchors}"


def check_conversation(conversation: Conversation, *, through_head: bool = False) -> ChainStatus:
    """Check the stored chain against the head and the signed checkpoints.

    Read in this order so that a live conversation gives no false alarm: the checkpoints
    (each one's seq was a committed head), then the head (it only grows), then the rows.
    `through_head`: ignore rows beyond the head read (messages sent meanwhile: the signer
    uses it on live conversations); otherwise such rows count as unaccounted for.
    """
    sources = chain_anchor_sources()
    anchors: list[Sequence[Anchor]] = [source.anchors(conversation.pk) for source in sources]
    head_seq, head_hash = Conversation.objects.values_list("last_seq", "last_hash").get(
        pk=conversation.pk
    )
    links: Iterable[StoredLink] = _stored_links(conversation)
    if through_head:
        links = itertools.takewhile(lambda stored: stored.link.seq <= head_seq, links)
    seen: dict[int, str] = {}
    links = _noting_hashes(links, {a.seq for group in anchors for a in group}, seen)
    bad_seq = first_bad_seq(conversation.pk, links, head_seq=head_seq, head_hash=head_hash)
    # Only an intact chain has been read to its end; a broken one is reported as such.
    problem = _first_anchor_problem(sources, anchors, seen) if bad_seq is None else None
    count = sum(len(group) for group in anchors)
    return ChainStatus(conversation.pk, head_seq, head_hash, bad_seq, problem, count)


def _first_anchor_problem(
    sources: Sequence[ChainAnchorSource],
    anchors: Sequence[Sequence[Anchor]],
    seen: Mapping[int, str],
) -> AnchorProblem | None:
    for source, group in zip(sources, anchors, strict=True):
        problem = source.first_problem(group, seen)
        if problem is not None:
            return problem
    return None


def verify_conversation(conversation: Conversation) -> int | None:
    """The first seq whose stored row the chain or a signed checkpoint does not prove, or
    None when all is intact (check_conversation says more)."""
    return check_conversation(conversation).first_bad_seq
