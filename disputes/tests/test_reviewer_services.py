"""Notes, "assign to me" and the staff access rows written for reads."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from disputes import services
from moderation.models import StaffAccess


def test_a_reviewer_adds_an_internal_note(dispute, rita):
    note = services.add_dispute_note(
        dispute=dispute, author=rita, body="Seller shared a phone number in seq 2."
    )
    assert note.author == rita and dispute.notes.get() == note


def test_an_empty_note_is_refused(dispute, rita):
    with pytest.raises(ValidationError):
        services.add_dispute_note(dispute=dispute, author=rita, body=" ")


@pytest.mark.parametrize("who", ["mo", "stella", "alice"])
def test_others_cannot_add_notes(dispute, who, request):
    with pytest.raises(PermissionDenied):
        services.add_dispute_note(dispute=dispute, author=request.getfixturevalue(who), body="hi")


def test_assign_to_me_takes_the_case(dispute, rita, db):
    from marketplace.roles import DISPUTE_REVIEWERS
    from tests.factories import StaffFactory

    services.assign_dispute(dispute=dispute, reviewer=rita)
    assert dispute.assigned_to == rita
    ruth = StaffFactory(username="ruth", groups=[DISPUTE_REVIEWERS])
    services.assign_dispute(dispute=dispute, reviewer=ruth)
    assert dispute.assigned_to == ruth


def test_moderators_cannot_take_disputes(dispute, mo):
    with pytest.raises(PermissionDenied):
        services.assign_dispute(dispute=dispute, reviewer=mo)


def test_case_file_access_writes_one_row_naming_the_conversations(
    dispute, rita, order_conversation
):
    services.record_case_file_access(
        dispute=dispute,
        staff=rita,
        conversations=[order_conversation],
        reason=" Deciding the refund. ",
    )
    row = StaffAccess.objects.get()
    assert (row.staff, row.action, row.reference) == (rita, "case_file", f"dispute:{dispute.pk}")
    assert row.reason == (
        f"dispute #{dispute.pk} case file (conversations {order_conversation.pk}): "
        "Deciding the refund."
    )


def test_opening_a_case_file_needs_a_reason(dispute, rita, order_conversation):
    for reason in (" ", "x", "too short"):
        with pytest.raises(ValidationError, match="at least 10 characters"):
            services.record_case_file_access(
                dispute=dispute, staff=rita, conversations=[order_conversation], reason=reason
            )
    assert not StaffAccess.objects.exists()


def test_an_export_needs_a_reason(dispute, rita, order_conversation):
    with pytest.raises(ValidationError, match="at least 10 characters"):
        services.record_export(
            dispute=dispute, staff=rita, conversation=order_conversation, reason="  "
        )
    assert not StaffAccess.objects.exists()
    services.record_export(
        dispute=dispute, staff=rita, conversation=order_conversation, reason="chargeback evidence"
    )
    row = StaffAccess.objects.get()
    assert row.action == "export" and "chargeback evidence" in row.reason


def test_only_holders_of_the_export_permission_export(dispute, mo, order_conversation):
    with pytest.raises(PermissionDenied):
        services.record_export(
            dispute=dispute, staff=mo, conversation=order_conversation, reason="curious"
        )
