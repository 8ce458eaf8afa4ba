"""The one path by which messages are stored: `send_messages`, a batch at a time.

The send path (DESIGN.md "One path for every message"), per batch of requests:
  1. access: the conversation exists and the sender takes part, is active, is not blocked
     either way and is not under a messaging restriction (`check_sender_sanctions`);
  2. idempotency: a (sender, client_id) already stored answers with the stored message
     (checked before the rate limit, so a retry never counts twice);
  3. limits: body length, no NUL, the per-user rate limit; then the admitted sends' files
     (type by content, size, name): a limited sender costs no content check;
  4. detection: contact details masked, with the sender's recent messages as history;
  5. one transaction for the whole batch (inbox.store): seq and hash chain, insert, the
     masked-messages listeners (inbox.extensions), conversation heads, read state.
Steps 1-4 run outside the transaction, on the batch's reads: read for it, or on PostgreSQL
recalled from what this process wrote last (inbox.known_heads); anything those could not
show (a moved head, a block, a resend, a refusal by the limit) sends the batch back through
the reads (StaleHeads). Broadcasting is the caller's, after commit: inbox/writer.py does it
itself; `send_message` and `post_system_message` register it.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from django.db import DatabaseError, IntegrityError, OperationalError, transaction

from inbox import known_heads, push, store
from inbox.away import send_away_replies
from inbox.checks import (
    AttachmentUpload,
    CheckedFile,
    SendError,
    check_attachment,
    check_body,
    check_recipient,
    check_request_shape,
    check_sender_sanctions,
    forbidden_error,
    unavailable_error,
)
from inbox.detection import OrderContexts, active_order_conversations, draft_messages
from inbox.drafts import (
    BatchReads,
    Draft,
    discard_files,
    save_files,
    stored_messages,
)
from inbox.frames import ack_frame, message_object
from inbox.models import Attachment, Conversation, Message
from inbox.ratelimit import Admission, RateLimiterUnavailable, admit_sends, refund_sends
from inbox.read_marks import read_own_announcement

logger = logging.getLogger(__name__)

__all__ = [
    "SendRequest",
    "SentMessage",
    "Outcome",
    "send_messages",
    "send_message",
    "post_system_message",
]


@dataclass(frozen=True)
class SendRequest:
    conversation_id: int
    sender: Any  # a marketplace.User
    body: str
    client_id: str
    attachments: Sequence[AttachmentUpload] = ()


@dataclass(frozen=True)
class SentMessage:
    """A stored message: the sender's ack and what the participants are sent."""

    message: Message
    ack: dict[str, Any]
    payload: dict[str, Any]  # the protocol's message object, without client_id
    user_ids: tuple[int, ...]
    duplicate: bool = False


Outcome = SentMessage | SendError


def _sent(
    message: Message,
    attachments: Sequence[Attachment],
    conversation: Conversation,
    *,
    in_active_order: bool | None = None,
) -> SentMessage:
    return SentMessage(
        message=message,
        ack=ack_frame(message, in_active_order=in_active_order),
        payload=message_object(message, attachments),
        user_ids=conversation.user_ids(),
    )


class _Batch:
    """The outcome of each request of a batch, filled in step by step."""

    def __init__(self, requests: Sequence[SendRequest], backend: store.Store) -> None:
        self.requests = list(requests)
        self.store = backend
        self.outcomes: list[Outcome | None] = [None] * len(self.requests)
        self.admissions: dict[int, Admission] = {}  # sender -> what the rate limit admitted
        # Validate first: a request the shared reads cannot take is refused alone, here.
        self.each_pending(lambda r: check_request_shape(r.conversation_id, r.client_id))
        self.refused_files: list[int] = []  # admitted sends refused for a file: given back

    def pending(self) -> list[int]:
        return [i for i, outcome in enumerate(self.outcomes) if outcome is None]

    def refuse_pending(self, error: SendError) -> None:
        for i in self.pending():
            self.outcomes[i] = error

    def each_pending(self, check: Callable[[SendRequest], None]) -> None:
        for i in self.pending():
            try:
                check(self.requests[i])
            except SendError as error:
                self.outcomes[i] = error

    def resend_keys(self) -> set[tuple[int, str]]:
        return {
            (self.requests[i].sender.pk, self.requests[i].client_id)
            for i in self.pending()
            if self.requests[i].client_id
        }

    def history_pairs(self) -> set[tuple[int, int]]:
        return {
            (self.requests[i].conversation_id, self.requests[i].sender.pk) for i in self.pending()
        }

    def read(self) -> BatchReads:
        """The batch's reads, before any request is refused."""
        conversation_ids = {self.requests[i].conversation_id for i in self.pending()}
        return self.store.read(conversation_ids, self.resend_keys(), self.history_pairs())


# The steps ------------------------------------------------------------------------------------


def _check_access(batch: _Batch, reads: BatchReads) -> None:
    """Conversation, participation, active account, blocks and sanctions (the client_id was
    checked when the batch was made: `check_request_shape`)."""
    sanctions: dict[tuple[int, int], SendError | None] = {}

    def check(request: SendRequest) -> None:
        conversation = reads.conversations.get(request.conversation_id)
        sender = request.sender
        if conversation is None or sender.pk not in conversation.user_ids() or not sender.is_active:
            raise forbidden_error()
        if conversation.pk in reads.blocked:
            raise SendError("blocked", "You cannot message this person.")
        key = (
            sender.pk,
            conversation.pk,
        )  # a restricted sender may still write about active orders
        if key not in sanctions:
            try:
                check_sender_sanctions(sender, conversation=conversation)
                sanctions[key] = None
            except SendError as error:
                sanctions[key] = error
        if sanctions[key] is not None:
            raise sanctions[key]

    batch.each_pending(check)


def _answer_resends(batch: _Batch, stored: dict[tuple[int, str], Message]) -> None:
    """Requests whose (sender, client_id) is stored get that message's ack, whatever the body."""
    for i in batch.pending():
        request = batch.requests[i]
        message = stored.get((request.sender.pk, request.client_id)) if request.client_id else None
        if message is not None:
            sent = _sent(message, message.attachments.all(), message.conversation)
            batch.outcomes[i] = SentMessage(
                sent.message, sent.ack, sent.payload, sent.user_ids, duplicate=True
            )


def _check_bodies(batch: _Batch) -> None:
    for i in batch.pending():
        request = batch.requests[i]
        try:
            check_body(request.body, has_attachments=bool(request.attachments))
        except SendError as error:
            batch.outcomes[i] = error


def _check_files(batch: _Batch, contexts: OrderContexts) -> dict[int, list[CheckedFile]]:
    """Type by content, size and name of each admitted send's files. After the rate limit:
    a limited sender costs no content check (issue 17); a refused file's send is given back
    once the batch is done (send_messages), so that a retry on fresh reads counts it once."""
    files: dict[int, list[CheckedFile]] = {}
    refused: dict[tuple[int, str], int] = {}
    for i in batch.pending():
        request = batch.requests[i]
        if not request.attachments:
            continue
        try:
            order = contexts.work_for(request)  # details in names may be an order's work
            files[i] = [
                check_attachment(upload, order, request.sender.pk) for upload in request.attachments
            ]
        except SendError as error:
            batch.outcomes[i] = error
            refused.setdefault((request.sender.pk, request.client_id or str(i)), i)
    batch.refused_files = list(refused.values())
    return files


def _apply_rate_limit(batch: _Batch) -> None:
    """Admit the first sends of each sender that fit their window; refuse the rest.

    Admissions the batch already holds come from an attempt on known heads that turned out
    stale (nothing was written): they are kept, not counted again, and what the fresh checks
    now refuse is given back."""
    by_sender: dict[int, list[int]] = defaultdict(list)
    seen_keys: set[tuple[int, str]] = set()
    for i in batch.pending():
        request = batch.requests[i]
        key = (request.sender.pk, request.client_id)
        if request.client_id and key in seen_keys:
            continue  # the same message twice in one batch counts once
        seen_keys.add(key)
        by_sender[request.sender.pk].append(i)
    counted, batch.admissions = batch.admissions, {}
    for sender_id, admission in counted.items():
        unused = admission.admitted - len(by_sender.get(sender_id, ()))
        if unused > 0:
            refund_sends(sender_id, replace(admission, admitted=unused))
            counted[sender_id] = replace(admission, admitted=admission.admitted - unused)
    uncounted = {
        sender_id: len(indexes)
        for sender_id, indexes in by_sender.items()
        if sender_id not in counted
    }
    try:
        by_user = {**counted, **(admit_sends(uncounted) if uncounted else {})}
    except RateLimiterUnavailable:
        logger.warning(
            "send rate limiter unavailable; refusing %d sends", sum(map(len, by_sender.values()))
        )
        for indexes in by_sender.values():
            for i in indexes:
                batch.outcomes[i] = unavailable_error()
        return
    for sender_id, indexes in by_sender.items():
        admission = batch.admissions[sender_id] = by_user[sender_id]
        for i in indexes[admission.admitted :]:
            batch.outcomes[i] = SendError(
                "rate_limited", admission.refusal(), retry_after=admission.retry_after
            )


def _store(batch: _Batch, drafts: dict[int, Draft], reads: BatchReads, *, known: bool) -> None:
    order = sorted(drafts)
    conversations = reads.conversations
    save_files(drafts.values())
    try:
        written = batch.store.write([drafts[i] for i in order], conversations, known=known)
    except BaseException:
        discard_files(drafts.values())
        raise
    batch.store.remember(reads, [m for m, _ in written], fresh=not known)
    active = active_order_conversations([message for message, _ in written], conversations)
    for i, (message, attachments) in zip(order, written, strict=True):
        conversation = conversations[message.conversation_id]
        batch.outcomes[i] = _sent(
            message, attachments, conversation, in_active_order=conversation.pk in active
        )


def _copy_repeats(batch: _Batch) -> None:
    """A client_id sent twice in one batch: the repeat gets the first one's answer."""
    first: dict[tuple[int, str], Outcome] = {}
    for request, outcome in zip(batch.requests, batch.outcomes, strict=True):
        if request.client_id and outcome is not None:
            first.setdefault((request.sender.pk, request.client_id), outcome)
    for i in batch.pending():
        request = batch.requests[i]
        outcome = first.get((request.sender.pk, request.client_id))
        if isinstance(outcome, SentMessage):
            batch.outcomes[i] = SentMessage(
                outcome.message, outcome.ack, outcome.payload, outcome.user_ids, duplicate=True
            )
        elif outcome is not None:
            batch.outcomes[i] = outcome


def _send_batch(batch: _Batch, reads: BatchReads, *, known: bool) -> None:
    """Steps 1-5 for `batch` on `reads` (its outcomes filled in); `known`: `reads` were
    recalled, not read (inbox.store.Store.write)."""
    _check_access(batch, reads)
    _answer_resends(batch, reads.stored)
    _check_bodies(batch)
    checked = batch.pending()
    _apply_rate_limit(batch)
    if known and len(batch.pending()) < len(checked):
        # Refused by the limit: a block or a resend, which known heads do not show, would
        # have been the answer. Read them (the sends counted are kept).
        raise known_heads.StaleHeads()
    contexts = OrderContexts(reads.conversations)
    files = _check_files(batch, contexts)
    pending = [(i, batch.requests[i]) for i in batch.pending()]
    drafts = draft_messages(pending, files, reads.recent, contexts)
    if drafts:
        try:
            _store(batch, drafts, reads, known=known)
        except IntegrityError:
            # Another process stored one of these client_ids meanwhile (or, on known heads,
            # this is a resend): answer those from the database and write the others again.
            _answer_resends(batch, stored_messages(batch.resend_keys()))
            _give_back_sends(batch, [i for i in drafts if batch.outcomes[i] is not None])
            drafts = {i: d for i, d in drafts.items() if batch.outcomes[i] is None}
            if drafts:
                _store(batch, drafts, reads, known=known)
    _copy_repeats(batch)


def _give_back_sends(batch: _Batch, indexes: Sequence[int]) -> None:
    """These admitted sends turned out to be resends, answered with what was stored, or were
    refused for a file: they do not count against their senders' limits."""
    unused: dict[int, int] = defaultdict(int)
    for i in indexes:
        unused[batch.requests[i].sender.pk] += 1
    for sender_id, count in unused.items():
        admission = batch.admissions[sender_id]
        refund_sends(sender_id, replace(admission, admitted=count))
        batch.admissions[sender_id] = replace(admission, admitted=admission.admitted - count)


# Sending --------------------------------------------------------------------------------------


# What a database (or a driver) raises for one request's values, as opposed to a database that
# does not answer (OperationalError): the batch is tried again without the offender.
_REFUSED_VALUES = (DatabaseError, ValueError, TypeError, ArithmeticError)


def send_messages(requests: Sequence[SendRequest]) -> list[Outcome]:
    """Store a batch of sends in one transaction; one outcome per request, in order.

    Never raises for a refused request: its outcome is the SendError. A database that does
    not answer refuses every request of the batch as `unavailable` (nothing stored, retry).
    A request whose values the database still refuses past the checks fails alone: the
    batch is stored again one request at a time (issue 17, batch poisoning).
    """
    try:
        return _send_messages_together(requests)
    except OperationalError:
        raise
    except _REFUSED_VALUES as exc:
        if len(requests) == 1:
            logger.warning(
                "a send the database refused (client_id %r): %s",
                requests[0].client_id[:64].encode("utf-8", "backslashreplace"),
                exc,
            )
            return [unavailable_error()]
        logger.warning(
            "a batch of %d sends failed (%s); storing them one by one", len(requests), exc
        )
        return [send_messages([request])[0] for request in requests]


def _send_messages_together(requests: Sequence[SendRequest]) -> list[Outcome]:
    backend = store.current()
    batch = _Batch(requests, backend)
    try:
        backend.prepare_session()
        known = backend.recall(batch.history_pairs())
        try:
            _send_batch(batch, known or batch.read(), known=known is not None)
        except known_heads.StaleHeads:
            # A known head moved (or a block stands): nothing was written. Read and build the
            # batch again, keeping what the rate limit counted.
            backend.forget(known)  # raised on known heads only
            counted, batch = batch.admissions, _Batch(requests, backend)
            batch.admissions = counted
            _send_batch(batch, batch.read(), known=False)
        _give_back_sends(batch, batch.refused_files)
    except OperationalError as exc:
        _refuse_all(batch, exc)
    except _REFUSED_VALUES:
        for sender_id, admission in batch.admissions.items():
            refund_sends(sender_id, admission)  # counted again when stored one by one
        raise
    return [outcome if outcome is not None else unavailable_error() for outcome in batch.outcomes]


def _refuse_all(batch: _Batch, exc: Exception) -> None:
    """The database did not answer: nothing was stored, every fresh send is `unavailable`."""
    logger.warning("send batch of %d failed: %s", len(batch.requests), exc)
    for sender_id, admission in batch.admissions.items():
        refund_sends(sender_id, admission)
    batch.refuse_pending(unavailable_error())
    batch.outcomes = [
        unavailable_error()
        if isinstance(outcome, SentMessage) and not outcome.duplicate
        else outcome
        for outcome in batch.outcomes
    ]


def send_message(
    *,
    conversation: Conversation,
    sender,
    body: str,
    client_id: str,
    attachments: Sequence[AttachmentUpload] = (),
) -> SentMessage:
    """Send one message (HTTP form, API, seeds): stored, then broadcast after commit."""
    check_recipient(conversation, sender)
    outcome = send_messages(
        [SendRequest(conversation.pk, sender, body, client_id, tuple(attachments))]
    )[0]
    if isinstance(outcome, SendError):
        raise outcome
    if not outcome.duplicate:
        push.broadcast_on_commit([outcome])
        send_away_replies([outcome])  # a seller's out-of-office message, once per conversation
    return outcome


@transaction.atomic
def post_system_message(
    *, conversation: Conversation, body: str, actor=None, findings: Sequence[dict] = ()
) -> Message:
    """Add an order event or a moderation notice to the conversation's chain and push it.

    `actor`: the participant whose action this announces (accepting an offer, delivering):
    their own action is not news to them, so it does not count as unread for them.
    `findings`: what the event carries for review (an order's requirements with contact
    details let through as its work), recorded in the chain and flagged like a message's."""
    check_body(body)
    draft = Draft(conversation.pk, Message.Kind.SYSTEM, None, "", body, body, list(findings))
    ((message, attachments),) = store.current().write([draft])
    push.broadcast_on_commit([_sent(message, attachments, conversation)])
    if actor is not None:
        read_own_announcement(message, actor)
    return message
