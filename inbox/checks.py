"""The checks a send passes before anything is stored, and the error every inbox write raises.

SendError carries a protocol error code (docs/protocol.md); its frame is inbox.frames'
`error`. The sanctions checked here are fields moderation keeps on the user model
(marketplace.User.suspended_until, messaging_restricted_until): the inbox reads them and
imports nothing from moderation.
"""

from __future__ import annotations

import hashlib
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from typing import Any, BinaryIO

from django.conf import settings
from django.core.files.base import ContentFile, File
from django.core.files.uploadedfile import UploadedFile
from django.db.models import Q
from django.utils import timezone

from core.contact_policy import OrderContext, get_contact_policy
from inbox.files import clean_file_name, detect_content_type, stored_name
from inbox.frames import error_frame
from inbox.models import Conversation
from inbox.protocol import is_id, is_identifier
from marketplace.models import SYSTEM_USERNAME, Order, User, has_no_end

__all__ = [
    "SendError",
    "AttachmentUpload",
    "CheckedFile",
    "forbidden_error",
    "unavailable_error",
    "overloaded_error",
    "check_body",
    "check_client_id",
    "has_visible_text",
    "check_attachment",
    "read_upload",
    "check_sender_sanctions",
    "is_account_suspended",
    "is_system_account",
    "takes_no_messages",
    "official_account_error",
    "check_recipient",
    "closed_conversation_ids",
    "takes_no_replies",
]


class SendError(Exception):
    """Why a message (or another inbox write) was refused; `code` is a protocol error code."""

    def __init__(self, code: str, message: str, **extra: Any) -> None:
        super().__init__(message)
        self.code, self.message, self.extra = code, message, extra

    def frame(self, *, client_id: str | None = None) -> dict[str, Any]:
        """The protocol's `error` frame (also the HTTP API's error body)."""
        return error_frame(self.code, self.message, client_id=client_id, **self.extra)

    def __repr__(self) -> str:
        return f"SendError({self.code!r}, {self.message!r})"


def forbidden_error() -> SendError:
    """Not found and not yours: the same answer."""
    return SendError("forbidden", "No such conversation.")


def unavailable_error() -> SendError:
    return SendError(
        "unavailable",
        "The server could not store the message just now; nothing was stored. Try again.",
    )


def overloaded_error() -> SendError:
    """Past a process's capacity: refused at once, retryable, instead of queueing without end."""
    return SendError(
        "unavailable",
        "The server is busy; nothing was stored. Try again in a second.",
        retry_after=1,
    )


@dataclass(frozen=True)
class AttachmentUpload:
    """A file to attach: bytes (seeds, tests) or a seekable binary file (an upload Django
    streamed to a temporary file: it is never read whole into memory)."""

    name: str
    content: bytes | BinaryIO


@dataclass(frozen=True)
class CheckedFile:
    name: str
    content: bytes | BinaryIO
    content_type: str
    sha256: str
    size: int

    def as_file(self) -> File:
        """What storage saves: the bytes, or the upload's file read in chunks."""
        if isinstance(self.content, bytes):
            return ContentFile(self.content)
        self.content.seek(0)
        return File(self.content)


# Sanctions ----------------------------------------------------------------------------------


def _sanction_until(until: datetime) -> datetime | None:
    return None if has_no_end(until) else until


def check_sender_sanctions(user, *, conversation: Conversation | None = None) -> None:
    """Raise SendError("restricted", ..., until=...) when `user` may not send messages now.

    The one place for moderation sanctions on messaging. Called for every sender of every
    batch, so it compares the times moderation denormalises onto the user (no query) and
    queries only for a restricted sender: they may still write in the conversation of an
    active order, to finish it.
    """
    now = timezone.now()
    if user.suspended_until is not None and user.suspended_until > now:
        raise SendError(
            "restricted", "Your account is suspended.", until=_sanction_until(user.suspended_until)
        )
    restricted_until = user.messaging_restricted_until
    if restricted_until is None or restricted_until <= now:
        return
    if (
        conversation is not None
        and conversation.order_id is not None
        and Order.objects.filter(
            pk=conversation.order_id, status__in=Order.ACTIVE_STATUSES
        ).exists()
    ):
        return
    raise SendError(
        "restricted",
        "Your messaging is restricted; you can still write about your active orders in their "
        "conversations.",
        until=_sanction_until(restricted_until),
    )


def is_system_account(user) -> bool:
    """The "gigbox" account that sends Trust & Safety notices."""
    return user.username == SYSTEM_USERNAME


def takes_no_messages(user) -> bool:
    """The system account, and staff who do not sell: nobody starts a conversation with them
    or writes to them (the system account's notices are system messages, not sends)."""
    return is_system_account(user) or (user.is_staff and not user.is_seller)


# One wording on every path (the form, the JSON API, the socket's `error` frame).
OFFICIAL_ACCOUNT_MESSAGE = (
    "Gigbox Trust & Safety and staff accounts do not take messages. To ask about a decision "
    "or to appeal, use your account page."
)


def official_account_error() -> SendError:
    return SendError("official_account", OFFICIAL_ACCOUNT_MESSAGE)


def check_recipient(conversation: Conversation, sender) -> None:
    """SendError("official_account") when `sender` writes to an account that takes no
    messages. The conversation of an order, or about a gig (which only its seller's side can
    attach), stays open: a staff member who buys hears from the seller."""
    if is_system_account(sender) or sender.pk not in conversation.user_ids():
        return  # not a participant: the send path's access check answers `forbidden`
    other_id = conversation.other_user_id(sender.pk)
    other = User.objects.select_related("seller_profile").filter(pk=other_id).first()
    if other is not None and takes_no_replies(conversation, other):
        raise official_account_error()


def takes_no_replies(conversation: Conversation, other) -> bool:
    """check_recipient's rule for the other side `other` (a loaded user): the thread page
    shows the refusal instead of the composer."""
    return is_system_account(other) or (
        takes_no_messages(other) and conversation.order_id is None and conversation.gig_id is None
    )


def closed_conversation_ids(sender) -> frozenset[int]:
    """`check_recipient`'s rule for all of `sender`'s conversations at once (one query): those
    whose other side takes no messages. A socket loads it when it opens, so that its sends
    are checked without a query each."""
    if is_system_account(sender):
        return frozenset()
    no_messages = User.objects.filter(
        Q(username=SYSTEM_USERNAME) | Q(is_staff=True, seller_profile__isnull=True)
    ).exclude(pk=sender.pk)
    system = Q(user_a__username=SYSTEM_USERNAME) | Q(user_b__username=SYSTEM_USERNAME)
    closed = (
        Conversation.objects.filter(Q(user_a_id=sender.pk) | Q(user_b_id=sender.pk))
        .filter(Q(user_a__in=no_messages) | Q(user_b__in=no_messages))
        .filter(system | Q(order_id__isnull=True, gig_id__isnull=True))
    )
    return frozenset(closed.values_list("pk", flat=True))


def is_account_suspended(user) -> bool:
    """True when the account is suspended: its sockets close with 4403. Moderation sets the
    time (and calls `disconnect_user` when it suspends someone); the suspension ends by itself."""
    return user.is_suspended()  # the one rule: marketplace.models.User.is_suspended


# Content ------------------------------------------------------------------------------------


def check_body(body: str, *, has_attachments: bool = False) -> None:
    """Length in code points, not empty (unless files carry the message), no NUL."""
    if not isinstance(body, str):
        raise SendError("invalid_frame", "body: expected text.")
    if "\x00" in body:
        raise SendError("invalid_frame", "body: the text contains a NUL character.")
    if not body.isascii():
        try:
            body.encode("utf-8")
        except (
            UnicodeEncodeError
        ):  # a lone surrogate: it would fail the batch's statement for every sender
            raise SendError("invalid_frame", "body: the text is not valid Unicode.") from None
    limit = settings.GIGBOX_MESSAGE_MAX_CHARS
    if len(body) > limit:
        raise SendError("too_long", f"The message is over {limit:,} characters.", limit=limit)
    if not has_attachments and not has_visible_text(body):
        raise SendError("empty", "The message is empty.")


# Letters that draw nothing (Hangul fillers, the blank Braille pattern): with format
# characters (Cf: zero-width spaces and joiners, bidi marks), combining marks that have no
# base (U+034F, U+17B4, variation selectors, accents alone) and spaces, they make an empty bubble.
_BLANK_LETTERS = frozenset("\u115f\u1160\u3164\uffa0\u2800")
_INVISIBLE_CATEGORIES = frozenset({"Cf", "Cc", "Mn", "Mc", "Me"})


def has_visible_text(text: str) -> bool:
    """True when `text` draws at least one character: the one test for an `empty` body or
    label. A mark with no base draws nothing (one with a base has a visible base)."""
    return any(
        not ch.isspace()
        and ch not in _BLANK_LETTERS
        and unicodedata.category(ch) not in _INVISIBLE_CATEGORIES
        for ch in text
    )


def check_client_id(client_id: str) -> None:
    """At most 64 characters of text fit for a column and a frame: no lone surrogate, NUL or
    control character (issue 17: one such client_id failed a whole batch). Empty: no key."""
    if not isinstance(client_id, str) or len(client_id) > 64:
        raise SendError("invalid_frame", "client_id: expected at most 64 characters.")
    if client_id and not is_identifier(client_id):
        raise SendError("invalid_frame", "client_id: expected text without control characters.")


def check_request_shape(conversation_id: object, client_id: object) -> None:
    """The fields the batch's shared reads use, checked before them: a conversation id past
    a bigint or a client_id no column takes failed every request of the batch (issue 17)."""
    if not is_id(conversation_id):
        raise forbidden_error()  # no such conversation, as for any id that is not the sender's
    check_client_id(client_id)  # type: ignore[arg-type]


def check_attachment(
    upload: AttachmentUpload, order: OrderContext | None = None, writer_id: int | None = None
) -> CheckedFile:
    """Size, type by content and a name without contact details (unless they are the work of
    `order`, sent by `writer_id`: core.contact_policy.details_are_work), or SendError."""
    name = clean_file_name(upload.name)
    limit = settings.GIGBOX_ATTACHMENT_MAX_BYTES
    if not name:
        raise SendError("invalid_attachment", "The file needs a name.")
    size = _size(upload.content)
    if size > limit:
        raise _oversize_error(name)
    if not size:
        raise SendError("invalid_attachment", f"{name} is empty.")
    content_type = detect_content_type(upload.content, name)
    if content_type is None:
        raise SendError(
            "invalid_attachment",
            f"{name}: only images, PDF, Office documents, zip and plain text files can be sent.",
        )
    name = stored_name(content_type, name)
    if get_contact_policy().file_name_has_contact(name, order=order, writer_id=writer_id):
        raise SendError(
            "invalid_attachment", "The file name contains contact details: rename the file."
        )
    return CheckedFile(name, upload.content, content_type, _sha256(upload.content), size)


def _size(content: bytes | BinaryIO) -> int:
    if isinstance(content, bytes):
        return len(content)
    size = content.seek(0, 2)
    content.seek(0)
    return size


def _sha256(content: bytes | BinaryIO) -> str:
    """The digest, reading a file in 1 MiB chunks (an upload stays on disk)."""
    if isinstance(content, bytes):
        return hashlib.sha256(content).hexdigest()
    digest = hashlib.sha256()
    content.seek(0)
    while chunk := content.read(1024 * 1024):
        digest.update(chunk)
    content.seek(0)
    return digest.hexdigest()


def _oversize_error(name: str) -> SendError:
    limit = settings.GIGBOX_ATTACHMENT_MAX_BYTES
    return SendError(
        "invalid_attachment", f"{name} is over {limit // (1024 * 1024)} MB.", limit=limit
    )


def read_upload(upload: UploadedFile) -> AttachmentUpload:
    """An uploaded file (HTML form, API), refused by its size before it is read. It stays
    where Django streamed it (a temporary file past FILE_UPLOAD_MAX_MEMORY_SIZE): the checks
    read its ends and hash it in chunks, and storage copies it in chunks. The other checks
    (and the size again) are check_attachment's, on the send path, after the rate limit."""
    if upload.size is not None and upload.size > settings.GIGBOX_ATTACHMENT_MAX_BYTES:
        raise _oversize_error(clean_file_name(upload.name or "") or "The file")
    return AttachmentUpload(name=upload.name or "", content=upload.file)
