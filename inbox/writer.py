"""One writer task per server process: concurrent sends are stored in one transaction.

Channels runs every ORM call of a process on one thread, so storing messages one by one
caps a process at a few hundred a second. The writer takes the `message.send` frames of
every socket of the process, takes those queued when it is free (up to MAX_BATCH),
stores them with one `send_messages` call, and after the commit puts the batch's
`message.new` in the queues of this process's sockets, answers each sender, and then
publishes the batch, in order, for the other processes.

On shutdown (config/lifecycle.py) the writer's DRAIN hook waits until every send it
accepted is stored (or refused) and answered, and the pushes of the last batch are done;
the consumers close with 1001 only after that.
"""

from __future__ import annotations

import asyncio
import logging
import weakref
from collections.abc import Awaitable

from asgiref.sync import sync_to_async
from django.db import connection

from config import lifecycle
from inbox.away import send_away_replies
from inbox.checks import overloaded_error, unavailable_error
from inbox.faults import crash_after_commit
from inbox.push import broadcast
from inbox.send import Outcome, SendRequest, SentMessage, send_messages

logger = logging.getLogger(__name__)

__all__ = ["MessageWriter", "get_writer"]

MAX_BATCH = 100
# No timed wait for a batch to fill: the sends that arrive while one batch is written form the
# next (group commit). A wait would add its length to every message at low rates and buy
# nothing at high ones, where batches fill while the previous one is written.
MAX_WAIT = 0.0  # seconds
# Sends waiting for a batch beyond which new ones are refused at once with a retryable
# `unavailable` (retry_after 1 s): a bounded wait rather than an unbounded queue. Never a
# silent drop: every send gets its ack or an error.
MAX_QUEUED = 2000
# On shutdown, how long the last batch's pushes may take: a lost live frame is caught up by
# `sync`, so it must not hold the process (the stage deadline bounds the whole drain anyway).
DRAIN_BROADCAST_SECONDS = 2.0


class MessageWriter:
    def __init__(
        self,
        *,
        max_batch: int = MAX_BATCH,
        max_wait: float = MAX_WAIT,
        max_queued: int = MAX_QUEUED,
    ) -> None:
        self.max_batch, self.max_wait, self.max_queued = max_batch, max_wait, max_queued
        self._queue: asyncio.Queue[tuple[SendRequest, asyncio.Future[Outcome]]] = asyncio.Queue()
        self._task: asyncio.Task | None = None
        self._publishing: asyncio.Task | None = None
        # Sends accepted and not answered yet (queued, waiting for a batch, or being stored).
        self._unanswered: set[asyncio.Future[Outcome]] = set()
        self._drain_hook: lifecycle.HookHandle | None = None

    async def submit(self, request: SendRequest) -> Outcome:
        """Store `request` with whatever else is being sent now; its outcome after commit."""
        # Shielded: a sender that goes away does not cancel the future, so `drain` still
        # waits for the batch that holds its request to be stored.
        return await asyncio.shield(self.enqueue(request))

    def enqueue(self, request: SendRequest) -> asyncio.Future[Outcome]:
        """Queue `request` and return at once the future of its outcome (set after commit):
        a socket reads its next frame while this one is stored (inbox.consumers)."""
        if self._queue.qsize() >= self.max_queued:
            refused: asyncio.Future[Outcome] = asyncio.get_running_loop().create_future()
            refused.set_result(overloaded_error())
            return refused
        if self._task is None or self._task.done():
            self._task = asyncio.get_running_loop().create_task(self._run(), name="inbox-writer")
        if self._drain_hook is None:
            self._drain_hook = lifecycle.on_shutdown(self.drain, stage=lifecycle.DRAIN)
        future: asyncio.Future[Outcome] = asyncio.get_running_loop().create_future()
        self._queue.put_nowait((request, future))
        self._unanswered.add(future)
        future.add_done_callback(self._unanswered.discard)
        return future

    async def drain(self, *, broadcast_timeout: float = DRAIN_BROADCAST_SECONDS) -> None:
        """The DRAIN shutdown hook: return once every accepted send has its outcome (stored
        and committed, or refused) and the pushes of the last batch are done (bounded)."""
        while self._unanswered:
            await asyncio.wait(set(self._unanswered))
        # `_run` starts a batch's pushes right after answering it, with no await in between.
        if self._publishing is not None and not self._publishing.done():
            await asyncio.wait([self._publishing], timeout=broadcast_timeout)

    async def _next_batch(self) -> list[tuple[SendRequest, asyncio.Future[Outcome]]]:
        batch = [await self._queue.get()]
        if self._queue.qsize() < self.max_batch - 1:
            # Let the sends of other sockets join: those already read in this turn of the
            # loop (sleep(0)), or those of the next `max_wait` seconds when it is set.
            await asyncio.sleep(self.max_wait)
        while len(batch) < self.max_batch and not self._queue.empty():
            batch.append(self._queue.get_nowait())
        return batch

    async def _run(self) -> None:
        while True:
            batch = await self._next_batch()
            outcomes = await self._store([request for request, _ in batch])
            crash_after_commit(
                sum(isinstance(o, SentMessage) and not o.duplicate for o in outcomes)
            )  # tests only (inbox/faults.py)
            fresh = [o for o in outcomes if isinstance(o, SentMessage) and not o.duplicate]
            # This process's recipients first, then the acks: both wait for the event loop,
            # and the recipients' frames, queued first, go out first.
            publishing = broadcast(fresh) if fresh else None
            for (_, future), outcome in zip(batch, outcomes, strict=True):
                if not future.done():
                    future.set_result(outcome)
            if publishing is not None:
                self._publish_in_order(publishing)

    async def _store(self, requests: list[SendRequest]) -> list[Outcome]:
        try:
            return await _send_on_database_thread(requests)
        except Exception:  # the writer must outlive any failure: nothing was acked
            logger.exception("storing a batch of %d messages failed", len(requests))
            return [unavailable_error()] * len(requests)

    def _publish_in_order(self, publishing: Awaitable[None]) -> None:
        """Publish while the next batch is written, but never before the previous batch's
        publishes (one pipeline per batch: inbox.channel_layer)."""
        previous = self._publishing

        async def publish() -> None:
            if previous is not None and not previous.done():  # asyncio.wait would still yield once
                await asyncio.wait([previous])
            await publishing

        self._publishing = asyncio.get_running_loop().create_task(publish())


@sync_to_async(thread_sensitive=True)
def _send_on_database_thread(requests: list[SendRequest]) -> list[Outcome]:
    """`send_messages` on the process's database thread, keeping its connection between
    batches. Channels' `database_sync_to_async` closes the connection around every call,
    which with the pool is a check-in and a check-out per batch. A connection that failed is
    closed (the pool drops a broken one), so the next batch starts on a good one; the
    consumers' database calls, on the same thread, still close it around theirs."""
    try:
        outcomes = send_messages(requests)
        send_away_replies(outcomes)  # after the batch: the send path's statements stay its own
        return outcomes
    finally:
        if connection.errors_occurred:
            connection.close_if_unusable_or_obsolete()


_writers: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, MessageWriter] = (
    weakref.WeakKeyDictionary()
)


def get_writer() -> MessageWriter:
    """The writer of the running event loop (one per server process)."""
    loop = asyncio.get_running_loop()
    writer = _writers.get(loop)
    if writer is None:
        writer = _writers[loop] = MessageWriter()
    return writer
