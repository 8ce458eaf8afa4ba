"""Time zones (issue 19, problem 7): a new sign-up gets the browser's zone; the seller
dashboard, the order page and the order's system line all show the due time in the viewer's
zone (Asia/Kolkata here, UTC+05:30), system lines at display rather than as stored."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from core.timestamps import stamp
from deals.models import Offer
from inbox.conversations import get_or_start_conversation
from inbox.models import Conversation, Message
from marketplace import services as orders
from marketplace.models import User
from marketplace.tests.factories import GigFactory, OrderFactory, SellerFactory, UserFactory
from tests.browser.test_inbox_live import logged_in_context, off_loop, open_thread, send

pytestmark = pytest.mark.usefixtures("django_db_setup")


def test_a_new_sign_up_gets_the_browsers_time_zone(browser, live_daphne):
    context = browser.new_context(locale="en-US", timezone_id="America/New_York")
    page = context.new_page()
    page.goto(f"{live_daphne.url}/accounts/signup/")
    page.fill("input[name=email]", "erin@example.com")
    page.fill("input[name=username]", "erin")
    page.fill("input[name=password1]", "a-long-passphrase-9")
    page.fill("input[name=password2]", "a-long-passphrase-9")
    page.get_by_role("button", name="Sign Up").click()
    expect(page.locator("#site-nav summary")).to_have_text("erin")
    assert User.objects.get(username="erin").timezone == "America/New_York"

    page.goto(f"{live_daphne.url}/account/settings/")
    page.get_by_label("Time zone").select_option("Asia/Tokyo")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".flash")).to_contain_text("Asia/Tokyo")
    assert User.objects.get(username="erin").timezone == "Asia/Tokyo"
    context.close()


def test_the_due_time_is_the_viewers_on_dashboard_order_page_and_system_line(
    browser, live_daphne, transactional_db
):
    alice = SellerFactory(username="alice", timezone="Asia/Kolkata")
    bob = UserFactory(username="bob", timezone="Europe/Berlin")
    order = OrderFactory(buyer=bob, gig=GigFactory(seller=alice))
    off_loop(orders.submit_requirements, order=order, actor=bob, requirements="A fox, orange.")
    order.refresh_from_db()
    local = order.due_at.astimezone(ZoneInfo("Asia/Kolkata"))
    utc = order.due_at.astimezone(ZoneInfo("UTC"))
    shown, stored = local.strftime("%H:%M"), utc.strftime("%H:%M")
    assert shown != stored

    context = logged_in_context(browser, live_daphne, alice)
    page = context.new_page()
    page.goto(f"{live_daphne.url}/seller/dashboard/")
    due = page.locator(".dashboard-order time")
    expect(due).to_contain_text(shown)
    expect(due).not_to_contain_text(stored)

    page.goto(f"{live_daphne.url}{order.get_absolute_url()}")
    expect(page.locator(".terms")).to_contain_text(local.strftime("%-d %b %Y, %H:%M"))

    thread = open_thread(context, live_daphne, Conversation.objects.get(order=order))
    line = thread.locator("li.is-system", has_text="sent the requirements")
    expect(line.locator("time[data-system-time]")).to_contain_text(shown)
    expect(line).not_to_contain_text("UTC")
    context.close()


def test_a_live_list_row_is_the_row_the_server_draws(browser, live_daphne, transactional_db):
    """A row updated live (a new message while the list is open) used to be patched in the
    browser: a system line's stored time shown raw, the whole body as the preview. It must
    read exactly as the row the server draws on a reload, in the account's zone, whatever
    the browser's (New York here, the account Auckland). The line: alice's custom offer,
    whose text ends with its expiry time."""
    alice = SellerFactory(username="alice", timezone="Asia/Kolkata")
    bob = UserFactory(username="bob", timezone="Pacific/Auckland")
    general = off_loop(
        get_or_start_conversation,
        starter=bob,
        other=alice,
        gig=GigFactory(seller=alice, title="Logo"),
    )
    send(general, bob, "Hello Alice")
    bob_context = logged_in_context(browser, live_daphne, bob, timezone_id="America/New_York")
    page = bob_context.new_page()
    page.goto(f"{live_daphne.url}/inbox/")
    page.wait_for_function("() => window.GigboxRealtime && window.GigboxRealtime.isOpen()")
    row = page.locator("li.conversation").first
    expect(row.locator("[data-preview]")).to_have_text("Hello Alice")

    alice_context = logged_in_context(browser, live_daphne, alice)
    alice_page = open_thread(alice_context, live_daphne, general)
    alice_page.get_by_role("link", name="Create an offer").click()
    form = alice_page.locator("[data-offer-form]")
    form.get_by_label("What you will deliver").fill("A fox.")
    form.get_by_label("Price (USD)").fill("120")
    form.get_by_label("Delivery (days)").fill("5")
    form.get_by_role("button", name="Send offer").click()
    expect(alice_page.locator("[data-offer-card]")).to_be_visible()
    expires = Offer.objects.get().expires_at
    assert stamp(expires) in Message.objects.filter(conversation=general).last().body
    shown = expires.astimezone(ZoneInfo("Pacific/Auckland")).strftime("%-d %b %Y, %H:%M")

    expect(row.locator("[data-preview]")).to_contain_text("Custom offer")
    expect(row.locator("[data-preview]")).to_contain_text(shown)
    live = (row.inner_text(), row.locator("time.conversation-time").get_attribute("title"))
    sent = Message.objects.filter(conversation=general).last().created_at
    assert f"{sent.astimezone(ZoneInfo('Pacific/Auckland')):%-I:%M %p}" in live[1]
    page.reload()
    expect(row.locator("[data-preview]")).to_contain_text(shown)
    assert (row.inner_text(), row.locator("time.conversation-time").get_attribute("title")) == live
    bob_context.close()
    alice_context.close()
