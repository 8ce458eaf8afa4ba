"""Where the apps above the inbox act in it: named extension points, no signals.

The inbox never imports moderation, deals or disputes; each of them registers here in its
`AppConfig.ready()`, and the inbox calls what is registered at the one place named below.

- Masked messages (`add_masked_messages_listener`): called by the send path
  (inbox.drafts.write_related) with the stored messages whose text had contact details
  masked, inside the send transaction. Filled by moderation (a detector flag per message).
- Chain anchors (`add_chain_anchor_source`): read by inbox.verification.check_conversation,
  which checks each anchor against the stored chain. Filled by disputes (signed head
  checkpoints).
- Message extras (`add_message_extra`): extra keys of a message's protocol object
  (inbox.frames.message_object), computed from what was selected with the message, never
  a query. Filled by deals (`offer`: the custom offer a system message announces).
- Staff reads (`add_staff_read_recorder`): inbox.api.attachment calls them before a staff
  member who is not a party gets a file; a recorder refuses by raising PermissionDenied (or
  ValidationError: a reason too short), and with none registered every staff read is
  refused. Filled by moderation (the staff access log).
- Staff evidence sources (`add_staff_evidence_source`): through what (a flag, a report, a
  dispute) a staff member who is not a party may reach a message's files; with none, the
  file answers 404 as for an outsider. Filled by moderation (flags and the reports on them)
  and disputes (the case conversations of a dispute).
- Composer actions (`add_composer_action_source`): links shown beside the thread's composer
  (inbox.presentation.thread_context), e.g. deals' "Create an offer" for a seller.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from django.core.exceptions import PermissionDenied

if TYPE_CHECKING:
    from inbox.models import Message


def _add(registry: list, item) -> None:
    """Append once: a second ready() (tests, reloads) must not run an effect twice."""
    if item not in registry:
        registry.append(item)


# Masked messages -----------------------------------------------------------------------------


class MaskedMessagesListener(Protocol):
    def __call__(self, *, messages: Sequence[Message]) -> object: ...


_masked_messages_listeners: list[MaskedMessagesListener] = []


def add_masked_messages_listener(listener: MaskedMessagesListener) -> None:
    _add(_masked_messages_listeners, listener)


def masked_messages_stored(*, messages: Sequence[Message]) -> None:
    """Called inside the send transaction with the stored (pk'd) messages that were masked."""
    for listener in _masked_messages_listeners:
        listener(messages=messages)


# Chain anchors ---------------------------------------------------------------------------------


class Anchor(Protocol):
    """A (seq, hash) of a conversation's chain recorded outside the messages table."""

    @property
    def seq(self) -> int: ...


class AnchorProblem(Protocol):
    """The first anchor that fails: the rewrite is at or before `seq`."""

    @property
    def seq(self) -> int: ...

    def describe(self) -> str: ...


@dataclass(frozen=True)
class ChainAnchorSource:
    """`anchors(conversation_id)` in seq order; `first_problem(anchors, stored_hashes)` gives
    the first anchor the stored chain (seq -> stored hash, read up to the head) does not hold,
    or whose own proof (a signature) fails, else None."""

    anchors: Callable[[int], Sequence[Anchor]]
    first_problem: Callable[[Sequence[Anchor], Mapping[int, str]], AnchorProblem | None]


_chain_anchor_sources: list[ChainAnchorSource] = []


def add_chain_anchor_source(source: ChainAnchorSource) -> None:
    _add(_chain_anchor_sources, source)


def chain_anchor_sources() -> tuple[ChainAnchorSource, ...]:
    return tuple(_chain_anchor_sources)


# Message extras --------------------------------------------------------------------------------

MessageExtra = Callable[["Message"], object | None]
_message_extras: dict[str, MessageExtra] = {}


def add_message_extra(key: str, extra: MessageExtra) -> None:
    """`extra(message)` gives the value of `key` in the message's object, or None to leave
    the key out. One app per key."""
    if _message_extras.get(key, extra) is not extra:
        raise ValueError(f"message extra {key!r} is already registered")
    _message_extras[key] = extra


def message_extras(message: Message) -> dict[str, object]:
    values = {key: extra(message) for key, extra in _message_extras.items()}
    return {key: value for key, value in values.items() if value is not None}


# Staff reads -----------------------------------------------------------------------------------


class StaffReadRecorder(Protocol):
    def __call__(
        self, *, staff, message: Message, reason: str, reference: str, action: str
    ) -> object: ...


_staff_read_recorders: list[StaffReadRecorder] = []


def add_staff_read_recorder(recorder: StaffReadRecorder) -> None:
    _add(_staff_read_recorders, recorder)


def record_staff_read(
    *, staff, message: Message, reason: str, reference: str, action: str = "attachment"
) -> None:
    """Record a staff member's read of `message`'s evidence before it is shown; raises
    PermissionDenied when a recorder refuses or when nothing can record it (ValidationError
    for a reason the log does not accept)."""
    if not _staff_read_recorders:
        raise PermissionDenied("No staff access log is installed.")
    for recorder in _staff_read_recorders:
        recorder(staff=staff, message=message, reason=reason, reference=reference, action=action)


# Staff evidence sources ----------------------------------------------------------------------

StaffEvidenceSource = Callable[..., Sequence[str]]
_staff_evidence_sources: list[StaffEvidenceSource] = []


def add_staff_evidence_source(source: StaffEvidenceSource) -> None:
    """`source(staff=, message=)` gives the references ("flag:12", "dispute:3") through which
    this staff member may read the message's evidence, or none."""
    _add(_staff_evidence_sources, source)


def staff_evidence_references(*, staff, message: Message) -> list[str]:
    """Every reference through which `staff` reaches `message`; empty: not theirs to read."""
    return [
        ref for source in _staff_evidence_sources for ref in source(staff=staff, message=message)
    ]


# Composer actions ----------------------------------------------------------------------------


@dataclass(frozen=True)
class ComposerAction:
    label: str  # the accessible name and tooltip
    url: str
    short_label: str  # shown beside the icon where the composer has room


ComposerActionSource = Callable[..., Sequence[ComposerAction]]
_composer_action_sources: list[ComposerActionSource] = []


def add_composer_action_source(source: ComposerActionSource) -> None:
    """`source(user=, conversation=)` gives the links `user` gets beside this thread's composer."""
    _add(_composer_action_sources, source)


def composer_actions(*, user, conversation) -> list[ComposerAction]:
    return [
        action
        for source in _composer_action_sources
        for action in source(user=user, conversation=conversation)
    ]
