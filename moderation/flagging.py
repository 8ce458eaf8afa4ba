"""Flags open on a message: from the detector (in the send transaction) and from users'
reports (one open flag per message). Each flag keeps a snapshot of the message and the
NEIGHBOURS before it, as they stood when it was flagged, and joins its case (assign_cases).
moderation.services re-exports these writes; the inbox reaches flag_detected_messages
through its extension point.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q

from config import clock
from core.contact_policy import review_priority, review_rule
from inbox.chain import format_timestamp
from inbox.checks import SendError
from inbox.models import Message
from moderation.contact_search import values_text
from moderation.models import (
    Case,
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


def author_id(message: Message) -> int | None:
    """Who wrote what a flag is about: the sender, or for a system line that carries a
    user's words (an order's requirements, recorded as work content) their writer."""
    if message.sender_id is not None:
        return message.sender_id
    writers = {finding.get("writer_id") for finding in message.findings or []}
    writer = writers.pop() if len(writers) == 1 else None
    return writer if isinstance(writer, int) else None


def case_window() -> timedelta:
    return timedelta(hours=getattr(settings, "GIGBOX_CASE_WINDOW_HOURS", 24))


def assign_cases(flags: Sequence[Flag]) -> None:
    """Give each new (unsaved) flag its case: the open case of its sender and conversation
    opened within the window, else a new one. One select, at most one insert and one update."""
    if not flags:
        return
    now = clock.now()
    keys = {(author_id(flag.message), flag.message.conversation_id) for flag in flags}
    query = Q()
    for sender_id, conversation_id in keys:
        query |= Q(sender_id=sender_id, conversation_id=conversation_id)
    cases: dict[tuple[int | None, int], Case] = {}
    open_cases = Case.objects.filter(
        query, status=Case.Status.OPEN, opened_at__gte=now - case_window()
    ).order_by("opened_at", "id")
    for case in open_cases:
        cases.setdefault((case.sender_id, case.conversation_id), case)
    joined = [case.pk for case in cases.values()]
    missing = [key for key in keys if key not in cases]
    created = Case.objects.bulk_create(
        [
            Case(sender_id=sender_id, conversation_id=conversation_id, opened_at=now)
            for sender_id, conversation_id in missing
        ]
    )
    cases.update(zip(missing, created, strict=True))
    if joined:
        Case.objects.filter(pk__in=joined).update(last_flag_at=now)
    for flag in flags:
        flag.case = cases[(author_id(flag.message), flag.message.conversation_id)]


def decide_case(case: Case, *, moderator, status: str, note: str, now) -> None:
    case.status, case.decided_by, case.decided_at, case.decision_note = (
        status,
        moderator,
        now,
        note,
    )
    case.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])


def close_case_if_done(flag: Flag, *, moderator) -> None:
    """After a single flag's decision (the flag review page): its case closes with its last
    open flag, taking that flag's outcome."""
    case = flag.case
    if case is None or case.status != Case.Status.OPEN:
        return
    if case.flags.filter(status=Flag.Status.OPEN).exists():
        return
    status = (
        Case.Status.CONFIRMED
        if case.flags.filter(status=Flag.Status.CONFIRMED).exists()
        else Case.Status.DISMISSED
    )
    decide_case(case, moderator=moderator, status=status, note="", now=clock.now())


def _kinds_and_rules(message: Message) -> tuple[list[str], list[str]]:
    kinds = sorted({str(finding.get("kind")) for finding in message.findings})
    rules = sorted({review_rule(finding) for finding in message.findings})
    return kinds, rules


@transaction.atomic
def flag_detected_messages(*, messages: Sequence[Message]) -> list[Flag]:
    """Open a detector flag for each message with findings (stored, with pks); one insert.
    Masked details are high priority; tier-2 intents and details let through as an order's
    work (delivered as written) are low (core.contact_policy.review_priority)."""
    snapshots = _snapshots(messages)
    flags = []
    for message in messages:
        kinds, rules = _kinds_and_rules(message)
        flags.append(
            Flag(
                message=message,
                source=Flag.Source.DETECTOR,
                priority=review_priority(message.findings),
                kinds=kinds,
                rules=rules,
                contact_values=values_text(message.findings),
                snapshot=snapshots[message.pk],
            )
        )
    assign_cases(flags)
    return Flag.objects.bulk_create(flags)


def flag_detected_message(*, message: Message) -> Flag:
    return flag_detected_messages(messages=[message])[0]


def _open_flag(message: Message) -> Flag:
    flag = Flag.objects.select_for_update().filter(message=message, status=Flag.Status.OPEN).first()
    if flag is not None:
        return flag
    try:
        with transaction.atomic():
            flag = Flag(
                message=message,
                source=Flag.Source.REPORT,
                contact_values=values_text(message.findings),
                snapshot=_snapshots([message])[message.pk],
            )
            assign_cases([flag])
            flag.save()
            return flag
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
