"""give_strike and the escalation policy: warning, restriction, suspension, expiry."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.utils import timezone

from inbox.checks import SendError, check_sender_sanctions, is_account_suspended
from moderation import services
from moderation.models import Sanction, SanctionPolicy, Strike

pytestmark = pytest.mark.django_db

START = "2026-11-02 10:00:00+00:00"


def strike(user, moderator, kind=Strike.Kind.CONTACT_SHARING):
    return services.give_strike(
        user=user, kind=kind, moderator=moderator, note="You shared a phone number."
    )


def test_the_default_policy_is_there():
    steps = list(SanctionPolicy.objects.values_list("active_strikes", "action", "duration_days"))
    assert steps == [(1, "warning", None), (2, "restrict", 7), (3, "suspend", 30)]


def test_one_strike_is_a_warning(django_capture_on_commit_callbacks, bob, mona, system_messages):
    with django_capture_on_commit_callbacks(execute=True):
        given = strike(bob, mona)

    bob.refresh_from_db()
    assert given.expires_at - given.created_at == timedelta(days=90)
    assert not Sanction.objects.exists()
    assert bob.messaging_restricted_until is None and bob.suspended_until is None
    assert "warning" in system_messages(bob)[-1]
    assert (
        mail.outbox[-1].to == ["bob@example.com"] and "warning" in mail.outbox[-1].subject.lower()
    )


@time_machine.travel(START, tick=False)
def test_two_strikes_restrict_messaging_for_seven_days(bob, mona, system_messages):
    strike(bob, mona)
    strike(bob, mona)

    bob.refresh_from_db()
    sanction = Sanction.objects.get()
    assert (sanction.kind, sanction.user, sanction.strike.user) == (
        Sanction.Kind.RESTRICT,
        bob,
        bob,
    )
    assert bob.messaging_restricted_until == timezone.now() + timedelta(days=7) == sanction.ends_at
    with pytest.raises(SendError) as refused:
        check_sender_sanctions(bob)
    assert refused.value.code == "restricted"
    assert refused.value.frame()["until"] == "2026-11-09T10:00:00.000000Z"
    assert "restricted" in system_messages(bob)[-1].lower()


@time_machine.travel(START, tick=False)
def test_three_strikes_suspend_the_account(bob, mona):
    for _ in range(3):
        strike(bob, mona)

    bob.refresh_from_db()
    assert is_account_suspended(bob)
    assert bob.suspended_until == timezone.now() + timedelta(days=30)
    assert list(Sanction.objects.order_by("id").values_list("kind", flat=True)) == [
        "restrict",
        "suspend",
    ]


def test_a_restriction_ends_by_itself_and_expire_sanctions_tidies_up(bob, mona, system_messages):
    with time_machine.travel(START, tick=False):
        strike(bob, mona)
        strike(bob, mona)
        bob.refresh_from_db()
    with time_machine.travel("2026-11-09 09:59:00+00:00", tick=False), pytest.raises(SendError):
        check_sender_sanctions(bob)
    with time_machine.travel("2026-11-09 10:00:01+00:00", tick=False):
        check_sender_sanctions(bob)  # over, before any clean-up
        call_command("expire_sanctions", stdout=StringIO())
        bob.refresh_from_db()
        assert bob.messaging_restricted_until is None
        assert Sanction.objects.get().expired_at == timezone.now()
        assert "ended" in system_messages(bob)[-1]
        assert services.expire_sanctions() == 0  # once only


def test_strikes_expire_after_ninety_days_and_stop_counting(bob, mona):
    with time_machine.travel(START, tick=False):
        strike(bob, mona)
    with time_machine.travel("2026-11-02 10:00:00+00:00", tick=False) as traveller:
        traveller.shift(timedelta(days=91))
        strike(bob, mona)  # the first expired: this is one active strike again, a warning

    assert not Sanction.objects.exists()


def test_the_policy_table_decides(bob, mona):
    SanctionPolicy.objects.filter(active_strikes=1).update(action="suspend", duration_days=None)

    strike(bob, mona)

    bob.refresh_from_db()
    assert Sanction.objects.get().ends_at is None
    assert bob.suspended_until.year == 9999


def test_more_strikes_than_steps_use_the_highest_step(bob, mona):
    for _ in range(4):
        strike(bob, mona)

    assert Sanction.objects.filter(kind="suspend").count() == 2


def test_only_moderators_give_strikes(bob, rita, stella):
    for staff in (rita, stella):
        with pytest.raises(PermissionDenied):
            strike(bob, staff)
    assert not Strike.objects.exists()


def test_a_strike_needs_a_note_for_the_user(bob, mona):
    with pytest.raises(ValidationError):
        services.give_strike(user=bob, kind=Strike.Kind.SPAM, moderator=mona, note="  ")
    assert not Strike.objects.exists()


def test_the_system_account_cannot_be_sanctioned(mona):
    from moderation.notices import system_account

    with pytest.raises(ValidationError):
        strike(system_account(), mona)
