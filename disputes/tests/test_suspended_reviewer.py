"""A reviewer whose session outlived their suspension: the reviewer services refuse them."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from disputes import services
from disputes.models import Dispute
from moderation.models import StaffAccess

pytestmark = pytest.mark.django_db


def test_a_suspended_reviewer_is_refused(rita, dispute, order_conversation):
    type(rita).objects.filter(pk=rita.pk).update(suspended_until=timezone.now() + timedelta(days=1))
    rita.refresh_from_db()

    calls = [
        lambda: services.assign_dispute(dispute=dispute, reviewer=rita),
        lambda: services.add_dispute_note(dispute=dispute, author=rita, body="Note."),
        lambda: services.resolve_dispute(
            dispute=dispute, reviewer=rita, resolution="refund", note="Refund."
        ),
        lambda: services.record_case_file_access(
            dispute=dispute,
            staff=rita,
            conversations=[order_conversation],
            reason="Deciding the refund.",
        ),
        lambda: services.record_file_access(
            dispute=dispute,
            staff=rita,
            conversation=None,
            name="x.png",
            reason="Deciding the refund.",
        ),
        lambda: services.record_export(
            dispute=dispute,
            staff=rita,
            conversation=order_conversation,
            reason="Bank wants the log.",
        ),
    ]
    for call in calls:
        with pytest.raises(PermissionDenied):
            call()

    dispute.refresh_from_db()
    assert dispute.status == Dispute.Status.OPEN and dispute.assigned_to is None
    assert not dispute.notes.exists() and not StaffAccess.objects.exists()
