"""Issue 18 leftovers 2 and 4. (2) A seller's suspension lifted early: the order page's
timeline gets a "Seller reinstated" entry and marks the three-day warning as no longer
applying. (4) A sanction's end is written one way, in the reader's zone and named
(core.timestamps.local_time_text), on the order page, in the buyer's email, on the account
page, in the inbox notice and in the API's `suspended` answer."""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.test import Client

from core.timestamps import local_time_text
from inbox.models import Conversation
from marketplace.models import Order, OrderEvent
from marketplace.tests.factories import OrderFactory
from moderation import services
from moderation.models import Sanction
from moderation.notices import system_account

pytestmark = pytest.mark.django_db

ENDS = datetime(2099, 1, 9, 14, 0, tzinfo=UTC)
KOLKATA, BERLIN = ZoneInfo("Asia/Kolkata"), ZoneInfo("Europe/Berlin")


def _impose(user, kind, moderator, capture):
    with capture(execute=True):
        return services.impose_sanction(
            user=user,
            kind=kind,
            moderator=moderator,
            reason="Payment asked for outside Gigbox.",
            ends_at=ENDS,
        )


def _page(user, url: str, *, markup: bool = False) -> str:
    client = Client()
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200, url
    if markup:
        return response.content.decode()
    return html.unescape(re.sub(r"<[^>]+>", "", response.content.decode()))  # the text read


def test_a_lifted_suspension_marks_the_order_timelines_warning(
    gig, alice, bob, mona, otto, django_capture_on_commit_callbacks
):
    order = OrderFactory(gig=gig, buyer=bob, status=Order.Status.IN_PROGRESS)
    sanction = _impose(alice, Sanction.Kind.SUSPEND, mona, django_capture_on_commit_callbacks)
    page = _page(bob, f"/orders/{order.pk}/")
    assert "the order is cancelled" in page and "No longer applies" not in page

    with django_capture_on_commit_callbacks(execute=True):
        services.lift_sanction(sanction=sanction, moderator=otto, reason="Cleared after review.")

    kinds = list(order.events.values_list("kind", flat=True))
    assert kinds[-2:] == [OrderEvent.Kind.SELLER_SUSPENDED, OrderEvent.Kind.SELLER_REINSTATED]
    page = _page(bob, f"/orders/{order.pk}/")
    assert "Seller reinstated" in page and "will not be cancelled" in page
    assert "is-superseded" in _page(bob, f"/orders/{order.pk}/", markup=True)
    assert "No longer applies: the seller was reinstated on" in page
    # The thread still gets the line (now from the timeline entry), once.
    thread = Conversation.objects.get(order_id=order.pk)
    assert thread.messages.filter(body__contains="is no longer suspended").count() == 1


def test_the_end_of_a_sellers_suspension_reads_the_same_on_order_page_and_email(
    gig, alice, bob, mona, django_capture_on_commit_callbacks
):
    bob.timezone = "Asia/Kolkata"
    bob.save(update_fields=["timezone"])
    order = OrderFactory(gig=gig, buyer=bob, status=Order.Status.IN_PROGRESS)
    _impose(alice, Sanction.Kind.SUSPEND, mona, django_capture_on_commit_callbacks)
    shown = local_time_text(ENDS, KOLKATA, name_zone=True)
    assert shown == "9 Jan 2099, 19:30 IST"

    assert f"is suspended until {shown}" in _page(bob, f"/orders/{order.pk}/")
    buyer_mail = next(m for m in mail.outbox if m.to == ["bob@example.com"])
    assert f"is suspended until {shown}" in buyer_mail.body


def test_the_end_of_a_suspension_reads_the_same_on_account_page_and_api(
    alice, mona, django_capture_on_commit_callbacks
):
    alice.timezone = "Asia/Kolkata"
    alice.save(update_fields=["timezone"])
    _impose(alice, Sanction.Kind.SUSPEND, mona, django_capture_on_commit_callbacks)
    shown = local_time_text(ENDS, KOLKATA, name_zone=True)

    assert f"until {shown}" in _page(alice, "/account/health/")
    client = Client()
    client.force_login(alice)
    answer = client.get("/api/account/standing/").json()
    error = answer.get("error", answer)
    assert f"until {shown}." in error["message"]
    notice = next(m for m in mail.outbox if m.to == ["alice@example.com"])
    assert f"until {shown}" in notice.body


def test_the_end_of_a_restriction_reads_the_same_in_the_inbox_notice(
    bob, mona, django_capture_on_commit_callbacks
):
    # bob lives in Berlin (the factory's zone).
    _impose(bob, Sanction.Kind.RESTRICT, mona, django_capture_on_commit_callbacks)
    shown = local_time_text(ENDS, BERLIN, name_zone=True)
    notices = Conversation.objects.filter(participants__user=system_account()).get(
        participants__user=bob
    )
    assert f"until {shown}" in _page(bob, f"/inbox/{notices.pk}/")
    assert f"until {shown}" in _page(bob, "/account/health/")


def test_the_account_page_keeps_the_history_of_past_sanctions(
    bob, mona, otto, django_capture_on_commit_callbacks
):
    """Leftover 3: lifted and expired sanctions stay on the account page, with what happened,
    when, and the reasons the user was given."""
    with (
        time_machine.travel(datetime(2026, 3, 1, 9, 0, tzinfo=UTC)),
        django_capture_on_commit_callbacks(execute=True),
    ):
        old = services.impose_sanction(
            user=bob,
            kind=Sanction.Kind.RESTRICT,
            moderator=mona,
            reason="Phone numbers sent to <three> buyers.",
            ends_at=datetime(2026, 3, 8, 9, 0, tzinfo=UTC),
        )
    lifted = _impose(bob, Sanction.Kind.SUSPEND, mona, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        services.lift_sanction(sanction=lifted, moderator=otto, reason="The reports were false.")
    old.refresh_from_db()
    assert not old.is_active()

    page = _page(bob, "/account/health/")
    history = page[page.index("History") :]
    assert "Account suspended" in history and "Messaging restricted" in history
    assert history.index("Account suspended") < history.index("Messaging restricted")
    assert "Reason: Payment asked for outside Gigbox." in history
    assert "Why: The reports were false." in history
    assert "Reason: Phone numbers sent to <three> buyers." in history  # escaped in the markup
    assert "Ended on 8 Mar 2026, 10:00 CET" in history
    assert "Lifted early on" in history
    markup = _page(bob, "/account/health/", markup=True)
    assert "&lt;three&gt;" in markup and "<three>" not in markup


def test_the_trust_and_safety_thread_points_to_the_account_page_instead_of_a_composer(
    bob, mona, django_capture_on_commit_callbacks
):
    """Leftover 6: nobody reads replies to the system account."""
    _impose(bob, Sanction.Kind.RESTRICT, mona, django_capture_on_commit_callbacks)
    notices = Conversation.objects.filter(participants__user=system_account()).get(
        participants__user=bob
    )
    markup = _page(bob, f"/inbox/{notices.pk}/", markup=True)
    assert "data-composer" not in markup and "data-composer-action" not in markup
    assert "data-system-thread" in markup and 'href="/account/health/"' in markup
    assert "replies are not read" in markup
