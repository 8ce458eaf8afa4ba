"""Flags open on a message: from the detector (in the send transaction) and from users'
reports (one open flag per message). Each flag keeps a snapshot of the message and the
NEIGHBOURS before it, as they stood when it was flagged. moderation.services re-exports
these writes; the inbox reaches flag_detected_messages through its extension point.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db import IntegrityError, transaction
from django.db.models import Q

from inbox.chain import format_timestamp
from inbox.checks import SendError
from inbox.models import Message
from moderation.models import (
    Flag,
    FlagReport,
)

NEIGHBOURS = 3  # messages before the flagged one kept in its snapshot


def _snapshot_entry(message: Message) -> dict[str, object]:
    return {
        "id": message.pk,
        "seq": message.seq,
        "kind": message.kind,
        "sender_id": message.sender_id,
        "body": message.body,
        "delivered_body": message.delivered_body,
        "created_at": format_timestamp(message.created_at),
    }


def _snapshots(messages: Sequence[Message]) -> dict[int, dict[str, object]]:
    """Each message with the NEIGHBOURS before it, as they stood when flagged (one query)."""
    query = Q()
    for message in messages:
        query |= Q(
            conversation_id=message.conversation_id,
            seq__gte=message.seq - NEIGHBOURS,
            seq__lte=message.seq,
        )
    rows: dict[int, list[Message]] = {}
    for row in Message.objects.filter(query).order_by("conversation_id", "seq"):
        rows.setdefault(row.conversation_id, []).append(row)
    return {
        message.pk: {
            "conversation_id": message.conversation_id,
            "message_id": message.pk,
            "messages": [
                _snapshot_entry(row)
                for row in rows.get(message.conversation_id, [])
                if message.seq - NEIGHBOURS <= row.seq <= message.seq
            ],
        }
        for message in messages
    }


def _kinds_and_rules(message: Message) -> tuple[list[str], list[str]]:
    kinds = sorted({str(finding.get("kind")) for finding in message.findings})
    rules = sorted({str(finding.get("rule")) for finding in message.findings})
    return kinds, rules


@transaction.atomic
def flag_detected_messages(*, messages: Sequence[Message]) -> list[Flag]:
    """Open a detector flag for each masked message (stored, with pks); one insert."""
    snapshots = _snapshots(messages)
    flags = []
    for message in messages:
        kinds, rules = _kinds_and_rules(message)
        flags.append(
            Flag(
                message=message,
                source=Flag.Source.DETECTOR,
                kinds=kinds,
                rules=rules,
                snapshot=snapshots[message.pk],
            )
        )
    return Flag.objects.bulk_create(flags)


def flag_detected_message(*, message: Message) -> Flag:
    return flag_detected_messages(messages=[message])[0]


def _open_flag(message: Message) -> Flag:
    flag = Flag.objects.select_for_update().filter(message=message, status=Flag.Status.OPEN).first()
    if flag is not None:
        return flag
    try:
        with transaction.atomic():
            return Flag.objects.create(
                message=message,
                source=Flag.Source.REPORT,
                snapshot=_snapshots([message])[message.pk],
            )
    except IntegrityError:  # reported by someone else at the same moment
        return Flag.objects.get(message=message, status=Flag.Status.OPEN)


def already_reported() -> SendError:
    return SendError("already_reported", "You already reported this message.")


@transaction.atomic
def report_message(*, reporter, message: Message, reason: str, note: str = "") -> FlagReport:
    """Record `reporter`'s report on the message's open flag (opened if need be). One report
    per user per message, on every path (a unique constraint too): a second one raises
    SendError("already_reported") and counts nothing.

    Who may report is checked by moderation.reports.report_received_message; this only files it.
    """
    report = FlagReport(message=message, reporter=reporter, reason=reason, note=note.strip())
    report.full_clean(exclude=["flag"], validate_constraints=False)
    if FlagReport.objects.filter(message=message, reporter=reporter).exists():
        raise already_reported()
    report.flag = _open_flag(message)
    try:
        with transaction.atomic():
            report.save()
    except IntegrityError:  # the same user's report a moment ago, on another request
        raise already_reported() from None
    return report
