"""Issue 18, appeals that reach everyone (follow-up): a user a moderator restricted or
suspended directly, with no strike, appeals the sanction itself from the account page, and
another moderator decides (problem 1); when a seller's suspension ends early, the buyers of
their open orders are told in the order's thread and by email, and the three-day
cancellation no longer applies (problem 2)."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from inbox.models import Message
from marketplace import seller_suspension
from marketplace.models import Order
from marketplace.tests.factories import OrderFactory
from moderation import services
from moderation.models import Appeal, Sanction

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"


@pytest.fixture
def suspended_bob(bob, mona, django_capture_on_commit_callbacks):
    """Bob, suspended directly by mona for 30 days from the per-user page: no strike."""
    bob.set_password(PASSWORD)
    bob.save()
    with django_capture_on_commit_callbacks(execute=True):
        services.impose_sanction(
            user=bob,
            kind=Sanction.Kind.SUSPEND,
            moderator=mona,
            reason="Reported <b>off-site</b> payment requests.",
            ends_at=timezone.now() + timedelta(days=30),
        )
    bob.refresh_from_db()
    assert bob.is_suspended()
    return bob


def _sanction(user) -> Sanction:
    return Sanction.objects.get(user=user, strike__isnull=True)


def test_a_directly_suspended_user_appeals_and_is_reinstated(
    suspended_bob, mona, otto, system_messages, django_capture_on_commit_callbacks
):
    """Problem 1: before, the page said "You have no strikes" and offered no appeal."""
    sanction = _sanction(suspended_bob)
    assert "You can appeal it until" in mail.outbox[-1].body  # the notice says so
    client = Client()
    response = client.post("/accounts/login/", {"login": "bob", "password": PASSWORD})
    assert response["Location"] == "/account/health/"

    page = client.get("/account/health/").content.decode()
    assert f'data-direct-sanction="{sanction.pk}"' in page and "Send appeal" in page
    assert "&lt;b&gt;off-site&lt;/b&gt;" in page and "<b>off-site</b>" not in page
    response = client.post(
        f"/account/health/sanctions/{sanction.pk}/appeal/", {"text": "I never <i>asked</i>."}
    )
    assert response["Location"] == "/account/health/"
    appeal = Appeal.objects.get(sanction=sanction)
    assert appeal.strike_id is None and appeal.status == Appeal.Status.PENDING
    page = client.get("/account/health/").content.decode()
    assert "Pending" in page and "Send appeal" not in page  # one appeal per sanction

    # The moderator who imposed it does not decide its appeal; another one does, in admin.
    with pytest.raises(ValidationError, match="You imposed this sanction"):
        services.decide_appeal(
            appeal=appeal, moderator=mona, uphold=True, reason="Upheld by the same moderator."
        )
    staff = Client()
    staff.force_login(mona)
    assert "data-own-strike" in staff.get(f"/admin/moderation/appeal/{appeal.pk}/change/").text
    staff.force_login(otto)
    review = staff.get(f"/admin/moderation/appeal/{appeal.pk}/change/").content.decode()
    assert "(no strike)" in review and "&lt;b&gt;off-site&lt;/b&gt;" in review
    assert "I never &lt;i&gt;asked&lt;/i&gt;." in review
    with django_capture_on_commit_callbacks(execute=True):
        staff.post(
            f"/admin/moderation/appeal/{appeal.pk}/decide/",
            {"decision": "uphold", "reason": "The reports were about someone else."},
        )

    appeal.refresh_from_db()
    sanction.refresh_from_db()
    suspended_bob.refresh_from_db()
    assert appeal.status == Appeal.Status.UPHELD and appeal.decided_by == otto
    assert sanction.lifted_by == otto and not suspended_bob.is_suspended()
    assert (
        "Your appeal was upheld. The reports were about someone else."
        in system_messages(suspended_bob)[-1]
    )
    assert mail.outbox[-1].subject == "[Gigbox] Your account suspension was lifted"
    assert client.get("/inbox/").status_code == 200  # reinstated: the site opens again


def test_a_rejected_sanction_appeal_keeps_it(suspended_bob, otto, system_messages):
    """Problem 1: a rejection keeps the suspension and tells the user why."""
    appeal = services.file_sanction_appeal(
        sanction=_sanction(suspended_bob),
        user=suspended_bob,
        text="Please lift it: it was a mistake.",
    )
    services.decide_appeal(
        appeal=appeal, moderator=otto, uphold=False, reason="Confirmed after review."
    )
    suspended_bob.refresh_from_db()
    assert suspended_bob.is_suspended()
    assert "Your account suspension stays until" in system_messages(suspended_bob)[-1]
    with pytest.raises(ValidationError, match="already appealed"):
        services.file_sanction_appeal(
            sanction=_sanction(suspended_bob), user=suspended_bob, text="Again."
        )


def test_only_ones_own_active_sanction_can_be_appealed(suspended_bob, charlie, otto):
    sanction = _sanction(suspended_bob)
    client = Client()
    client.force_login(charlie)
    response = client.post(f"/account/health/sanctions/{sanction.pk}/appeal/", {"text": "x"})
    assert response.status_code == 404  # not yours: the same as missing
    assert client.post("/account/health/sanctions/99999/appeal/", {"text": "x"}).status_code == 404
    services.lift_sanction(sanction=sanction, moderator=otto, reason="Lifted early.")
    with pytest.raises(ValidationError, match="nothing to appeal"):
        services.file_sanction_appeal(sanction=sanction, user=suspended_bob, text="Late.")
    assert not Appeal.objects.exists()


def test_an_appeal_is_of_a_strike_or_a_sanction_never_both_or_neither(suspended_bob):
    with pytest.raises(ValidationError):
        Appeal(text="x", created_at=timezone.now()).full_clean()


# Problem 2: buyers told when a seller's suspension ends early --------------------------------


@pytest.fixture
def suspended_seller(gig, alice, bob, charlie, mona, django_capture_on_commit_callbacks):
    """alice (seller) suspended directly, with an order in progress (bob) and one delivered
    (charlie)."""
    waiting = OrderFactory(gig=gig, buyer=bob, status=Order.Status.IN_PROGRESS)
    delivered = OrderFactory(gig=gig, buyer=charlie, status=Order.Status.DELIVERED)
    with django_capture_on_commit_callbacks(execute=True):
        services.impose_sanction(
            user=alice,
            kind=Sanction.Kind.SUSPEND,
            moderator=mona,
            reason="Fraud reports.",
            ends_at=timezone.now() + timedelta(days=30),
        )
    mail.outbox.clear()
    return waiting, delivered


def _thread_lines(order) -> list[str]:
    return list(
        Message.objects.filter(conversation__order_id=order.pk, kind=Message.Kind.SYSTEM)
        .order_by("id")
        .values_list("body", flat=True)
    )


def test_buyers_are_told_when_a_moderator_lifts_the_suspension(
    suspended_seller, alice, otto, django_capture_on_commit_callbacks
):
    """Problem 2: before, buyers heard of the suspension but never of its early end."""
    waiting, delivered = suspended_seller
    with django_capture_on_commit_callbacks(execute=True):
        services.lift_sanction(
            sanction=_sanction(alice), moderator=otto, reason="Cleared after review."
        )

    assert "no longer suspended" in _thread_lines(waiting)[-1]
    assert "will not be cancelled" in _thread_lines(waiting)[-1]
    assert "accept the delivered work" in _thread_lines(delivered)[-1]
    emails = {email.to[0]: email for email in mail.outbox}
    assert emails["bob@example.com"].subject == f"[Gigbox] {waiting.reference}: the seller is back"
    assert "will not be cancelled" in emails["bob@example.com"].body
    assert "charlie@example.com" in emails

    # The pending cancellation no longer applies.
    with time_machine.travel(timezone.now() + timedelta(days=4)):
        assert seller_suspension.cancel_orders_of_suspended_sellers() == 0
    waiting.refresh_from_db()
    assert waiting.status == Order.Status.IN_PROGRESS


def test_buyers_are_told_when_the_sellers_appeal_is_upheld(
    suspended_seller, alice, otto, django_capture_on_commit_callbacks
):
    """Problem 2, through an upheld appeal of the suspension."""
    waiting, _ = suspended_seller
    appeal = services.file_sanction_appeal(
        sanction=_sanction(alice), user=alice, text="Wrong: I never sent that."
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.decide_appeal(
            appeal=appeal, moderator=otto, uphold=True, reason="Agreed after review."
        )
    assert "no longer suspended" in _thread_lines(waiting)[-1]
    assert any(email.to == ["bob@example.com"] for email in mail.outbox)


def test_buyers_are_not_told_while_another_suspension_holds(
    suspended_seller, alice, mona, otto, django_capture_on_commit_callbacks
):
    waiting, _ = suspended_seller
    services.impose_sanction(
        user=alice, kind=Sanction.Kind.SUSPEND, moderator=mona, reason="More fraud reports."
    )
    lines = len(_thread_lines(waiting))
    first = Sanction.objects.filter(user=alice).order_by("pk").first()
    services.lift_sanction(sanction=first, moderator=otto, reason="One of them cleared.")
    assert len(_thread_lines(waiting)) == lines
