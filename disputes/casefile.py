"""The reviewer's case file: everything about a dispute in one page (admin).

The order's timeline, requirements and deliveries; both conversations of the pair in one
chronological list, each message's original text (findings highlighted) beside what the other
side received; the dispute's statements and evidence; staff notes; moderation flags and strikes
of both parties; and the hash-chain check of each conversation (with its signed head
checkpoints: every row the check no longer proves carries a written mark), and which messages
Trust & Safety hid from the parties (the original shown, the hide beside it). User text is
escaped here: highlights are built with format_html on slices, never
by marking user text safe.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.apps import apps
from django.core.exceptions import FieldError
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from disputes import selectors
from disputes.checkpoints import checkpoints_of
from disputes.models import Dispute, DisputeEntry, DisputeNote
from inbox.models import Attachment, Conversation, Message, MessageWithdrawal
from inbox.verification import ChainStatus, check_conversation
from inbox.withdrawn import withdrawal_of
from marketplace.models import Delivery, OrderEvent

logger = logging.getLogger(__name__)

__all__ = ["CaseFile", "build_case_file", "highlight_findings"]


def _spans(text: str, findings: Sequence[Mapping[str, Any]]) -> list[tuple[int, int, str]]:
    """(start, end, label) of each finding inside `text`, sorted, overlaps dropped."""
    spans = []
    for finding in findings:
        start, end = finding.get("start"), finding.get("end")
        if type(start) is not int or type(end) is not int:
            continue
        start, end = max(start, 0), min(end, len(text))
        if start < end:
            spans.append(
                (
                    start,
                    end,
                    f"{finding.get('kind', 'contact')}: {finding.get('reason', '')}".strip(),
                )
            )
    spans.sort()
    kept: list[tuple[int, int, str]] = []
    for span in spans:
        if not kept or span[0] >= kept[-1][1]:
            kept.append(span)
    return kept


def highlight_findings(text: str, findings: Sequence[Mapping[str, Any]]) -> SafeString:
    """`text` escaped, each finding wrapped in <mark> with what was found as its title."""
    pieces: list[str | SafeString] = []
    position = 0
    for start, end, label in _spans(text, findings):
        pieces.append(text[position:start])
        pieces.append(
            format_html('<mark class="finding" title="{}">{}</mark>', label, text[start:end])
        )
        position = end
    pieces.append(text[position:])
    # format_html_join escapes the plain slices and keeps the <mark> pieces as built.
    return format_html_join("", "{}", ((piece,) for piece in pieces))


@dataclass(frozen=True)
class CaseMessage:
    conversation_label: str
    conversation_id: int
    seq: int
    kind: str
    sender: Any
    created_at: datetime
    original: SafeString
    delivered: str
    masked: bool
    findings: list[dict[str, Any]]
    attachments: list[Attachment]
    withdrawal: MessageWithdrawal | None = None  # hidden from the parties by Trust & Safety
    unproven: str = ""  # why the chain check does not prove this row ("" when it does)


@dataclass(frozen=True)
class ChainCheck:
    label: str
    conversation: Conversation
    status: ChainStatus  # the chain and its signed head checkpoints (inbox.verification)

    @property
    def intact(self) -> bool:
        return self.status.intact

    @property
    def bad_seq(self) -> int | None:
        return self.status.first_bad_seq

    @property
    def unproven_from(self) -> int | None:
        """The first seq the check no longer proves: the chain's first bad row, or, when a
        signed checkpoint is contradicted (a full recomputation), the row after the last
        checkpoint that still holds (the rewrite is somewhere between)."""
        status = self.status
        if status.bad_seq is not None:
            return status.bad_seq
        if status.checkpoint_problem is None:
            return None
        failing = status.checkpoint_problem.seq
        held = [c.seq for c in checkpoints_of(self.conversation.pk) if c.seq < failing]
        return max(held, default=0) + 1

    def mark(self) -> str:
        """The text every unproven row carries (not a colour only); the reason is in the
        chain check above the log."""
        return (
            f"NOT PROVEN: from seq {self.unproven_from} on, {self.label}'s stored log fails "
            "its chain check (see Hash-chain check)"
        )


@dataclass
class CaseFile:
    dispute: Dispute
    events: list[OrderEvent]
    requirements: str  # what the buyer asked for (Order.requirements)
    deliveries: list[Delivery]  # what the seller delivered, oldest first
    conversations: list[tuple[str, Conversation]]
    messages: list[CaseMessage]
    chain_checks: list[ChainCheck]
    entries: list[DisputeEntry]
    notes: list[DisputeNote]
    flags: list[Any] | None = None  # None: moderation's models are not there (yet)
    strikes: list[Any] | None = None


def _case_messages(
    conversations: list[tuple[str, Conversation]], checks: list[ChainCheck]
) -> list[CaseMessage]:
    labels = {conversation.pk: label for label, conversation in conversations}
    broken = {
        check.conversation.pk: (check.unproven_from, check.mark())
        for check in checks
        if not check.intact
    }
    rows = list(
        Message.objects.filter(conversation_id__in=labels)
        .select_related("sender", "withdrawal__withdrawn_by")
        .order_by("created_at", "conversation_id", "seq")
    )
    files: dict[int, list[Attachment]] = {}
    for attachment in Attachment.objects.filter(message__in=rows).order_by("id"):
        files.setdefault(attachment.message_id, []).append(attachment)
    return [
        CaseMessage(
            conversation_label=labels[row.conversation_id],
            conversation_id=row.conversation_id,
            seq=row.seq,
            kind=row.kind,
            sender=row.sender,
            created_at=row.created_at,
            original=highlight_findings(row.body, row.findings),
            delivered=row.delivered_body,
            masked=row.masked,
            findings=row.findings,
            attachments=files.get(row.pk, []),
            withdrawal=withdrawal_of(row),
            unproven=_unproven(row, broken),
        )
        for row in rows
    ]


def _unproven(row: Message, broken: dict[int, tuple[int | None, str]]) -> str:
    first, mark = broken.get(row.conversation_id, (None, ""))
    return mark if first is not None and row.seq >= first else ""


def _moderation_model(name: str):
    """A moderation model, or None while the moderation app does not define it yet."""
    try:
        return apps.get_model("moderation", name)
    except LookupError:
        return None


def _flags_of(user_ids: Sequence[int]) -> list[Any] | None:
    flag = _moderation_model("Flag")
    if flag is None:
        return None
    return list(
        flag.objects.filter(message__sender_id__in=user_ids).select_related("message__sender")[:100]
    )


def _strikes_of(user_ids: Sequence[int]) -> list[Any] | None:
    strike = _moderation_model("Strike")
    if strike is None:
        return None
    try:
        return list(strike.objects.filter(user_id__in=user_ids).select_related("user")[:100])
    except FieldError:  # a field layout this page does not know (yet): say so rather than fail
        logger.warning("strikes could not be read for the case file", exc_info=True)
        return None


def build_case_file(dispute: Dispute, conversations: list[tuple[str, Conversation]]) -> CaseFile:
    """Everything the reviewer reads; `conversations` are the case's (selectors), whose
    reading the caller has logged already."""
    order = dispute.order
    party_ids = [order.buyer_id, order.seller_id]
    checks = [ChainCheck(label, c, check_conversation(c)) for label, c in conversations]
    return CaseFile(
        dispute=dispute,
        events=list(order.events.select_related("actor")),
        requirements=order.requirements,
        deliveries=list(order.deliveries.order_by("created_at", "pk")),
        conversations=conversations,
        messages=_case_messages(conversations, checks),
        chain_checks=checks,
        entries=selectors.entries_of(dispute),
        notes=list(dispute.notes.select_related("author")),
        flags=_flags_of(party_ids),
        strikes=_strikes_of(party_ids),
    )
