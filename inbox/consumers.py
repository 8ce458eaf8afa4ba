"""The inbox socket, /ws/inbox/ (docs/protocol.md).

One socket per browser tab carries every conversation of its user: the consumer joins the
group `user.<id>`, and everything for that user (new messages, read receipts, unread
counts, typing, presence, a forced close) arrives as a group message. Frames from the
client are parsed by inbox.protocol; a bad frame gets an `error` frame and the socket stays
usable. Sends go to the process's writer (inbox.writer); every other read or write goes
through inbox.selectors or a write module (inbox.read_marks) in a `database_sync_to_async`
helper. The frames themselves are built by inbox.frames.
"""

from __future__ import annotations

import asyncio
import bisect
import json
import logging
import time
from typing import Any

from asgiref.sync import sync_to_async
from channels.consumer import get_handler_name
from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
from django.db import DatabaseError
from django.utils import timezone
from django.utils.crypto import constant_time_compare

from config import lifecycle, security
from config.logging import log_socket_event
from inbox import frames, known_heads, presence, read_marks, selectors, socket_limits
from inbox.checks import (
    SendError,
    closed_conversation_ids,
    is_account_suspended,
    official_account_error,
    unavailable_error,
)
from inbox.protocol import MAX_FRAME_BYTES, ProtocolError, parse_client_frame
from inbox.push import group_send_safely, session_group, user_group
from inbox.send import SendRequest
from inbox.writer import get_writer

logger = logging.getLogger(__name__)

CLOSE_UNAUTHENTICATED = 4401
CLOSE_FORBIDDEN = 4403
CLOSE_FLOODING = 4429
CLOSE_TOO_MANY_SOCKETS = 4430  # over the sockets per account or per address: the new one
CLOSE_TOO_BIG = 1009
CLOSE_GOING_AWAY = 1001  # the server is shutting down: reconnect (to another process) and sync

FLOOD_FRAMES, FLOOD_SECONDS = 120, 10.0
TYPING_INTERVAL = 3.0  # seconds between typing frames per conversation
ACCESS_CACHE_SECONDS = 60.0
_NONE_CLOSED: frozenset[int] = frozenset()  # shared by the many sockets with no closed thread
SESSION_CHECK_SECONDS = 5.0  # re-read the session on a ping at most this often
ANSWER_WAIT_SECONDS = 2.0  # on shutdown, how long the close waits for a send's answer to go out


def presence_group(user_id: int) -> str:
    return f"presence.{user_id}"


_forbidden = frames.forbidden_frame


class InboxConsumer(AsyncWebsocketConsumer):
    """Async contract: handlers never touch the ORM directly; every database call is one
    `database_sync_to_async` helper (named `_db_*`), and the cache is used from worker
    threads, so the event loop only relays frames."""

    user: Any = None
    _counted: tuple[int, str | None] | None = None  # (user, address) socket_limits counted
    _shutdown_hook: lifecycle.HookHandle | None = None
    _answering: asyncio.Task | None = (
        None  # the answer of this socket's last message.send, until sent
    )

    async def dispatch(self, message: dict[str, Any]) -> None:
        """Channels' dispatch without its `aclose_old_connections()` before every event.

        Channels 4.2+ hops to the single database thread before each frame and each group
        message, so every `message.new` relayed to a socket would queue behind the batch
        being written.
        Handlers here never use the ORM on the event loop; every `_db_*` helper is a
        `database_sync_to_async`, which closes stale connections around each call itself.
        """
        handler = getattr(self, get_handler_name(message), None)
        if handler is None:
            raise ValueError(f"No handler for message type {message['type']}")
        await handler(message)

    # Connection ---------------------------------------------------------------------------

    async def connect(self) -> None:
        if lifecycle.is_shutting_down():
            await self._close_shutting_down()
            return
        user = self.scope.get("user")
        if user is None or not user.is_authenticated or not user.is_active:
            await self._refuse_without_account()
            return
        if not await self._admit(user.pk):
            return
        self.user = user
        # Times of the last frames (a list: an empty deque costs ~600 bytes per idle socket).
        self.frames: list[float] = []
        self.others: dict[int, tuple[int, float]] = {}  # conversation -> (other user, valid until)
        # This user's conversations whose other side takes no messages, and until when valid.
        self.closed: tuple[frozenset[int], float] = (_NONE_CLOSED, 0.0)
        self.typing_sent: dict[int, float] = {}
        self.watching: set[int] = set()
        self.session_checked = time.monotonic()
        suspended, unread_total, closed = await self._db_opening_state()
        self.closed = (closed or _NONE_CLOSED, time.monotonic() + ACCESS_CACHE_SECONDS)
        await self.accept()
        if suspended:
            await self.close(code=CLOSE_FORBIDDEN)
            self.user = None
            await self._release()
            return
        await self.channel_layer.group_add(user_group(user.pk), self.channel_name)
        await self.channel_layer.group_add(self._session_group(), self.channel_name)
        self._shutdown_hook = lifecycle.on_shutdown(self._close_going_away, stage=lifecycle.CLOSE)
        log_socket_event("connect", scope=self.scope)
        await self.send_frame(frames.hello_frame(user_id=user.pk, unread_total=unread_total))
        if await sync_to_async(presence.socket_opened, thread_sensitive=False)(user.pk):
            await self._announce_presence(online=True, last_seen=None)

    async def _admit(self, user_id: int) -> bool:
        """Count this socket against the limits per account and per address; past one,
        refuse it with 4430 (the sockets already open stay) and record it."""
        address = security.scope_ip(self.scope)
        over = await sync_to_async(socket_limits.admit, thread_sensitive=False)(user_id, address)
        if over is None:
            self._counted = (user_id, address)
            return True
        await self.accept()  # accepted only to say why: a close before accept is a bare 403
        await self.close(code=CLOSE_TOO_MANY_SOCKETS)
        security.refused_handshake(self.scope, "too_many_sockets", limit=over)
        return False

    async def _release(self) -> None:
        counted, self._counted = self._counted, None
        if counted is not None:
            await sync_to_async(socket_limits.release, thread_sensitive=False)(*counted)

    async def _close_shutting_down(self) -> None:
        # Accepted only to say why: the client reconnects (through the proxy, elsewhere).
        await self.accept()
        await self.close(code=CLOSE_GOING_AWAY)
        log_socket_event("close", scope=self.scope, code=CLOSE_GOING_AWAY, reason="shutting_down")

    async def _refuse_without_account(self) -> None:
        """4401 for no login, 4403 for a closed (deactivated or suspended) account."""
        # Accept first: a close before accept becomes an HTTP 403 and loses the code.
        await self.accept()
        closed_account = await self._db_session_of_closed_account()
        await self.close(code=CLOSE_FORBIDDEN if closed_account else CLOSE_UNAUTHENTICATED)
        security.refused_handshake(self.scope, "closed_account" if closed_account else "anonymous")

    async def disconnect(self, code: int) -> None:
        log_socket_event("disconnect", scope=self.scope, code=code)
        if self._shutdown_hook is not None:
            self._shutdown_hook.cancel()
        await self._release()
        if self.user is None:
            return
        await self.channel_layer.group_discard(user_group(self.user.pk), self.channel_name)
        await self.channel_layer.group_discard(self._session_group(), self.channel_name)
        for user_id in self.watching:
            await self.channel_layer.group_discard(presence_group(user_id), self.channel_name)
        if await sync_to_async(presence.socket_closed, thread_sensitive=False)(self.user.pk):
            last_seen = await self._db_record_last_seen()
            await self._announce_presence(online=False, last_seen=last_seen)

    async def send_frame(self, frame: dict[str, Any]) -> None:
        await self.send(text_data=json.dumps(frame, ensure_ascii=False))

    async def _close_going_away(self) -> None:
        """The CLOSE shutdown hook. It runs after the writer drained (DRAIN stage), so a send
        in flight has its outcome: its answer goes out first, then the 1001."""
        if self._answering is not None:
            _, late = await asyncio.wait([self._answering], timeout=ANSWER_WAIT_SECONDS)
            if late:
                logger.warning(
                    "shutdown: a send was still unanswered; closing anyway (the client resends)"
                )
        await self.close(code=CLOSE_GOING_AWAY)

    # Client frames ------------------------------------------------------------------------

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        if self.user is None:
            return
        raw = text_data if text_data is not None else bytes_data or b""
        if self._too_big(raw):
            await self.close(code=CLOSE_TOO_BIG)
            return
        if self._flooding():
            await self.send_frame(frames.error_frame("flooding", "Too many frames; reconnect."))
            await self.close(code=CLOSE_FLOODING)
            return
        frame: dict[str, Any] | None = None
        try:
            frame = parse_client_frame(raw)
            security.bind_socket_frame(self.scope, frame["type"])  # who asks, if a selector refuses
            await getattr(self, "on_" + frame["type"].replace(".", "_"))(frame)
        except ProtocolError as error:
            await self.send_frame(
                frames.error_frame(error.code, error.message, client_id=error.client_id)
            )
        except SendError as error:
            await self.send_frame(error.frame())
        except selectors.ConversationNotFound as missing:  # the selector logged the refusal
            await self.send_frame(_forbidden(missing.args[0] if missing.args else None))
        except DatabaseError:
            # A lock or statement timeout (sync behind a locked table) or a lost database:
            # nothing changed, the client asks again (the same retryable answer as a send's).
            logger.warning(
                "a %s frame failed on the database",
                frame["type"] if frame else "client",
                exc_info=True,
            )
            await self.send_frame(
                frames.error_frame(
                    "unavailable",
                    "The server could not answer just now; nothing changed. Try again.",
                    retry_after=1,
                )
            )

    @staticmethod
    def _too_big(raw: str | bytes) -> bool:
        if len(raw) > MAX_FRAME_BYTES:
            return True
        return (
            isinstance(raw, str)
            and len(raw) * 4 > MAX_FRAME_BYTES
            and len(raw.encode("utf-8", "surrogatepass")) > MAX_FRAME_BYTES
        )

    def _flooding(self) -> bool:
        now = time.monotonic()
        self.frames.append(now)
        expired = bisect.bisect_right(self.frames, now - FLOOD_SECONDS)
        if expired:
            del self.frames[:expired]
        return len(self.frames) > FLOOD_FRAMES

    async def on_message_send(self, frame: dict[str, Any]) -> None:
        if lifecycle.is_shutting_down():
            # Not accepted, nothing stored: the client resends it (same client_id) after
            # reconnecting.
            await self.send_frame(unavailable_error().frame(client_id=frame["client_id"]))
            return
        request = SendRequest(
            frame["conversation_id"], self.user, frame["body"], frame["client_id"]
        )
        refusal = await self._recipient_refusal(frame["conversation_id"])
        if refusal is None:
            outcome = get_writer().enqueue(request)
        else:  # answered in turn with the sends before it
            outcome = asyncio.get_running_loop().create_future()
            outcome.set_result(refusal)
        self._answer_when_stored(outcome, frame["client_id"], frame["conversation_id"])

    async def _recipient_refusal(self, conversation_id: int) -> SendError | None:
        """inbox.checks.check_recipient's answer from the socket's set of closed
        conversations (loaded when it opened, again after a minute): no query per send."""
        closed, valid_until = self.closed
        if valid_until < time.monotonic():
            closed = await database_sync_to_async(closed_conversation_ids)(self.user)
            self.closed = (closed or _NONE_CLOSED, time.monotonic() + ACCESS_CACHE_SECONDS)
        return official_account_error() if conversation_id in closed else None

    def _answer_when_stored(
        self, outcome: asyncio.Future, client_id: str, conversation_id: int
    ) -> None:
        """Send the ack (or error) once the writer has the outcome, without waiting for it
        here: the socket reads its next frames and relays its pushes meanwhile, so no
        `message.new` for this socket waits behind its own batch. Answers go out in the order
        the sends came, so the last one's task is done when every answer is out (the CLOSE
        shutdown hook waits for it)."""
        previous = self._answering

        async def answer() -> None:
            try:
                result = await asyncio.shield(outcome)  # never cancel the writer's future
                if previous is not None and not previous.done():
                    await asyncio.wait([previous])
                if isinstance(result, SendError) and result.code == "forbidden":
                    # The writer decided it (not-found or not-yours); the task runs in this
                    # frame's context, so the record names this socket and frame.
                    security.refused("conversation", conversation_id)
                await self.send_frame(
                    result.frame(client_id=client_id)
                    if isinstance(result, SendError)
                    else result.ack
                )
            except Exception:
                logger.warning(
                    "answering a message.send failed (the client resends)", exc_info=True
                )
            finally:
                if self._answering is task:
                    self._answering = None

        task = self._answering = asyncio.get_running_loop().create_task(answer())

    async def on_typing(self, frame: dict[str, Any]) -> None:
        conversation_id = frame["conversation_id"]
        other_id = await self._other_participant(conversation_id)
        now = time.monotonic()
        if (
            other_id is None
            or now - self.typing_sent.get(conversation_id, -TYPING_INTERVAL) < TYPING_INTERVAL
        ):
            return  # blocked, or told the other side less than TYPING_INTERVAL ago
        self.typing_sent[conversation_id] = now
        typing = frames.typing_frame(conversation_id=conversation_id, user_id=self.user.pk)
        await group_send_safely(user_group(other_id), {"type": "inbox.frame", "frame": typing})

    async def on_read(self, frame: dict[str, Any]) -> None:
        await self._db_mark_read(frame["conversation_id"], frame["seq"])

    async def on_sync(self, frame: dict[str, Any]) -> None:
        for reply in await self._db_sync(frame["conversations"]):
            await self.send_frame(reply)

    async def on_presence_subscribe(self, frame: dict[str, Any]) -> None:
        other_id = await self._other_participant(frame["conversation_id"])
        if other_id is None:
            raise SendError("blocked", "You cannot see this person's status.")
        if other_id not in self.watching:
            self.watching.add(other_id)
            await self.channel_layer.group_add(presence_group(other_id), self.channel_name)
        await self.send_frame(await self._db_presence_of(other_id))

    async def on_ping(self, frame: dict[str, Any]) -> None:
        await sync_to_async(presence.socket_alive, thread_sensitive=False)(self.user.pk)
        if self._counted is not None:
            await sync_to_async(socket_limits.keep_alive, thread_sensitive=False)(*self._counted)
        if time.monotonic() - self.session_checked >= SESSION_CHECK_SECONDS:
            self.session_checked = time.monotonic()
            code = await self._db_session_problem()
            if code:
                await self.close(code=code)
                return
        await self.send_frame(frames.pong_frame())

    # Group messages -----------------------------------------------------------------------

    async def inbox_frame(self, event: dict[str, Any]) -> None:
        if "head" in event:  # a message.new: perhaps written by another process
            known_heads.saw(*event["head"])
        text = event.get("text")  # message.new comes serialised once for every socket (push)
        await self.send(
            text_data=text if text is not None else json.dumps(event["frame"], ensure_ascii=False)
        )

    async def user_close(self, event: dict[str, Any]) -> None:
        """The account was suspended or logged out elsewhere (push.disconnect_user), or
        this login session logged out (push.disconnect_session)."""
        await self.close(code=int(event.get("code", CLOSE_FORBIDDEN)))

    async def user_block_changed(self, event: dict[str, Any]) -> None:
        """This user blocked or unblocked `other_id`, or was (un)blocked by them: forget the
        cached access (typing asks again) and stop following their presence."""
        other_id = event["other_id"]
        self.others = {
            conversation_id: cached
            for conversation_id, cached in self.others.items()
            if abs(cached[0]) != other_id
        }
        if other_id in self.watching:
            self.watching.discard(other_id)
            await self.channel_layer.group_discard(presence_group(other_id), self.channel_name)

    # Helpers ------------------------------------------------------------------------------

    def _session_group(self) -> str:
        """The group of this socket's login session: a logout closes only its sockets."""
        return session_group(self.scope["session"].session_key or "")

    async def _other_participant(self, conversation_id: int) -> int | None:
        """The other participant (None when a block stands between them); cached a minute
        per socket so that typing costs no query. ConversationNotFound for outsiders."""
        cached = self.others.get(conversation_id)
        if cached is None or cached[1] < time.monotonic():
            other_id = await self._db_other_participant(conversation_id)
            cached = self.others[conversation_id] = (
                other_id,
                time.monotonic() + ACCESS_CACHE_SECONDS,
            )
        return cached[0] if cached[0] > 0 else None

    @database_sync_to_async
    def _db_other_participant(self, conversation_id: int) -> int:
        conversation = selectors.conversation_for_user(self.user, conversation_id)
        other_id = conversation.other_user_id(self.user.pk)
        return -other_id if selectors.is_blocked(self.user.pk, other_id) else other_id

    async def _announce_presence(self, *, online: bool, last_seen) -> None:
        frame = frames.presence_frame(
            user_id=self.user.pk,
            online=online,
            last_seen=last_seen,
            timezone_name=self.user.timezone,
        )
        await group_send_safely(
            presence_group(self.user.pk), {"type": "inbox.frame", "frame": frame}
        )

    @database_sync_to_async
    def _db_presence_of(self, user_id: int) -> dict[str, Any]:
        last_seen, timezone_name = (
            get_user_model().objects.values_list("last_seen_at", "timezone").get(pk=user_id)
        )
        return frames.presence_frame(
            user_id=user_id,
            online=presence.is_online(user_id),
            last_seen=last_seen,
            timezone_name=timezone_name,
        )

    @database_sync_to_async
    def _db_record_last_seen(self):
        now = timezone.now()
        get_user_model().objects.filter(pk=self.user.pk).update(last_seen_at=now)
        return now

    @database_sync_to_async
    def _db_mark_read(self, conversation_id: int, seq: int) -> None:
        conversation = selectors.conversation_for_user(self.user, conversation_id)
        read_marks.mark_read(conversation=conversation, user=self.user, seq=seq)

    @database_sync_to_async
    def _db_sync(self, cursors: dict[int, int]) -> list[dict[str, Any]]:
        return selectors.sync_replies(self.user, cursors)

    @database_sync_to_async
    def _db_opening_state(self) -> tuple[bool, int, frozenset[int]]:
        return (
            is_account_suspended(self.user),
            selectors.unread_total(self.user),
            closed_conversation_ids(self.user),
        )

    @database_sync_to_async
    def _db_session_of_closed_account(self) -> bool:
        """True when the session names a user who exists but is deactivated or suspended
        (4403, not 4401): the login backends load neither (moderation.auth)."""
        session = self.scope.get("session")
        user_id = session.get(SESSION_KEY) if session is not None else None
        if user_id is None:
            return False
        user = get_user_model().objects.filter(pk=user_id).first()
        return user is not None and (not user.is_active or is_account_suspended(user))

    @database_sync_to_async
    def _db_session_problem(self) -> int | None:
        """Re-read the session and the account: a close code when either ended, else None."""
        session = self.scope.get("session")
        key = getattr(session, "session_key", None)
        fresh = session.__class__(session_key=key) if key else None
        user = get_user_model().objects.filter(pk=self.user.pk).first()
        if user is None or not user.is_active or is_account_suspended(user):
            return CLOSE_FORBIDDEN
        if (
            fresh is None
            or str(fresh.get(SESSION_KEY)) != str(user.pk)
            or fresh.get(BACKEND_SESSION_KEY) is None
        ):
            return CLOSE_UNAUTHENTICATED
        if not constant_time_compare(fresh.get(HASH_SESSION_KEY, ""), user.get_session_auth_hash()):
            return CLOSE_UNAUTHENTICATED  # the password changed, or logged out everywhere
        return None
