"""Every frame the server sends (docs/protocol.md), built in one place.

inbox.protocol holds the schema these must match (`validate_server_frame`, run over every
frame in the tests); this module builds them from stored rows. The JSON API's bodies reuse
the same objects and the same `error` frame.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.urls import reverse
from django.utils import timezone

from core.contact_policy import get_contact_policy, hides
from inbox.chain import format_timestamp
from inbox.extensions import message_extras
from inbox.models import Attachment, Message, Participant
from inbox.withdrawn import shown_body, withdrawal_of
from marketplace.models import Order

__all__ = [
    "PREVIEW_CHARS",
    "attachment_object",
    "message_object",
    "serialize_message",
    "serialize_summary",
    "hello_frame",
    "ack_frame",
    "message_new_text",
    "sync_result_frame",
    "sync_resync_frame",
    "typing_frame",
    "read_frame",
    "unread_frame",
    "presence_frame",
    "conversation_updated_frame",
    "offer_updated_frame",
    "pong_frame",
    "error_frame",
    "forbidden_frame",
]

PREVIEW_CHARS = 140


# Objects ------------------------------------------------------------------------------------


def attachment_object(attachment: Attachment) -> dict[str, object]:
    return {
        "id": attachment.pk,
        "name": attachment.name,
        "size": attachment.size,
        "content_type": attachment.content_type,
        "url": reverse("inbox_api:attachment", kwargs={"attachment_id": attachment.pk}),
    }


def message_object(
    message: Message, attachments: Iterable[Attachment], *, client_id: str | None = None
) -> dict[str, object]:
    """The protocol's message object; `client_id` is given only in frames to the sender."""
    data: dict[str, object] = {
        "id": message.pk,
        "conversation_id": message.conversation_id,
        "seq": message.seq,
        "kind": message.kind,
        "sender_id": message.sender_id,
        "body": shown_body(message),
        "masked": message.masked,
        "created_at": format_timestamp(message.created_at),
        "attachments": [attachment_object(attachment) for attachment in attachments],
    }
    if withdrawal_of(message) is not None:  # hidden by Trust & Safety: the notice, no files
        data["withdrawn"] = True
        data["attachments"] = []
    data.update(message_extras(message))  # e.g. deals' offer card (inbox.extensions)
    if client_id:
        data["client_id"] = client_id
    return data


def serialize_message(message: Message, *, for_user) -> dict[str, object]:
    """The message as `for_user` sees it (attachments should be prefetched)."""
    is_sender = message.sender_id is not None and message.sender_id == getattr(for_user, "pk", None)
    return message_object(
        message, message.attachments.all(), client_id=message.client_id if is_sender else None
    )


def _person(user) -> dict[str, object]:
    return {"id": user.pk, "username": user.username, "name": user.public_name}


def serialize_summary(participant: Participant) -> dict[str, object]:
    """One row of the inbox list (select the related objects `inbox_page` selects)."""
    conversation = participant.conversation
    other = conversation.other_user(participant.user_id)
    last = conversation.last_message
    return {
        "id": conversation.pk,
        "other": _person(other),
        "gig": {"id": conversation.gig.pk, "title": conversation.gig.title}
        if conversation.gig_id
        else None,
        "order_id": conversation.order_id,
        "last_message": None
        if last is None
        else {
            "seq": last.seq,
            "sender_id": last.sender_id,
            "kind": last.kind,
            "body": shown_body(last)[:PREVIEW_CHARS],
            "created_at": format_timestamp(last.created_at),
        },
        "last_message_at": format_timestamp(conversation.last_message_at),
        "last_seq": conversation.last_seq,
        "unread": max(conversation.last_seq - participant.last_read_seq, 0),
        "starred": participant.starred,
        "archived": participant.archived,
        "spam": participant.spam,
        "muted": participant.muted,
        "labels": list(participant.labels),
    }


# Frames -------------------------------------------------------------------------------------


def hello_frame(*, user_id: int, unread_total: int) -> dict[str, object]:
    return {
        "type": "hello",
        "user_id": user_id,
        "server_time": format_timestamp(timezone.now()),
        "unread_total": unread_total,
    }


def ack_frame(message: Message, *, in_active_order: bool | None = None) -> dict[str, object]:
    """The `message.ack` for a stored message: the same for the first send and every resend.
    `in_active_order` (whether its conversation is an order's that is still running) is read
    when not given; the send path gives it for a whole batch at once."""
    if in_active_order is None:
        in_active_order = bool(message.findings) and _in_active_order(message)
    return {
        "type": "message.ack",
        "client_id": message.client_id,
        "conversation_id": message.conversation_id,
        "id": message.pk,
        "seq": message.seq,
        "created_at": format_timestamp(message.created_at),
        "body": message.delivered_body,
        "masked": message.masked,
        "notice": get_contact_policy().notice(message.findings, in_active_order=in_active_order),
        "findings": [
            {"kind": str(f.get("kind", "")), "reason": str(f.get("reason", ""))}
            for f in message.findings
            if hides(f)
        ],
    }


def _in_active_order(message: Message) -> bool:
    """Whether the message was sent in the thread of an order that is still running."""
    return Order.objects.filter(
        conversation__pk=message.conversation_id, status__in=Order.ACTIVE_STATUSES
    ).exists()


def message_new_text(payload: dict[str, Any]) -> str:
    """The `message.new` frame as JSON text: the push serialises it once for every socket."""
    return json.dumps({"type": "message.new", "message": payload}, ensure_ascii=False)


def sync_result_frame(
    conversation_id: int, messages: list[dict[str, object]], *, has_more: bool, last_seq: int
) -> dict[str, object]:
    return {
        "type": "sync.result",
        "conversation_id": conversation_id,
        "messages": messages,
        "has_more": has_more,
        "last_seq": last_seq,
    }


def sync_resync_frame(conversation_id: int, *, last_seq: int, reason: str) -> dict[str, object]:
    return {
        "type": "sync.resync",
        "conversation_id": conversation_id,
        "last_seq": last_seq,
        "reason": reason,
    }


def typing_frame(*, conversation_id: int, user_id: int) -> dict[str, object]:
    return {"type": "typing", "conversation_id": conversation_id, "user_id": user_id}


def read_frame(*, conversation_id: int, user_id: int, seq: int) -> dict[str, object]:
    """The other participant's "Seen"."""
    return {"type": "read", "conversation_id": conversation_id, "user_id": user_id, "seq": seq}


def unread_frame(*, conversation_id: int, count: int, total: int) -> dict[str, object]:
    return {"type": "unread", "conversation_id": conversation_id, "count": count, "total": total}


def presence_frame(
    *, user_id: int, online: bool, last_seen: datetime | None, timezone_name: str
) -> dict[str, object]:
    return {
        "type": "presence",
        "user_id": user_id,
        "online": online,
        "last_seen": format_timestamp(last_seen) if last_seen else None,
        "timezone": timezone_name or "UTC",
    }


def conversation_updated_frame(summary: dict[str, object]) -> dict[str, object]:
    return {"type": "conversation.updated", "conversation": summary}


def offer_updated_frame(offer: dict[str, object]) -> dict[str, object]:
    """`offer`: the offer object deals builds (deals.selectors.offer_object)."""
    return {"type": "offer.updated", "offer": offer}


def pong_frame() -> dict[str, object]:
    return {"type": "pong"}


def error_frame(
    code: str, message: str, *, client_id: str | None = None, **extra: Any
) -> dict[str, Any]:
    """The protocol's `error` frame (also the JSON API's error body); datetimes in `extra`
    are written as protocol timestamps."""
    data: dict[str, Any] = {"type": "error", "code": code, "message": message}
    for key, value in extra.items():
        data[key] = format_timestamp(value) if isinstance(value, datetime) else value
    if client_id:
        data["client_id"] = client_id
    return data


def forbidden_frame(conversation_id: int | None = None) -> dict[str, object]:
    """The socket's answer for a conversation that is missing or not the user's (the same)."""
    frame: dict[str, object] = {
        "type": "error",
        "code": "forbidden",
        "message": "No such conversation.",
    }
    if conversation_id is not None:
        frame["conversation_id"] = conversation_id
    return frame
