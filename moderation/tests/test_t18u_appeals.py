"""Issue 18, problem 1 (appeals that reach everyone): a suspended user signs in to their
account page and nothing else, sees their strikes with the evidence as it was delivered,
appeals while the suspension lasts (past the 14 days), every notice points to that page, and
an upheld appeal reinstates them and tells them."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.test import Client
from django.utils import timezone

from moderation import services
from moderation.models import Strike

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"


@pytest.fixture
def suspended_bob(conversation, send, bob, mona, django_capture_on_commit_callbacks):
    """Bob, with three strikes for sharing his number: suspended for 30 days."""
    bob.set_password(PASSWORD)
    bob.save()
    message = send(conversation, bob, "call me on +49 151 23456789 <b>now</b>").message
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(3):
            services.give_strike(
                user=bob,
                kind=Strike.Kind.CONTACT_SHARING,
                moderator=mona,
                note="You shared a phone number.",
                message=message,
            )
    bob.refresh_from_db()
    assert bob.is_suspended()
    return bob


def test_a_suspended_user_signs_in_to_the_account_page_only(suspended_bob):
    client = Client()
    response = client.post("/accounts/login/", {"login": "bob", "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/account/health/"

    page = client.get("/account/health/").content.decode()
    assert "Your account is suspended" in page and "reply" not in page.lower()
    # The evidence as it was delivered: masked, escaped, never the original number.
    assert "contact details hidden" in page and "23456789" not in page
    assert "&lt;b&gt;now&lt;/b&gt;" in page and "<b>now</b>" not in page
    assert "Send appeal" in page and 'href="/inbox/"' not in page

    for path in ("/", "/inbox/", "/orders/", "/gigs/", "/admin/", "/seller/gigs/"):
        assert client.get(path)["Location"] == "/account/health/", path
    api = client.get("/api/inbox/conversations/")
    assert api.status_code == 403 and api.json()["code"] == "suspended"
    assert api.json()["account_url"] == "/account/health/"


def test_the_appeal_window_lasts_as_long_as_the_suspension(suspended_bob, otto):
    strike = Strike.objects.filter(user=suspended_bob).first()
    client = Client()
    with time_machine.travel(timezone.now() + timedelta(days=20)):
        client.force_login(suspended_bob)
        assert suspended_bob.is_suspended()
        page = client.get("/account/health/").content.decode()
        assert "Send appeal" in page
        response = client.post(
            f"/account/health/strikes/{strike.pk}/appeal/", {"text": "It was my own number."}
        )
        assert response["Location"] == "/account/health/"
    assert strike.appeal.text == "It was my own number."


def test_the_suspension_notice_points_to_the_account_page(suspended_bob):
    email = mail.outbox[-1]
    assert email.subject == "[Gigbox] Your account is suspended"
    assert "/account/health/" in email.body and "reply to" not in email.body.lower()
    assert "within 14 days" not in email.body
    assert "You can appeal it until" in email.body  # the suspension's end, not 14 days


def test_an_upheld_appeal_reinstates_the_user_and_tells_them(
    suspended_bob, otto, system_messages, django_capture_on_commit_callbacks
):
    client = Client()
    client.force_login(suspended_bob)
    strike = Strike.objects.filter(user=suspended_bob).first()
    appeal = services.file_appeal(strike=strike, user=suspended_bob, text="My own number.")

    with django_capture_on_commit_callbacks(execute=True):
        services.decide_appeal(appeal=appeal, moderator=otto, uphold=True, reason="Fair point.")

    suspended_bob.refresh_from_db()
    assert not suspended_bob.is_suspended()
    assert client.get("/inbox/").status_code == 200
    notices = system_messages(suspended_bob)
    assert any("Your account suspension has been lifted" in text for text in notices)
    assert "Your appeal was upheld" in notices[-1] and "Fair point." in notices[-1]


def test_suspending_a_seller_tells_the_buyers_in_the_order_thread(gig, alice, bob, mona):
    """Problem 7 (a), moderation's half: the suspension reaches marketplace.seller_suspension."""
    from inbox.models import Message
    from marketplace.models import Order
    from marketplace.tests.factories import OrderFactory
    from moderation.models import Sanction

    order = OrderFactory(gig=gig, buyer=bob, status=Order.Status.IN_PROGRESS)
    services.impose_sanction(
        user=alice, kind=Sanction.Kind.SUSPEND, moderator=mona, reason="Spam sent to buyers."
    )

    line = Message.objects.filter(conversation__order=order, kind=Message.Kind.SYSTEM).last()
    assert line.body.startswith(f"The seller of {order.reference} is suspended until further")
    assert "full refund of $25.00" in line.body
