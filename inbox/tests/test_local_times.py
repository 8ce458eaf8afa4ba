"""Issue 19, problem 7 (time zones), without JavaScript: a seller in Asia/Kolkata (UTC+05:30)
sees a delivery due at 13:00 UTC as 18:30 on the dashboard, the order page, the order's system
line (the HTML as served: the line stores the UTC stamp, the page renders it at display) and
the digest email (which names the zone). (The moderation email: moderation/tests.)"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail

from core.timestamps import stamp
from inbox.digests import send_unread_digests
from inbox.models import Conversation, Message
from marketplace import services as orders
from marketplace.tests.factories import GigFactory, OrderFactory, SellerFactory, UserFactory

pytestmark = pytest.mark.django_db

PLACED = datetime(2026, 12, 5, 13, 0, tzinfo=UTC)
DUE = datetime(2026, 12, 8, 13, 0, tzinfo=UTC)


def visible(html: str) -> str:
    """The page's text without tags (a <time>'s datetime attribute is in UTC, by design)."""
    return re.sub(r"<[^>]+>", "", html)


@pytest.fixture
def order():
    alice = SellerFactory(username="alice", email="alice@example.com", timezone="Asia/Kolkata")
    bob = UserFactory(username="bob", timezone="Europe/Berlin")
    order = OrderFactory(buyer=bob, gig=GigFactory(seller=alice), delivery_days=3)
    with time_machine.travel(PLACED, tick=False):
        orders.submit_requirements(order=order, actor=bob, requirements="A fox, orange.")
    order.refresh_from_db()
    assert order.due_at == DUE
    return order


def test_the_seller_sees_18_30_on_dashboard_order_page_and_system_line(client, order):
    client.force_login(order.seller)
    dashboard = client.get("/seller/dashboard/").content.decode()
    assert "18:30" in dashboard and "13:00" not in visible(dashboard)
    order_page = client.get(order.get_absolute_url()).content.decode()
    assert "8 Dec 2026, 18:30" in order_page and "13:00" not in visible(order_page)

    conversation = Conversation.objects.get(order=order)
    line = Message.objects.get(conversation=conversation, body__contains="requirements")
    assert stamp(DUE) in line.body  # stored once, in UTC, for both sides
    thread = client.get(f"/inbox/{conversation.pk}/").content.decode()
    assert stamp(DUE) not in thread and "13:00" not in visible(thread)
    assert "data-system-time>8 Dec 2026, 18:30 IST</time>" in thread

    client.force_login(order.buyer)  # Berlin, UTC+01:00
    assert (
        "data-system-time>8 Dec 2026, 14:00 CET</time>"
        in client.get(f"/inbox/{conversation.pk}/").content.decode()
    )


def test_the_digest_email_shows_the_recipients_zone_and_names_it(order):
    assert send_unread_digests(now=PLACED + timedelta(minutes=11)) == 1
    (email,) = mail.outbox
    assert email.to == ["alice@example.com"]
    for body in (email.body, email.alternatives[0][0]):
        assert "delivery is due 8 Dec 2026, 18:30 IST" in body
        assert "5 Dec 2026, 18:30 IST" in body  # the line's own time
        assert "Asia/Kolkata" in body
        assert stamp(DUE) not in body and "13:00" not in body


def test_older_lines_with_a_written_utc_time_are_localized_too():
    from core.timestamps import localize_stamps, split_stamps

    zone = ZoneInfo("Asia/Kolkata")
    assert localize_stamps("due 2026-12-08 13:00 UTC.", zone) == "due 8 Dec 2026, 18:30."
    assert localize_stamps("ref 2026-13-45T99:00Z", zone) == "ref 2026-13-45T99:00Z"
    assert [moment for _, moment in split_stamps("a 2026-12-08T13:00Z b")] == [None, DUE, None]


def test_a_list_rows_time_is_in_the_viewers_zone_as_the_server_draws_it(client, order):
    """The inbox row's time is written by the server in the account's zone (the browser no
    longer rewrites it): the requirements line of 13:00 UTC is 18:30 on Dec 5 in Kolkata,
    and shown as a clock time that same local day, as a date the next."""
    from core.timestamps import list_time_text

    kolkata = ZoneInfo("Asia/Kolkata")
    assert list_time_text(PLACED, kolkata, PLACED + timedelta(hours=5)) == (
        "6:30 PM",
        "Saturday, December 5, 2026 6:30 PM",
    )
    assert list_time_text(PLACED, kolkata, PLACED + timedelta(hours=11))[0] == "Dec 5"
    client.force_login(order.seller)
    with time_machine.travel(PLACED + timedelta(hours=1), tick=False):
        page = client.get("/inbox/").content.decode()
    assert re.search(
        r'class="conversation-time"[^>]*title="Saturday, December 5, 2026 6:30 PM">6:30 PM<', page
    )
