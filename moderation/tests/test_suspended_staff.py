"""A staff member whose session outlived their suspension: every moderation service refuses
them (the admin is not the only way in, and a session engine may keep the session)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from moderation import services
from moderation.models import Appeal, Flag, Sanction, StaffAccess, Strike

pytestmark = pytest.mark.django_db


def suspend(user) -> None:
    type(user).objects.filter(pk=user.pk).update(suspended_until=timezone.now() + timedelta(days=2))
    user.refresh_from_db()


def test_a_suspended_moderator_is_refused_by_every_service(mona, otto, bob, flag):
    given = services.give_strike(
        user=bob, kind=Strike.Kind.SPAM, moderator=otto, note="Spam sent to buyers."
    )
    appeal = services.file_appeal(strike=given, user=bob, text="Not spam: a reply to a question.")
    sanction = services.impose_sanction(
        user=bob, kind=Sanction.Kind.RESTRICT, moderator=otto, reason="Spam sent to buyers."
    )
    suspend(mona)

    calls = [
        lambda: services.assign_flag(flag=flag, moderator=mona),
        lambda: services.dismiss_flag(flag=flag, moderator=mona),
        lambda: services.confirm_flag(flag=flag, moderator=mona, kind=Strike.Kind.SPAM, note="x"),
        lambda: services.give_strike(user=bob, kind=Strike.Kind.SPAM, moderator=mona, note="x"),
        lambda: services.impose_sanction(
            user=bob, kind=Sanction.Kind.SUSPEND, moderator=mona, reason="x"
        ),
        lambda: services.lift_sanction(sanction=sanction, moderator=mona, reason="x"),
        lambda: services.decide_appeal(appeal=appeal, moderator=mona, uphold=True, reason="x"),
    ]
    for call in calls:
        with pytest.raises(PermissionDenied):
            call()

    flag.refresh_from_db()
    appeal.refresh_from_db()
    sanction.refresh_from_db()
    assert (flag.status, flag.assigned_to) == (Flag.Status.OPEN, None)
    assert Strike.objects.count() == 1 and Sanction.objects.count() == 1
    assert sanction.lifted_at is None and appeal.status == Appeal.Status.PENDING


def test_the_same_moderator_is_served_again_when_the_suspension_ends(mona, flag):
    type(mona).objects.filter(pk=mona.pk).update(
        suspended_until=timezone.now() - timedelta(seconds=1)
    )
    mona.refresh_from_db()

    assert services.assign_flag(flag=flag, moderator=mona).assigned_to == mona


def test_a_suspended_staff_member_reads_nothing_protected(mona, flag):
    suspend(mona)

    with pytest.raises(ValidationError, match="not suspended"):
        services.record_staff_access(
            staff=mona,
            action=StaffAccess.Action.REVEAL_ORIGINAL,
            reason="Checking.",
            message=flag.message,
        )
    assert not StaffAccess.objects.exists()


def test_the_reveal_page_refuses_a_suspended_moderator(client, mona, flag):
    client.force_login(mona)
    suspend(mona)

    response = client.post(f"/admin/moderation/flag/{flag.pk}/reveal/", {"reason": "Checking."})

    assert b"+49 151 23456789" not in response.content
    assert not StaffAccess.objects.exists()
