"""Every write of disputes: parties open, answer and add evidence; reviewers note, take,
resolve and read (each staff read leaves a row in moderation's staff access log).

Each function is keyword-only and runs in one transaction: the order's step (through the
transition table, with its timeline event), the dispute rows and the system message in the
order's conversation are stored together or not at all. A refused step raises
OrderTransitionError, bad input ValidationError, a user who may not act PermissionDenied.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from config import clock
from core.timestamps import stamp
from disputes.checkpoints import checkpoint_case_conversations
from disputes.models import Dispute, DisputeEntry, DisputeNote, Outcome
from disputes.order_steps import DISPUTE, resolve_action
from inbox.checks import AttachmentUpload, SendError, check_attachment
from inbox.models import Conversation
from marketplace.models import Order, User
from marketplace.order_flow import check_transition
from marketplace.services import take_order_step

__all__ = [
    "open_dispute",
    "answer_dispute",
    "add_evidence",
    "add_dispute_note",
    "assign_dispute",
    "resolve_dispute",
    "record_case_file_access",
    "record_file_access",
    "record_export",
]

CENT = Decimal("0.01")


# Parties -------------------------------------------------------------------------------------


def outcome_terms(
    outcome: str, refund_percent: int | None, extra_days: int | None, *, outcome_field: str
) -> tuple[int | None, int | None]:
    """The percentage and days that go with `outcome` (and only with it), or ValidationError.
    The same rule for what a party asks and what a reviewer decides."""
    if outcome not in Outcome.values:
        raise ValidationError({outcome_field: "Choose an outcome."})
    if outcome == Outcome.PARTIAL_REFUND and not refund_percent:
        raise ValidationError(
            {"refund_percent": "Give the percentage of the price to refund (1 to 99)."}
        )
    if outcome == Outcome.MORE_TIME and not extra_days:
        raise ValidationError({"extra_days": "Give the number of extra days (1 to 30)."})
    return (
        refund_percent if outcome == Outcome.PARTIAL_REFUND else None,
        extra_days if outcome == Outcome.MORE_TIME else None,
    )


def _add_entry(
    dispute: Dispute, author: User, kind: str, body: str, upload: AttachmentUpload | None
) -> DisputeEntry:
    """Store what a party said, with its file checked like an inbox attachment."""
    entry = DisputeEntry(dispute=dispute, author=author, kind=kind, body=body.strip())
    if not entry.body:
        raise ValidationError({"body": "Write something: say what happened."})
    entry.full_clean(exclude=["file"])
    if upload is None:
        entry.save()
        return entry
    try:
        checked = check_attachment(upload)
    except SendError as error:
        raise ValidationError({"file": error.message}) from None
    entry.file_name, entry.file_size = checked.name, checked.size
    entry.content_type, entry.sha256 = checked.content_type, checked.sha256
    entry.file.save(checked.name, checked.as_file(), save=False)
    try:
        entry.save()
    except Exception:
        entry.file.delete(save=False)  # a refused write must not leave the file behind
        raise
    return entry


def _locked_open(dispute: Dispute) -> Dispute:
    locked = Dispute.objects.select_for_update().select_related("order").get(pk=dispute.pk)
    if not locked.is_open:
        raise ValidationError(
            "This dispute is resolved: nothing more can be added.", code="resolved"
        )
    return locked


def _check_party(dispute: Dispute, user: User) -> None:
    if not dispute.order.is_party(user):
        raise PermissionDenied("Only the buyer or the seller of this order can do that.")


@transaction.atomic
def open_dispute(
    *,
    order: Order,
    opener: User,
    reason: str,
    requested_outcome: str,
    statement: str,
    refund_percent: int | None = None,
    extra_days: int | None = None,
    upload: AttachmentUpload | None = None,
) -> Dispute:
    """Put the order on hold ("disputed") and file the opener's case; the other side is told
    in the order's conversation."""
    refund_percent, extra_days = outcome_terms(
        requested_outcome, refund_percent, extra_days, outcome_field="requested_outcome"
    )
    # Locked and checked first: the status recorded is the one the step leaves from, and a
    # refused step says why before anything is written.
    locked = Order.objects.select_for_update().get(pk=order.pk)
    check_transition(locked, DISPUTE, opener)
    dispute = Dispute(
        order=locked,
        opened_by=opener,
        reason=reason,
        requested_outcome=requested_outcome,
        requested_refund_percent=refund_percent,
        requested_extra_days=extra_days,
        order_status_before=locked.status,
    )
    dispute.full_clean()
    dispute.save()
    _add_entry(dispute, opener, DisputeEntry.Kind.STATEMENT, statement, upload)
    # The timeline event's note is also the system message both parties get (inbox.order_events).
    note = (
        f"Dispute #{dispute.pk}: {dispute.get_reason_display().lower()}. "
        "The order is on hold until a "
        "Gigbox reviewer decides; both sides can add evidence on the order's dispute page."
    )
    dispute.order = take_order_step(order=order, action=DISPUTE, actor=opener, note=note)
    # Anchor every conversation of the case as it stands now (the dispute's system message
    # included): a later rewrite of one, even a full recomputation, contradicts its signature.
    checkpoint_case_conversations(dispute.order, occasion="dispute opening")
    return dispute


@transaction.atomic
def answer_dispute(
    *, dispute: Dispute, author: User, body: str, upload: AttachmentUpload | None = None
) -> DisputeEntry:
    """The other party's side of the story (once; anything later is evidence)."""
    locked = _locked_open(dispute)
    _check_party(locked, author)
    if author.pk == locked.opened_by_id:
        raise ValidationError(
            "You opened this dispute: add evidence instead; the other side answers.", code="opener"
        )
    if locked.answered_at is not None:
        raise ValidationError("You have already answered: add evidence instead.", code="answered")
    entry = _add_entry(locked, author, DisputeEntry.Kind.ANSWER, body, upload)
    locked.answered_at = clock.now()
    locked.save(update_fields=["answered_at"])
    dispute.refresh_from_db()
    return entry


@transaction.atomic
def add_evidence(
    *, dispute: Dispute, author: User, body: str, upload: AttachmentUpload | None = None
) -> DisputeEntry:
    """A message (and optionally a file) for the reviewer, seen by both parties."""
    locked = _locked_open(dispute)
    _check_party(locked, author)
    return _add_entry(locked, author, DisputeEntry.Kind.EVIDENCE, body, upload)


# Reviewers -----------------------------------------------------------------------------------


def _check_reviewer(user: User, permission: str) -> None:
    """Active, not suspended staff holding `disputes.<permission>` (the Dispute reviewers
    group has it). Suspended: a staff session may outlive the suspension."""
    from moderation.services import is_active_staff

    if not (is_active_staff(user) and user.has_perm(f"disputes.{permission}")):
        raise PermissionDenied("Only dispute reviewers can do that.")


@transaction.atomic
def add_dispute_note(*, dispute: Dispute, author: User, body: str) -> DisputeNote:
    """An internal note for the reviewers: the parties never see it."""
    _check_reviewer(author, "add_disputenote")
    note = DisputeNote(dispute=dispute, author=author, body=body.strip())
    if not note.body:
        raise ValidationError({"body": "The note is empty."})
    note.full_clean()
    note.save()
    return note


@transaction.atomic
def assign_dispute(*, dispute: Dispute, reviewer: User) -> Dispute:
    """ "Assign to me": the reviewer takes the case (from whoever had it)."""
    _check_reviewer(reviewer, "change_dispute")
    locked = _locked_open(dispute)
    locked.assigned_to = reviewer
    locked.save(update_fields=["assigned_to"])
    dispute.refresh_from_db()
    return dispute


def _order_changes(
    order: Order, resolution: str, refund_percent: int | None, extra_days: int | None, now: datetime
) -> dict[str, object]:
    """What the resolution does to the order's fields (its status comes from the table)."""
    if resolution in (Outcome.REFUND, Outcome.CANCEL):
        return {"refunded_amount": order.price, "closed_at": now}
    if resolution == Outcome.PARTIAL_REFUND:
        amount = (order.price * Decimal(refund_percent) / 100).quantize(
            CENT, rounding=ROUND_HALF_UP
        )
        return {"refunded_amount": amount, "closed_at": now}
    if resolution == Outcome.MORE_TIME:
        start = max(order.due_at or now, now)
        return {"due_at": start + timedelta(days=extra_days)}
    return {"closed_at": now}  # release: the seller is paid in full


def _summary(dispute: Dispute, changes: dict[str, object]) -> str:
    """One sentence both parties read: what was decided and what it does to the order."""
    if dispute.resolution == Outcome.PARTIAL_REFUND:
        effect = (
            f"partial refund of {dispute.refund_percent}% "
            f"(${changes['refunded_amount']} back to the buyer); "
            "the order is completed"
        )
    elif dispute.resolution in (Outcome.REFUND, Outcome.CANCEL):
        word = "full refund" if dispute.resolution == Outcome.REFUND else "cancelled by agreement"
        effect = f"{word} (${changes['refunded_amount']} back to the buyer); the order is cancelled"
    elif dispute.resolution == Outcome.MORE_TIME:
        effect = (
            f"{dispute.extra_days} more day{'s' if dispute.extra_days != 1 else ''} "
            "for the seller; "
            f"the order is back in progress, due {stamp(changes['due_at'])}"
        )
    else:
        effect = "payment released to the seller; the order is completed"
    return f"Dispute #{dispute.pk}: {effect[0].upper()}{effect[1:]}."


@transaction.atomic
def resolve_dispute(
    *,
    dispute: Dispute,
    reviewer: User,
    resolution: str,
    note: str,
    refund_percent: int | None = None,
    extra_days: int | None = None,
) -> Dispute:
    """Decide the dispute: the order takes the matching step and both parties read the
    decision and the reviewer's note as a system message in the order's conversation (the
    timeline event's note: marketplace's event seam posts it, inbox.order_events)."""
    _check_reviewer(reviewer, "change_dispute")
    locked = _locked_open(dispute)
    note = note.strip()
    if not note:
        raise ValidationError({"note": "Write a note for both parties: it explains the decision."})
    terms = outcome_terms(resolution, refund_percent, extra_days, outcome_field="resolution")
    now = clock.now()
    locked.status, locked.resolution, locked.resolution_note = (
        Dispute.Status.RESOLVED,
        resolution,
        note,
    )
    locked.refund_percent, locked.extra_days = terms
    locked.resolved_by, locked.resolved_at = reviewer, now
    changes = _order_changes(
        locked.order, resolution, locked.refund_percent, locked.extra_days, now
    )
    locked.refunded_amount = changes.get("refunded_amount", Decimal("0"))
    locked.full_clean()
    summary = _summary(locked, changes)
    take_order_step(
        order=locked.order,
        action=resolve_action(resolution),
        actor=None,
        note=f"{summary}\nReviewer's note: {note}",
        **changes,
    )
    locked.save()
    dispute.refresh_from_db()
    return dispute


# Staff reads ---------------------------------------------------------------------------------


def require_reason(reason: str) -> str:
    """The reviewer's own reason, checked like every staff read's (moderation.staff_access)."""
    from moderation.services import require_reason as check

    return check(reason)


def _record(
    *, staff: User, action: str, reason: str, conversations: Sequence[Conversation], reference: str
):
    from moderation.services import record_staff_access

    targets: Sequence[Conversation | None] = conversations or [None]
    return [
        record_staff_access(
            staff=staff, action=action, reason=reason, conversation=c, reference=reference
        )
        for c in targets
    ]


@transaction.atomic
def record_case_file_access(
    *, dispute: Dispute, staff: User, conversations: Sequence[Conversation], reason: str
):
    """Log the opening of the case file with the reviewer's own reason (MIN_REASON_CHARS at
    least), before anything is shown: one row naming every conversation it shows. The admin
    calls this once per reason and login session, not at each reload."""
    _check_reviewer(staff, "view_dispute")
    reason = require_reason(reason)
    shown = ", ".join(str(c.pk) for c in conversations) or "none"
    return _record(
        staff=staff,
        action="case_file",
        reason=f"dispute #{dispute.pk} case file (conversations {shown}): {reason}",
        conversations=[],
        reference=f"dispute:{dispute.pk}",
    )[0]


@transaction.atomic
def record_file_access(
    *, dispute: Dispute, staff: User, conversation: Conversation | None, name: str, reason: str
):
    """Log a reviewer's download of a file from the case (an attachment, evidence or a
    delivery), with the reason they gave for the case file in this session."""
    _check_reviewer(staff, "view_dispute")
    reason = require_reason(reason)
    return _record(
        staff=staff,
        action="case_file",
        reason=f"dispute #{dispute.pk} case file: file {name}: {reason}",
        conversations=[conversation] if conversation else [],
        reference=f"dispute:{dispute.pk}",
    )[0]


@transaction.atomic
def record_export(*, dispute: Dispute, staff: User, conversation: Conversation, reason: str):
    """Log an export of the conversation log; the reviewer's own reason is required."""
    _check_reviewer(staff, "export_conversation")
    reason = require_reason(reason)
    return _record(
        staff=staff,
        action="export",
        reason=f"dispute #{dispute.pk} export: {reason}",
        conversations=[conversation],
        reference=f"dispute:{dispute.pk}",
    )[0]
