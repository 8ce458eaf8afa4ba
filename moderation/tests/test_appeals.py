"""file_appeal and decide_appeal: one appeal per strike, within 14 days; upheld removes the
strike (marked, never deleted) and what it caused; rejected tells the user too."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from moderation import services
from moderation.models import Appeal, Sanction, Strike, active_sanctions_q

pytestmark = pytest.mark.django_db


def strike(user, moderator):
    return services.give_strike(
        user=user,
        kind=Strike.Kind.CONTACT_SHARING,
        moderator=moderator,
        note="Phone number shared.",
    )


def appeal(strike_, user=None, text="It was my order reference, not a phone number."):
    return services.file_appeal(strike=strike_, user=user or strike_.user, text=text)


def test_one_appeal_per_strike(bob, mona):
    given = strike(bob, mona)
    appeal(given)

    with pytest.raises(ValidationError, match="already appealed"):
        appeal(given)
    assert Appeal.objects.count() == 1


def test_appeals_close_after_fourteen_days(bob, mona):
    with time_machine.travel("2026-11-01 12:00:00+00:00", tick=False) as traveller:
        given = strike(bob, mona)
        traveller.shift(timedelta(days=14))
        appeal(given)  # the last moment
    other = strike(bob, mona)
    with (
        time_machine.travel(other.created_at + timedelta(days=14, seconds=1), tick=False),
        pytest.raises(ValidationError, match="14 days"),
    ):
        appeal(other)


def test_only_the_struck_user_appeals(bob, charlie, mona):
    with pytest.raises(PermissionDenied):
        appeal(strike(bob, mona), user=charlie)


def test_an_appeal_needs_a_text(bob, mona):
    with pytest.raises(ValidationError):
        appeal(strike(bob, mona), text="   ")


def test_upheld_removes_the_strike_and_lifts_what_it_caused(bob, mona, otto, system_messages):
    strike(bob, mona)
    second = strike(bob, mona)  # two strikes: restricted
    filed = appeal(second)

    services.decide_appeal(
        appeal=filed, moderator=otto, uphold=True, reason="It was an order number."
    )

    second.refresh_from_db()
    bob.refresh_from_db()
    assert second.overturned_at is not None and Strike.objects.filter(pk=second.pk).exists()
    assert not second.is_active()
    assert Sanction.objects.get().lifted_at is not None
    assert bob.messaging_restricted_until is None
    assert (
        "upheld" in system_messages(bob)[-1]
        and "It was an order number." in system_messages(bob)[-1]
    )


def test_upheld_recomputes_escalation_for_the_remaining_strikes(bob, mona, otto):
    first = strike(bob, mona)
    strike(bob, mona)
    strike(bob, mona)  # three: restricted, then suspended

    services.decide_appeal(appeal=appeal(first), moderator=otto, uphold=True, reason="Wrong user.")

    # Two active strikes left: the suspension (warranted by three) is lifted, the restriction stays.
    bob.refresh_from_db()
    assert bob.suspended_until is None
    assert bob.messaging_restricted_until is not None
    active = Sanction.objects.filter(lifted_at__isnull=True).values_list("kind", flat=True)
    assert list(active) == [Sanction.Kind.RESTRICT]


def test_rejected_keeps_the_strike_and_tells_the_user(bob, mona, otto, system_messages):
    given = strike(bob, mona)

    decided = services.decide_appeal(
        appeal=appeal(given), moderator=otto, uphold=False, reason="The number is visible."
    )

    given.refresh_from_db()
    assert decided.status == Appeal.Status.REJECTED and given.overturned_at is None
    assert (
        "rejected" in system_messages(bob)[-1]
        and "The number is visible." in system_messages(bob)[-1]
    )
    with pytest.raises(ValidationError, match="already decided"):
        services.decide_appeal(
            appeal=decided, moderator=otto, uphold=True, reason="Changed my mind."
        )


def test_deciding_needs_a_reason_and_a_moderator(bob, mona, otto, rita):
    filed = appeal(strike(bob, mona))
    with pytest.raises(ValidationError):
        services.decide_appeal(appeal=filed, moderator=otto, uphold=True, reason="")
    with pytest.raises(PermissionDenied):
        services.decide_appeal(appeal=filed, moderator=rita, uphold=True, reason="Sure, upheld it.")
    filed.refresh_from_db()
    assert filed.status == Appeal.Status.PENDING


def test_the_moderator_who_gave_the_strike_cannot_decide_its_appeal(bob, mona, otto):
    filed = appeal(strike(bob, mona))

    with pytest.raises(ValidationError, match="another moderator"):
        services.decide_appeal(appeal=filed, moderator=mona, uphold=False, reason="I stand by it.")
    filed.refresh_from_db()
    assert filed.status == Appeal.Status.PENDING
    assert (
        services.decide_appeal(
            appeal=filed, moderator=otto, uphold=False, reason="It stands."
        ).status
        == Appeal.Status.REJECTED
    )


def test_upheld_on_the_middle_strike_restricts_again_for_what_is_left_of_step_two(
    bob, mona, otto, system_messages
):
    with time_machine.travel("2026-11-01 12:00:00+00:00", tick=False) as traveller:
        strike(bob, mona)
        traveller.shift(timedelta(days=1))
        middle = strike(bob, mona)  # two: restricted for 7 days
        traveller.shift(timedelta(days=1))
        third = strike(bob, mona)  # three: suspended
        traveller.shift(timedelta(days=1))

        services.decide_appeal(
            appeal=appeal(middle), moderator=otto, uphold=True, reason="Not contact details."
        )

        # Two active strikes remain: step two (restricted 7 days) as if the middle strike had
        # never been given: from the third strike (which reached two), 6 of its 7 days left.
        bob.refresh_from_db()
        active = Sanction.objects.filter(lifted_at__isnull=True)
        assert [(s.kind, s.strike_id) for s in active] == [(Sanction.Kind.RESTRICT, third.pk)]
        assert active.get().ends_at == third.created_at + timedelta(days=7)
        assert (
            bob.suspended_until is None
            and bob.messaging_restricted_until == third.created_at + timedelta(days=7)
        )
        assert Strike.objects.filter(user=bob, overturned_at__isnull=True).count() == 2
        assert any("Your messaging is restricted" in text for text in system_messages(bob)[-3:])


def test_upheld_restores_no_restriction_whose_time_is_over(bob, mona, otto):
    with time_machine.travel("2026-11-01 12:00:00+00:00", tick=False) as traveller:
        strike(bob, mona)
        middle = strike(bob, mona)
        third = strike(bob, mona)
        filed = appeal(middle)
        traveller.shift(timedelta(days=8))  # step two's 7 days from the third strike are over

        services.decide_appeal(
            appeal=filed, moderator=otto, uphold=True, reason="Not contact details."
        )

        bob.refresh_from_db()
        assert not Sanction.objects.filter(active_sanctions_q(timezone.now())).exists()
        assert (
            Sanction.objects.count() == 2 and third.sanctions.get().lifted_at is not None
        )  # nothing new imposed
        assert bob.messaging_restricted_until is None and bob.suspended_until is None
