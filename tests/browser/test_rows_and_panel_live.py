"""A second buyer/seller walkthrough of issue 19's inbox: the person's row, the side panel and
the order event cards. Each test names the problem it covers."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from inbox.conversations import get_or_start_conversation
from inbox.models import Conversation, Participant
from marketplace import availability
from marketplace import services as orders
from marketplace.tests.factories import GigFactory, OrderFactory
from tests.browser.test_accessibility import serious_violations
from tests.browser.test_inbox_live import (
    PHONE,
    logged_in_context,
    off_loop,
    open_thread,
    send,
    wait_until_connected,
)

pytestmark = pytest.mark.usefixtures("django_db_setup")


def order_thread(alice, bob, title: str = "Bakery logo"):
    order = OrderFactory(buyer=bob, gig=GigFactory(seller=alice, title=title))
    return off_loop(get_or_start_conversation, starter=bob, other=alice, order=order)


def placed_and_started(alice, bob):
    """An order placed through the service (its "placed" event) with the requirements sent."""
    gig = GigFactory(seller=alice, title="Bakery logo")
    order = off_loop(orders.place_order, buyer=bob, package=gig.packages.order_by("price").first())
    off_loop(orders.submit_requirements, order=order, actor=bob, requirements="Green, round.")
    return order, Conversation.objects.get(order=order)


def row(page: Page):
    return page.locator("li.conversation").first


def unread_of(user, thread) -> int:
    p = Participant.objects.select_related("conversation").get(user=user, conversation=thread)
    return p.conversation.last_seq - p.last_read_seq


def test_the_row_opens_the_thread_its_preview_shows_and_reading_clears_its_share(
    browser, live_daphne, alice, bob
):
    """Problem 1: the row previewed a message of the newest order thread but opened an older
    order thread holding an unread system line; the badge never cleared while reading."""
    old = order_thread(alice, bob, "Old order")
    send(old, alice, "Order started")  # unread, older: it used to take the row's link
    current = order_thread(alice, bob)
    send(current, alice, "Hi Bob, when can you start?")
    page = logged_in_context(browser, live_daphne, bob).new_page()
    page.goto(f"{live_daphne.url}/inbox/")
    expect(row(page).locator("[data-preview]")).to_have_text("Hi Bob, when can you start?")
    expect(row(page).locator("[data-row-unread]")).to_have_text("2 unread")

    row(page).locator("a.conversation-link").click()
    expect(page).to_have_url(re.compile(rf"/inbox/{current.pk}/"))
    expect(page.locator("li.message", has_text="Hi Bob, when can you start?")).to_be_visible()
    expect(row(page).locator("[data-row-unread]")).to_have_text("1 unread")  # the old thread's
    wait_until_connected(page)

    send(current, alice, "Any news?")  # read live, as it arrives
    expect(page.locator("li.message", has_text="Any news?")).to_be_visible()
    page.wait_for_function(
        "() => document.querySelector('.site-nav [data-unread-badge]').textContent === '1'"
    )
    assert unread_of(bob, current) == 0
    expect(row(page).locator("[data-preview]")).to_have_text("Any news?")
    expect(row(page).locator("[data-row-unread]")).to_have_text("1 unread")
    expect(
        page.locator(f'[data-person-panel] [data-panel-order="{old.order_id}"] [data-panel-unread]')
    ).to_have_text("1 unread")


def test_the_panel_follows_order_events_live(browser, live_daphne, alice, bob):
    """Problem 2: with the thread open while the seller delivered, the panel kept "In
    progress" and no Accept/Revision until a reload; the seller's panel likewise."""
    order = OrderFactory(buyer=bob, gig=GigFactory(seller=alice, title="Bakery logo"))
    off_loop(orders.submit_requirements, order=order, actor=bob, requirements="Green.")
    thread = Conversation.objects.get(order=order)
    buyer = open_thread(logged_in_context(browser, live_daphne, bob), live_daphne, thread)
    seller = open_thread(logged_in_context(browser, live_daphne, alice), live_daphne, thread)
    entry = f'[data-person-panel] [data-panel-order="{order.pk}"]'
    expect(buyer.locator(entry)).to_contain_text("In progress")
    expect(buyer.locator(entry).get_by_role("button", name="Accept delivery")).to_have_count(0)

    off_loop(orders.deliver_order, order=order, actor=alice, note="Three concepts.")
    expect(buyer.locator("li.is-system", has_text="delivered")).to_be_visible()
    expect(buyer.locator(entry)).to_contain_text("Delivered")
    expect(buyer.locator(entry).get_by_role("button", name="Accept delivery")).to_be_visible()
    expect(buyer.locator(entry).get_by_role("link", name="Ask for a revision")).to_be_visible()
    expect(seller.locator(entry)).to_contain_text("Delivered")
    expect(seller.locator(entry).get_by_role("link", name="Deliver", exact=True)).to_have_count(0)

    off_loop(orders.request_revision, order=order, actor=bob, note="Rounder letters.")
    expect(seller.locator(entry)).to_contain_text("Revision requested")
    expect(seller.locator(entry).get_by_role("link", name="Deliver", exact=True)).to_be_visible()
    expect(buyer.locator(entry).get_by_role("button", name="Accept delivery")).to_have_count(0)


def test_an_event_card_offers_the_orders_current_step_only(browser, live_daphne, alice, bob):
    """Problem 4: the "placed" card still offered "Send the requirements" after they were
    sent at checkout. Only the newest event carries a step, the order's current one."""
    order, thread = placed_and_started(alice, bob)
    buyer = open_thread(logged_in_context(browser, live_daphne, bob), live_daphne, thread)
    placed = buyer.locator("li.is-system", has_text="placed by")
    expect(placed).to_be_visible()
    expect(buyer.locator("li.is-system", has_text="sent the requirements")).to_be_visible()
    buyer.wait_for_timeout(300)  # the cards are decorated on the next frame
    expect(buyer.get_by_role("link", name="Send the requirements")).to_have_count(0)
    expect(buyer.locator("[data-message-list] [data-event-action]")).to_have_count(0)

    seller = open_thread(logged_in_context(browser, live_daphne, alice), live_daphne, thread)
    started = seller.locator("li.is-system", has_text="sent the requirements")
    expect(started.get_by_role("link", name="Deliver", exact=True)).to_have_attribute(
        "href", f"{order.get_absolute_url()}#deliver-title"
    )
    expect(
        seller.locator("li.is-system", has_text="placed by").locator(".event-actions")
    ).to_have_count(0)

    off_loop(orders.deliver_order, order=order, actor=alice, note="Three concepts.")
    delivered = buyer.locator("li.is-system", has_text="delivered")
    expect(delivered.get_by_role("button", name="Accept delivery")).to_be_visible()
    expect(started.get_by_role("link", name="Deliver", exact=True)).to_have_count(0)
    delivered.get_by_role("button", name="Accept delivery").click()
    expect(buyer.locator("[data-order-status]")).to_have_text("Completed")


def test_the_phone_drawer_is_a_dialog_that_holds_and_returns_the_focus(
    browser, live_daphne, alice, bob
):
    """Problem 3: at 390 px Enter on "Orders & offers" left the focus on the toggle, Tab
    walked the thread behind, Escape left the focus in the thread."""
    thread = order_thread(alice, bob)
    send(thread, alice, "See https://example.com/brief and the order page")
    context = logged_in_context(browser, live_daphne, bob, viewport=PHONE)
    page = open_thread(context, live_daphne, thread)
    toggle = page.get_by_role("button", name="Orders & offers")
    toggle.focus()
    page.keyboard.press("Enter")
    dialog = page.get_by_role("dialog", name="With Alice Studio")
    expect(dialog).to_be_visible()
    inside = "() => document.querySelector('[data-person-panel]').contains(document.activeElement)"
    assert page.evaluate(inside)
    for key in ["Tab"] * 8 + ["Shift+Tab"] * 8:
        page.keyboard.press(key)
        assert page.evaluate(inside), key
    assert serious_violations(page) == []
    page.keyboard.press("Escape")
    expect(dialog).to_have_count(0)
    expect(page.locator("[data-person-panel]")).to_be_hidden()
    expect(toggle).to_be_focused()


def test_an_away_reply_arriving_live_leaves_the_buyers_question_in_the_row(
    browser, live_daphne, alice, bob
):
    """Problem 5: the seller's row read "Automatic reply: ..." instead of the question."""
    availability.set_away(
        profile=alice.seller_profile,
        until=timezone.now() + timedelta(days=5),
        message="On holiday, back soon.",
    )
    general = off_loop(get_or_start_conversation, starter=bob, other=alice)
    send(general, bob, "Hello")
    page = logged_in_context(browser, live_daphne, alice).new_page()
    page.goto(f"{live_daphne.url}/inbox/")
    wait_until_connected(page)
    expect(row(page).locator("[data-preview]")).to_have_text("Hello")
    other = order_thread(alice, bob)
    send(other, bob, "Could you start on Monday?")  # the away reply follows it
    assert Conversation.objects.get(pk=other.pk).last_message.body.startswith("Automatic reply:")
    expect(row(page).locator("[data-preview]")).to_have_text("Could you start on Monday?")
    page.wait_for_timeout(800)  # the list's refresh after the system line has landed
    expect(row(page).locator("[data-preview]")).to_have_text("Could you start on Monday?")
