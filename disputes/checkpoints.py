"""Signed head checkpoints: an anchor for each conversation's hash chain outside the database.

A checkpoint says "conversation C's chain had hash H at seq N, at time T", signed with the
export key (disputes.export.export_key: Ed25519, held in the environment, never in the
database). Someone with database write access but not the key can rewrite a message and
recompute every later hash and the head, and the chain alone passes; the stored chain then
no longer holds the (seq, hash) of a checkpoint signed before, and they cannot sign a new
one. inbox.verification.check_conversation checks both (one place); docs/disputes.md says
what such an attacker can and cannot do.

Checkpoints are written when a dispute opens and when its case file is opened (every
conversation of the case file: the order's thread and the pair's general thread) and by
`manage.py checkpoint_heads` (daily: every conversation whose head moved). Nothing is signed
that the stored chain and the earlier checkpoints do not prove.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, OuterRef, Q, Subquery
from django.utils import timezone

from disputes.export import ExportKey, ExportRefused, checkpoint_entry, export_key
from disputes.export_format import (
    FormatError,
    b64decode_exact,
    b64encode,
    checkpoint_bytes,
    checkpoint_statement,
)
from disputes.models import HeadCheckpoint
from disputes.selectors import case_conversations
from inbox.chain import format_timestamp
from inbox.models import Conversation
from inbox.verification import ChainStatus, check_conversation
from marketplace.models import Order

logger = logging.getLogger(__name__)

__all__ = [
    "ChainNotProven",
    "CheckpointProblem",
    "CheckpointRun",
    "checkpoints_of",
    "first_checkpoint_problem",
    "sign_head",
    "checkpoint_case_conversations",
    "checkpoint_moved_heads",
    "statement_of",
    "verifying_keys",
]

BATCH = 500


class ChainNotProven(Exception):
    """The stored chain (or an earlier checkpoint) does not prove the head: nothing signed."""

    def __init__(self, status: ChainStatus) -> None:
        super().__init__(f"conversation {status.conversation_id}: {status.describe()}")
        self.status = status


@dataclass(frozen=True)
class CheckpointProblem:
    """The first signed checkpoint that fails, and how."""

    CONTRADICTED = "contradicted"  # the stored chain no longer holds its (seq, hash)
    BAD_SIGNATURE = "bad_signature"  # forged or altered: the key did not sign this
    UNKNOWN_KEY = "unknown_key"  # signed with a key id this server holds no public key for

    checkpoint: HeadCheckpoint
    kind: str

    @property
    def seq(self) -> int:
        """The checkpoint's seq: the rewrite is at or before it (inbox.extensions.AnchorProblem)."""
        return self.checkpoint.seq

    def describe(self) -> str:
        checkpoint = self.checkpoint
        signed = (
            f"the checkpoint of seq {checkpoint.seq} signed "
            f"{format_timestamp(checkpoint.signed_at)} with key {checkpoint.key_id!r}"
        )
        if self.kind == self.CONTRADICTED:
            return (
                f"rewritten at or before seq {checkpoint.seq}: "
                f"the stored chain contradicts {signed}"
            )
        if self.kind == self.UNKNOWN_KEY:
            return (
                f"{signed} cannot be checked: this server holds no public key with that id "
                "(GIGBOX_EXPORT_RETIRED_PUBLIC_KEYS)"
            )
        return f"the signature of {signed} does not verify (a forged or altered checkpoint)"


def checkpoints_of(conversation_id: int) -> list[HeadCheckpoint]:
    return list(HeadCheckpoint.objects.filter(conversation_id=conversation_id).order_by("seq"))


def statement_of(checkpoint: HeadCheckpoint) -> dict[str, object]:
    """What the checkpoint's signature covers (disputes.export_format.checkpoint_bytes)."""
    entry = checkpoint_entry(checkpoint)
    del entry["signature"]
    return entry


def _signature_holds(checkpoint: HeadCheckpoint, public_key: Ed25519PublicKey) -> bool:
    try:
        signature = b64decode_exact(checkpoint.signature, length=64, what="the signature")
        public_key.verify(signature, checkpoint_bytes(statement_of(checkpoint)))
    except (FormatError, InvalidSignature):
        return False
    return True


def _retired_public_keys(setting: str) -> dict[str, Ed25519PublicKey]:
    """GIGBOX_EXPORT_RETIRED_PUBLIC_KEYS: "KEY_ID=BASE64,..." (a malformed entry is logged and
    left out: its checkpoints then read as unverifiable, never as valid)."""
    keys: dict[str, Ed25519PublicKey] = {}
    for entry in filter(None, (part.strip() for part in setting.split(","))):
        key_id, _, encoded = entry.partition("=")
        try:
            keys[key_id.strip()] = Ed25519PublicKey.from_public_bytes(
                b64decode_exact(
                    encoded.strip(), length=32, what=f"the retired public key {key_id!r}"
                )
            )
        except FormatError as error:
            logger.error("GIGBOX_EXPORT_RETIRED_PUBLIC_KEYS: %s", error)
    return keys


def verifying_keys() -> dict[str, Ed25519PublicKey]:
    """key_id -> public key: the retired keys and the current signing key (if any)."""
    keys = _retired_public_keys(settings.GIGBOX_EXPORT_RETIRED_PUBLIC_KEYS)
    try:
        current = export_key()
    except ExportRefused:
        return keys
    keys[current.key_id] = current.private_key.public_key()
    return keys


def first_checkpoint_problem(
    checkpoints: Sequence[HeadCheckpoint], stored_hashes: Mapping[int, str]
) -> CheckpointProblem | None:
    """The first checkpoint (by seq) whose signature fails or whose (seq, hash) the stored
    chain (`stored_hashes`: seq -> stored hash, read up to the head) does not hold."""
    keys = verifying_keys() if checkpoints else {}
    for checkpoint in checkpoints:
        public_key = keys.get(checkpoint.key_id)
        if public_key is None:
            return CheckpointProblem(checkpoint, CheckpointProblem.UNKNOWN_KEY)
        if not _signature_holds(checkpoint, public_key):
            return CheckpointProblem(checkpoint, CheckpointProblem.BAD_SIGNATURE)
        if stored_hashes.get(checkpoint.seq) != checkpoint.head_hash:
            return CheckpointProblem(checkpoint, CheckpointProblem.CONTRADICTED)
    return None


def sign_head(
    conversation: Conversation, key: ExportKey, *, now: datetime | None = None
) -> HeadCheckpoint | None:
    """Sign the conversation's current head, once the stored chain up to it and every earlier
    checkpoint have been checked. None when there is nothing new to sign (no message, or
    this head is signed already); ChainNotProven when the check fails."""
    status = check_conversation(conversation, through_head=True)
    if not status.intact:
        raise ChainNotProven(status)
    if status.head_seq == 0:
        return None
    signed_at = now or timezone.now()
    statement = checkpoint_statement(
        conversation_id=conversation.pk,
        seq=status.head_seq,
        head_hash=status.head_hash,
        signed_at=signed_at,
        key_id=key.key_id,
    )
    checkpoint = HeadCheckpoint(
        conversation_id=conversation.pk,
        seq=status.head_seq,
        head_hash=status.head_hash,
        signed_at=signed_at,
        key_id=key.key_id,
        signature=b64encode(key.private_key.sign(checkpoint_bytes(statement))),
    )
    try:
        with (
            transaction.atomic()
        ):  # a savepoint: a duplicate must not spoil the caller's transaction
            checkpoint.save()
    except IntegrityError:
        return None  # this head is signed already (an earlier run, or one running beside us)
    return checkpoint


def _head_signed(conversation: Conversation) -> bool:
    """Whether the conversation's current head is its latest checkpoint already."""
    head = Conversation.objects.values_list("last_seq", "last_hash").get(pk=conversation.pk)
    latest = (
        HeadCheckpoint.objects.filter(conversation_id=conversation.pk)
        .order_by("-seq")
        .values_list("seq", "head_hash")
        .first()
    )
    return latest == head


def checkpoint_case_conversations(order: Order, *, occasion: str) -> list[HeadCheckpoint]:
    """Sign the head of every conversation of the case file (the order's own thread and the
    pair's general thread, where contact-sharing evidence usually is): at dispute opening and
    at each opening of the case file. Never stops the caller: without a key, or with a chain
    that does not verify, it logs and skips (the case file shows a broken chain; the daily
    job retries an unsigned head). Returns the checkpoints written."""
    written: list[HeadCheckpoint] = []
    conversations = [conversation for _, conversation in case_conversations(order)]
    if not conversations:
        return written
    try:
        key = export_key()
    except ExportRefused:
        logger.warning("no signing key: order %s not checkpointed at %s", order.pk, occasion)
        return written
    for conversation in conversations:
        if _head_signed(conversation):
            continue  # nothing moved: no second read of the whole chain
        try:
            checkpoint = sign_head(conversation, key)
        except ChainNotProven as error:
            logger.error("not checkpointed at %s: %s", occasion, error)
            continue
        if checkpoint is not None:
            written.append(checkpoint)
    return written


@dataclass
class CheckpointRun:
    """What one run of checkpoint_heads did."""

    written: int = 0
    already_signed: int = 0
    refused: list[ChainStatus] = field(default_factory=list)
    total: int = 0  # checkpoint rows after the run (logged: a drop between runs means deletions)


def _moved_heads():
    """Conversations with messages whose head differs from their latest checkpoint (or that
    have none): new messages, and also a head moved back or rewritten in place."""
    latest = HeadCheckpoint.objects.filter(conversation=OuterRef("pk")).order_by("-seq")
    return (
        Conversation.objects.filter(last_seq__gt=0)
        .annotate(
            checkpoint_seq=Subquery(latest.values("seq")[:1]),
            checkpoint_hash=Subquery(latest.values("head_hash")[:1]),
        )
        .filter(
            Q(checkpoint_seq__isnull=True)
            | ~Q(last_seq=F("checkpoint_seq"))
            | ~Q(last_hash=F("checkpoint_hash"))
        )
        .order_by("pk")
    )


def checkpoint_moved_heads(
    *, key: ExportKey, batch_size: int = BATCH, now: datetime | None = None
) -> CheckpointRun:
    """Sign the head of every conversation whose head moved since its last checkpoint, in
    batches by id; one transaction per conversation. Safe to run twice (a signed head is not
    signed again) and beside live traffic (only the head read is signed)."""
    run = CheckpointRun()
    after = 0
    while True:
        batch = list(_moved_heads().filter(pk__gt=after).only("pk")[:batch_size])
        if not batch:
            break
        for conversation in batch:
            try:
                with transaction.atomic():
                    checkpoint = sign_head(conversation, key, now=now)
            except ChainNotProven as error:
                logger.error("not checkpointed: %s", error)
                run.refused.append(error.status)
                continue
            if checkpoint is None:
                run.already_signed += 1
            else:
                run.written += 1
        after = batch[-1].pk
    run.total = HeadCheckpoint.objects.count()
    return run
