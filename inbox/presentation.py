"""What the inbox pages show: list rows, thread messages and error sentences.

Everything here reads through inbox.selectors and turns the result into plain objects for
the templates. Message text is the DELIVERED text only (contact details already masked);
it is split on the mask marker so templates can show a "contact details hidden" chip
without ever marking user text safe.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, datetime, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.http import urlencode

from config import clock
from core.contact import MASK
from core.timestamps import list_time_text, local_time_text, split_stamps
from inbox import extensions, frames, presence, selectors
from inbox.checks import (
    OFFICIAL_ACCOUNT_MESSAGE,
    SendError,
    check_sender_sanctions,
    is_system_account,
    takes_no_replies,
)
from inbox.forms import STATE_ACTIONS
from inbox.models import Conversation, Message
from inbox.people import people_page, previewed_messages, threads_with
from inbox.selectors import FILTERS
from inbox.withdrawn import shown_body

LIST_PAGE_SIZE = 30
SEARCH_HITS = 30
FILTER_NAMES = {
    "all": "All",
    "unread": "Unread",
    "starred": "Starred",
    "archived": "Archived",
    "spam": "Spam",
    "offers": "Custom offers",
}


@dataclass(frozen=True)
class Segment:
    text: str
    hidden: bool = False
    moment: str = ""  # a time in a system line: its ISO form; `text` is the reader's local time


def _timed(part: str, zone: tzinfo, name_zone: bool) -> list[Segment]:
    """A system line's text with its stored UTC stamps as times in the reader's zone, named
    ('9 Jan 2027, 19:30 IST': core.timestamps.local_time_text, the one form pages, emails and
    the account page share)."""
    return [
        Segment(piece)
        if moment is None
        else Segment(local_time_text(moment, zone, name_zone=name_zone), moment=moment.isoformat())
        for piece, moment in split_stamps(part)
    ]


def segments(text: str, zone: tzinfo | None = None, *, name_zone: bool = True) -> list[Segment]:
    """'call me on [contact hidden] now' -> text, hidden chip, text. With `zone` (system
    lines), each stored time is shown in that zone, rendered now rather than as stored."""
    parts: list[Segment] = []
    for index, part in enumerate(text.split(MASK)):
        if index:
            parts.append(Segment("", hidden=True))
        if part:
            parts.extend(_timed(part, zone, name_zone) if zone is not None else [Segment(part)])
    return parts


def message_segments(message: Message, text: str, zone: tzinfo, **options) -> list[Segment]:
    """Segments of a message's delivered text: system lines get their times localized; user
    text is shown as written."""
    return segments(text, zone if message.kind == Message.Kind.SYSTEM else None, **options)


def preview(
    text: str, limit: int = frames.PREVIEW_CHARS, zone: tzinfo | None = None
) -> list[Segment]:
    """The first `limit` characters as segments; a mask marker is never cut in half."""
    shown: list[Segment] = []
    for segment in segments(text, zone):
        if limit <= 0:
            break
        if not segment.hidden:
            segment = Segment(segment.text[:limit], moment=segment.moment)
        limit -= len(segment.text) or 1
        shown.append(segment)
    return shown


def user_zone(user) -> ZoneInfo:
    try:
        return ZoneInfo(user.timezone or settings.TIME_ZONE)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(settings.TIME_ZONE)


@dataclass(frozen=True)
class About:
    title: str
    url: str


def about_of(conversation: Conversation, *, with_order: bool = True) -> About | None:
    """The order or gig a conversation is about (the order wins: it is the narrower).
    List rows pass with_order=False: the list does not load orders."""
    if with_order and conversation.order_id:
        order = conversation.order
        return About(f"Order {order.reference}: {order.title}", order.get_absolute_url())
    if conversation.gig_id:
        return About(conversation.gig.title, conversation.gig.get_absolute_url())
    return None


@dataclass
class Row:
    id: int
    other: object
    preview_segments: list[Segment]
    last_at: datetime | None
    unread: int
    starred: bool
    muted: bool
    labels: list[str]
    about: About | None
    online: bool = False
    last_at_text: str = ""  # the time in the viewer's zone (core.timestamps.list_time_text)
    last_at_title: str = ""
    link_id: int = 0  # the thread the row opens: the one its preview is from (inbox/people.py)
    conversation_ids: list[int] = field(default_factory=list)  # every thread with this person


def _row(
    participant, last: Message | None, online_ids: set[int], zone: tzinfo, now: datetime
) -> Row:
    """`last`: the message the row previews (people.previewed_messages)."""
    conversation = participant.conversation
    other = conversation.other_user(participant.user_id)
    last_zone = zone if last and last.kind == Message.Kind.SYSTEM else None
    last_at_text, last_at_title = list_time_text(last.created_at, zone, now) if last else ("", "")
    return Row(
        id=conversation.pk,
        other=other,
        preview_segments=preview(shown_body(last), zone=last_zone) if last else [],
        last_at=last.created_at if last else None,
        unread=max(conversation.last_seq - participant.last_read_seq, 0),
        starred=participant.starred,
        muted=participant.muted,
        labels=list(participant.labels),
        about=about_of(conversation, with_order=False),
        online=other.pk in online_ids,
        last_at_text=last_at_text,
        last_at_title=last_at_title,
        link_id=conversation.pk,
    )


@dataclass
class Hit:
    conversation_id: int
    seq: int
    other_name: str
    created_at: datetime
    segments: list[Segment] = field(default_factory=list)


def _hits(user, q: str) -> list[Hit]:
    found = selectors.search_messages(user, q, SEARCH_HITS)
    names = _other_names(user, {message.conversation for message in found})
    zone = user_zone(user)
    return [
        Hit(
            m.conversation_id,
            m.seq,
            names.get(m.conversation_id, ""),
            m.created_at,
            message_segments(m, m.delivered_body, zone),
        )
        for m in found
    ]


def _other_names(user, conversations: set[Conversation]) -> dict[int, str]:
    other_ids = {c.pk: c.other_user_id(user.pk) for c in conversations}
    people = (
        get_user_model().objects.select_related("seller_profile").in_bulk(set(other_ids.values()))
    )
    return {cid: people[uid].public_name for cid, uid in other_ids.items() if uid in people}


def inbox_context(user, filters: dict[str, object]) -> dict[str, object]:
    """The list pane: filtered rows (or, for a search, the matching messages), labels and
    the link to the next page."""
    kept = {
        key: filters[key] for key in ("filter", "label") if filters[key] and filters[key] != "all"
    }
    context: dict[str, object] = {
        "filters": filters,
        "filter_choices": [(value, FILTER_NAMES[value]) for value in FILTERS],
        "labels": selectors.labels_of(user),
        "list_query": f"?{urlencode(kept)}" if kept else "",  # the list stays filtered in a thread
        "mask": MASK,
        "max_chars": settings.GIGBOX_MESSAGE_MAX_CHARS,
    }
    if filters["q"]:
        context["search_hits"] = _hits(user, str(filters["q"]))
        return context
    page = people_page(
        user,
        filter=str(filters["filter"]),
        label=str(filters["label"]) or None,
        cursor=filters["cursor"],
        limit=LIST_PAGE_SIZE,
    )
    online_ids = presence.online_ids(
        {p.conversation.other_user_id(user.pk) for p in page.participants}
    )
    zone = user_zone(user)
    now = clock.now()
    shown = previewed_messages(page.participants)
    context["rows"] = rows = [
        _row(p, shown[p.conversation_id], online_ids, zone, now) for p in page.participants
    ]
    person_threads = threads_with(user, {row.other.pk for row in rows})
    for row in rows:
        threads = person_threads.get(row.other.pk)
        row.conversation_ids = threads.conversation_ids if threads else [row.id]
        if threads:
            row.unread = threads.unread
    context["next_page"] = (
        f"?{urlencode({**kept, 'cursor': page.next_cursor})}" if page.next_cursor else ""
    )
    return context


@dataclass
class ShownMessage:
    id: int
    seq: int
    kind: str
    mine: bool
    segments: list[Segment]
    created_at: datetime
    day: date
    attachments: list[dict[str, object]]
    client_id: str
    withdrawn: bool = False  # hidden by Trust & Safety: the body is the notice
    time_iso: str = ""  # created_at in the reader's zone, as the page's <time> writes it
    time_text: str = ""  # "14:05" there (inbox.js rewrites it in the reader's clock style)


def shown_message(
    message: Message, user, zone: ZoneInfo, *, name_zone: bool = True
) -> ShownMessage:
    """A message for a page (or, with name_zone, an email: its times say their zone)."""
    data = frames.serialize_message(message, for_user=user)
    local = timezone.localtime(message.created_at, zone)
    return ShownMessage(
        id=message.pk,
        seq=message.seq,
        kind=message.kind,
        mine=message.sender_id == user.pk,
        segments=message_segments(message, str(data["body"]), zone, name_zone=name_zone),
        created_at=message.created_at,
        day=local.date(),
        attachments=list(data["attachments"]),
        client_id=str(data.get("client_id") or ""),
        withdrawn=bool(data.get("withdrawn")),
        time_iso=local.isoformat(),
        time_text=local.strftime("%H:%M"),
    )


STATE_LABELS = {
    "star": "Star",
    "unstar": "Unstar",
    "archive": "Archive",
    "unarchive": "Move to inbox",
    "mute": "Mute email notifications",
    "unmute": "Unmute email notifications",
    "spam": "Mark as spam",
    "not_spam": "Not spam",
}


@dataclass(frozen=True)
class StateButton:
    """One toggle of the Actions menu, with its opposite (inbox.js swaps them in place)."""

    action: str
    label: str
    field: str
    value: bool
    undo_action: str
    undo_label: str


def state_buttons(participant) -> list[StateButton]:
    by_field: dict[str, dict[bool, str]] = {}
    for action, (field_name, value) in STATE_ACTIONS.items():
        by_field.setdefault(field_name, {})[value] = action
    buttons = []
    for field_name, actions in by_field.items():
        current = bool(getattr(participant, field_name))
        action, undo = actions[not current], actions[current]
        buttons.append(
            StateButton(
                action, STATE_LABELS[action], field_name, not current, undo, STATE_LABELS[undo]
            )
        )
    return buttons


def thread_context(
    user, conversation: Conversation, *, before_seq: int | None, limit: int, send_form
) -> dict[str, object]:
    """The thread pane: the other person, what it is about, a page of messages, the composer."""
    participant = selectors.participant_for_user(user, conversation.pk)
    other_id = conversation.other_user_id(user.pk)
    other = get_user_model().objects.select_related("seller_profile").get(pk=other_id)
    other_side = selectors.participant_for_user(other, conversation.pk)
    messages, has_more = selectors.history_page(
        user, conversation, before_seq=before_seq, limit=limit
    )
    zone = user_zone(user)
    history = [shown_message(message, user, zone) for message in messages]
    blockers = selectors.blockers_between(user.pk, other_id)
    blocked_by_me, blocked = user.pk in blockers, bool(blockers)
    no_replies = takes_no_replies(conversation, other) and not is_system_account(user)
    return {
        "conversation": conversation,
        "participant": participant,
        "other": other,
        "other_online": presence.is_online(other_id),
        "other_read_seq": other_side.last_read_seq,
        "about": about_of(conversation),
        "history": history,
        "has_more": has_more,
        "first_seq": history[0].seq if history else "",
        "before_seq": before_seq,
        "send_form": send_form,
        "state_buttons": state_buttons(participant),
        "blocked": blocked,
        "blocked_by_me": blocked_by_me,
        "can_block": not is_system_account(other),  # Trust & Safety notices must reach the user
        # Nobody reads replies to the Trust & Safety account: no composer, a pointer instead.
        "system_thread": is_system_account(other),
        "max_attachment_mb": settings.GIGBOX_ATTACHMENT_MAX_BYTES // (1024 * 1024),
        "max_attachment_bytes": settings.GIGBOX_ATTACHMENT_MAX_BYTES,
        "no_replies": OFFICIAL_ACCOUNT_MESSAGE if no_replies else "",
        "composer_actions": []
        if blocked or no_replies or is_system_account(other)
        else extensions.composer_actions(user=user, conversation=conversation),
        # A restricted user's composer is shown disabled, with why and until when, except in
        # an active order's thread (inbox.js keeps it so when a restriction starts or ends).
        "sanction_text": sanction_refusal(user, conversation),
    }


def sanction_refusal(user, conversation: Conversation) -> str:
    """Why a sanction stops the user writing here now, in words; "" when nothing does."""
    try:
        check_sender_sanctions(user, conversation=conversation)
    except SendError as error:
        until = error.extra.get("until")
        when = (
            f"until {local_time_text(until, timezone.get_current_timezone(), name_zone=True)}"
            if isinstance(until, datetime)
            else "until a moderator lifts it"
        )
        return (
            f"Your messaging is restricted {when}: you can read messages, and write only in "
            "the conversations of your active orders."
        )
    return ""


_SEND_ERRORS = {
    "empty": "Write something first: the message was empty.",
    "blocked": "You can't message this person: one of you has blocked the other.",
    "forbidden": "This conversation is not available.",
    "unavailable": "The server is busy and nothing was sent. Please try again.",
}


def send_error_text(error: SendError, *, length: int | None = None) -> str:
    """A SendError in words, for the no-JavaScript form (inbox.js says the same)."""
    extra = error.extra
    if error.code == "too_long":
        limit = extra.get("limit", settings.GIGBOX_MESSAGE_MAX_CHARS)
        return (
            f"Too long: {length:,}/{limit:,} characters."
            if length
            else f"Too long: at most {limit:,} characters."
        )
    if error.code == "rate_limited":
        seconds = math.ceil(float(extra.get("retry_after") or 1))
        return f"You are sending too fast: retry in {seconds} s."
    if error.code == "restricted" and isinstance(extra.get("until"), datetime):
        # The request's zone is the reader's (marketplace.time_zones.TimeZoneMiddleware).
        until = local_time_text(extra["until"], timezone.get_current_timezone(), name_zone=True)
        return f"Your messaging is restricted until {until}."
    return _SEND_ERRORS.get(error.code) or error.message or "The message was not sent."
