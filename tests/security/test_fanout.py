"""S7, the Zulip `send_event` lesson: every live event goes to the people it is about and to
nobody else. A recording channel layer sees every group push (group_send, and group_send_many
through it) while the whole product runs - messages, read marks, unread counts, typing,
presence, conversation summaries, custom offers and their order events, system messages and
moderation notices, forced closes - and each push's recipients are compared with who may
receive it: the conversation's two members (the offer's two parties), the presence watchers,
the closed user. A moderator or reviewer who reads conversations gets no live copy.

The list of pushed frame types is checked against inbox.protocol.SERVER_FRAMES and the
consumer's group handlers: a new event type fails here until it is listed, with its rule.
"""

from __future__ import annotations

import json
import uuid
from collections import defaultdict
from dataclasses import dataclass

import pytest
from channels.db import database_sync_to_async
from channels.layers import InMemoryChannelLayer
from django.test import Client

from inbox import consumers, protocol
from inbox import services as inbox_services
from inbox.conversations import get_or_start_conversation
from inbox.models import Conversation
from inbox.push import disconnect_session, push_frames
from inbox.read_marks import mark_read, mark_unread
from inbox.send import post_system_message, send_message
from inbox.tests.ws import LOGIN_BACKEND, open_socket, receive, send

pytestmark = pytest.mark.django_db(transaction=True)

# Frames pushed through groups, and the rule for their recipients.
PUSHED_FRAMES = {
    "message.new": "both members of the message's conversation, exactly",
    "message.withdrawn": "both members of the hidden message's conversation",
    "read": "the other member of the conversation",
    "unread": "the reader (a member)",
    "typing": "the other member of the conversation",
    "conversation.updated": "members of the summarised conversation",
    "offer.updated": "the offer's seller and buyer, exactly",
    "presence": "sockets that subscribed: people who share a conversation with the subject",
}
# Frames that only ever answer the socket that asked (never a group).
DIRECT_FRAMES = {"hello", "message.ack", "sync.result", "sync.resync", "pong", "error"}
# Group events the consumer handles (other than frames): `user.close` to the closed user,
# `user.block_changed` to both users of a block or unblock (no frame: the socket forgets).
GROUP_EVENTS = {
    "inbox.frame": "inbox_frame",
    "user.close": "user_close",
    "user.block_changed": "user_block_changed",
}


@dataclass
class Push:
    group: str
    event: dict
    sockets_of: set[int]  # owners of the sockets in the group at the time of the push

    @property
    def frame(self) -> dict | None:
        if self.event["type"] != "inbox.frame":
            return None
        return json.loads(self.event["text"]) if "text" in self.event else self.event["frame"]


class RecordingLayer(InMemoryChannelLayer):
    """The in-memory layer, remembering each push and whose sockets were in the group."""

    pushes: list[Push] = []
    owners: dict[str, int] = {}

    async def group_add(self, group: str, channel: str) -> None:
        if group.startswith("user."):
            RecordingLayer.owners[channel] = int(group.split(".", 1)[1])
        await super().group_add(group, channel)

    async def group_send(self, group: str, message: dict) -> None:
        members = {RecordingLayer.owners.get(channel, -1) for channel in self.groups.get(group, {})}
        RecordingLayer.pushes.append(Push(group, message, members))
        await super().group_send(group, message)


@pytest.fixture
def recorded(settings):
    settings.CHANNEL_LAYERS = {"default": {"BACKEND": "tests.security.test_fanout.RecordingLayer"}}
    RecordingLayer.pushes, RecordingLayer.owners = [], {}
    return RecordingLayer.pushes


@pytest.fixture
def w(recorded, transactional_db, tmp_path):
    from tests.security.conftest import build_world

    return build_world()


def members(conversation_id: int) -> set[int]:
    conversation = Conversation.objects.get(pk=conversation_id)
    return set(conversation.user_ids())


def share_a_conversation(user_id: int) -> set[int]:
    from django.db.models import Q

    pairs = Conversation.objects.filter(Q(user_a_id=user_id) | Q(user_b_id=user_id)).values_list(
        "user_a_id", "user_b_id"
    )
    return {uid for pair in pairs for uid in pair} - {user_id}


def addressed(push: Push) -> set[int]:
    """Who the push reaches: the user of a user group; the socket owners of other groups."""
    kind, _, key = push.group.partition(".")
    return {int(key)} if kind == "user" else push.sockets_of


def allowed(push: Push) -> set[int]:
    """Who may receive the push (by_frame checks that message.new and offer.updated reach all)."""
    frame = push.frame
    if frame is None:
        assert push.event["type"] in ("user.close", "user.block_changed"), push.event
        kind, _, key = push.group.partition(".")
        return (
            {int(key)} if kind == "user" else push.sockets_of
        )  # a session group holds its user's sockets
    kind = frame["type"]
    if kind in ("message.new", "message.withdrawn"):
        return members(frame["message"]["conversation_id"])
    if kind in ("read", "typing"):
        return members(frame["conversation_id"]) - {frame["user_id"]}
    if kind == "unread":
        return members(frame["conversation_id"])
    if kind == "conversation.updated":
        return members(frame["conversation"]["id"])
    if kind == "offer.updated":
        return {frame["offer"]["seller_id"], frame["offer"]["buyer_id"]}
    if kind == "presence":
        assert push.group == consumers.presence_group(frame["user_id"])
        return share_a_conversation(frame["user_id"])
    raise AssertionError(
        f"a pushed frame type with no recipient rule: {kind} (add it to PUSHED_FRAMES)"
    )


def check(pushes: list[Push]) -> dict[str, int]:
    """Extra recipients per pushed type: who got it beyond who may (must be 0 everywhere)."""
    extra: dict[str, int] = defaultdict(int)
    for push in pushes:
        kind = push.frame["type"] if push.frame else push.event["type"]
        extra[kind] += len(addressed(push) - allowed(push))
    return dict(extra)


def by_frame(pushes: list[Push]) -> dict[str, set[int]]:
    """For message.new and offer.updated: every user each distinct frame went to."""
    seen: dict[str, set[int]] = defaultdict(set)
    for push in pushes:
        frame = push.frame
        if frame and frame["type"] == "message.new":
            seen[f"message {frame['message']['id']}"] |= addressed(push)
        elif frame and frame["type"] == "offer.updated":
            seen[f"offer {frame['offer']['id']} {frame['offer']['status']}"] |= addressed(push)
    return seen


def test_the_frame_lists_cover_the_protocol_and_the_consumer():
    assert PUSHED_FRAMES.keys() | DIRECT_FRAMES == protocol.SERVER_FRAMES.keys(), (
        "list a new frame type here, with its rule"
    )
    assert not PUSHED_FRAMES.keys() & DIRECT_FRAMES
    for event_type, handler in GROUP_EVENTS.items():
        assert event_type.replace(".", "_") == handler and callable(
            getattr(consumers.InboxConsumer, handler)
        )


def test_every_push_of_the_product_goes_to_members_only(w, recorded):
    """The world (sends with a file, an order and its events, a custom offer, a dispute, a
    strike notice), then reads, unread, archive, an accepted offer, a sanction, a logout."""
    from deals import services as deals_services
    from moderation import services as moderation_services

    w.conversation.refresh_from_db()
    mark_read(conversation=w.conversation, user=w.bob, seq=w.conversation.last_seq)
    mark_unread(conversation=w.conversation, user=w.bob)
    inbox_services.update_participant(conversation=w.conversation, user=w.alice, archived=True)
    deals_services.accept_offer(offer=w.offer, buyer=w.bob)
    post_system_message(conversation=w.general, body="A note from Gigbox.")
    conversation = get_or_start_conversation(starter=w.charlie, other=w.alice)
    send_message(
        conversation=conversation, sender=w.charlie, body="Hello there", client_id=uuid.uuid4().hex
    )
    moderation_services.impose_sanction(
        user=w.charlie, kind="suspend", moderator=w.mo, reason="Scam attempts"
    )
    disconnect_session("some-session-key", 4401)

    kinds = {push.frame["type"] if push.frame else push.event["type"] for push in recorded}
    assert {
        "message.new",
        "read",
        "unread",
        "conversation.updated",
        "offer.updated",
        "user.close",
    } <= kinds, kinds
    extra = check(recorded)
    assert sum(extra.values()) == 0, extra
    for what, users in by_frame(recorded).items():
        if what.startswith("message"):
            message_id = int(what.split()[1])
            from inbox.models import Message

            assert users == members(Message.objects.get(pk=message_id).conversation_id), what
        else:
            assert users == {w.alice.pk, w.bob.pk}, what
    staff = {w.mo.pk, w.rita.pk, w.stella.pk}
    assert not any(addressed(push) & staff for push in recorded)


async def test_typing_presence_and_staff_reads_over_real_sockets(w, recorded):
    """Sockets of alice, bob, charlie (an outsider who tries to watch) and mo (a moderator
    who then reads the conversation in the admin): typing and presence reach the members."""
    alice, bob, charlie, mo = [
        await open_socket(user) for user in (w.alice, w.bob, w.charlie, w.mo)
    ]
    await send(alice, {"type": "presence.subscribe", "conversation_id": w.conversation.pk})
    assert (await receive(alice))["type"] == "presence"
    await send(charlie, {"type": "presence.subscribe", "conversation_id": w.conversation.pk})
    assert (await receive(charlie))["code"] == "forbidden"
    await send(bob, {"type": "typing", "conversation_id": w.conversation.pk})
    await send(charlie, {"type": "typing", "conversation_id": w.conversation.pk})  # refused
    assert (await receive(alice))["type"] == "typing"

    @database_sync_to_async
    def moderator_reads() -> None:
        client = Client()
        client.force_login(w.mo, backend=LOGIN_BACKEND)
        assert client.get(f"/admin/inbox/message/{w.message.pk}/change/").status_code in (
            200,
            302,
            403,
        )
        assert client.get("/admin/moderation/flag/").status_code == 200
        reviewer = Client()
        reviewer.force_login(w.rita, backend=LOGIN_BACKEND)
        assert (
            reviewer.get(f"/admin/disputes/dispute/{w.dispute.pk}/change/", follow=True).status_code
            == 200
        )

    await moderator_reads()
    await bob.disconnect()  # bob goes offline: alice, watching, is told
    frame = await receive(alice)
    assert frame["type"] == "presence" and frame["user_id"] == w.bob.pk
    assert await mo.receive_nothing(timeout=0.3)  # no live copy of anything
    for tab in (alice, charlie, mo):
        await tab.disconnect()

    kinds = {push.frame["type"] for push in recorded if push.frame}
    assert {"typing", "presence"} <= kinds
    [offline] = [
        p
        for p in recorded
        if p.frame
        and p.frame["type"] == "presence"
        and p.frame["user_id"] == w.bob.pk
        and not p.frame["online"]
    ]
    assert addressed(offline) == {w.alice.pk}  # the watcher, not charlie who tried
    extra = await database_sync_to_async(check)(recorded)
    assert sum(extra.values()) == 0, extra
    assert not any(w.mo.pk in addressed(push) for push in recorded)


def test_the_recorder_sees_an_extra_recipient(w, recorded):
    """The check can fail: a push to an outsider's group is counted."""
    recorded.clear()
    frame = {"type": "typing", "conversation_id": w.conversation.pk, "user_id": w.bob.pk}
    push_frames([(w.charlie.pk, frame)])
    assert check(recorded) == {"typing": 1}
