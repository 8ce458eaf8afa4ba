"""One row per person and the side panel (issue 19, problem 9): the buyer's list shows a
seller once however many threads they share, with every thread's unread count; opening it
shows the thread its preview is from and a panel of their orders and offers, each with the
next step as a button that works; on a phone the panel is a drawer that Escape closes.
Screenshots at 1280 px and 390 px go to var/screenshots/ (git-ignored)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from inbox.conversations import get_or_start_conversation
from inbox.models import Conversation, Participant
from marketplace import services as orders
from marketplace.models import Order
from marketplace.tests.factories import GigFactory, OrderFactory, SellerFactory
from tests.browser.test_inbox_live import DESKTOP, PHONE, logged_in_context, off_loop, send

SHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"


def shoot(page: Page, name: str) -> None:
    """A screenshot, after checking that nothing is wider than the window."""
    width = page.viewport_size["width"]
    too_wide = page.evaluate(
        """width => Array.from(document.querySelectorAll('body *'))
            .filter(el => el.getBoundingClientRect().right > width + 1
                && getComputedStyle(el).position !== 'fixed' && !el.closest('[data-person-panel]'))
            .slice(0, 5).map(el => el.tagName + '.' + el.className)""",
        width,
    )
    assert page.evaluate("() => document.documentElement.scrollWidth") <= width, too_wide
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.wait_for_timeout(300)  # the drawer's slide has ended
    page.screenshot(path=str(SHOTS / f"{name}-{page.viewport_size['width']}.png"))


@pytest.fixture
def shared(alice, bob):
    """A general thread, a delivered order and a new order between bob and alice; a thread
    with carmen besides."""
    general = off_loop(
        get_or_start_conversation,
        starter=bob,
        other=alice,
        gig=GigFactory(seller=alice, title="I will design a minimalist logo"),
    )
    send(general, bob, "Hi Alice! Could you do a logo for my bakery?")
    send(general, alice, "Sure: order the Basic package and send me the brief.")
    delivered = OrderFactory(buyer=bob, gig=GigFactory(seller=alice, title="Bakery logo"))
    off_loop(orders.submit_requirements, order=delivered, actor=bob, requirements="Green.")
    off_loop(orders.deliver_order, order=delivered, actor=alice, note="Three concepts.")
    fresh = OrderFactory(buyer=bob, gig=GigFactory(seller=alice, title="Bakery menu card"))
    carmen = SellerFactory(username="carmen")
    with_carmen = off_loop(get_or_start_conversation, starter=carmen, other=bob)
    send(with_carmen, carmen, "Hello Bob!")
    return general, delivered, fresh


def row_of(page: Page, name: str):
    return page.locator("li.conversation", has=page.locator(".conversation-name", has_text=name))


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1280px", "390px"])
def test_one_row_per_person_and_the_panels_next_steps_work(
    browser, live_daphne, shared, alice, bob, viewport
):
    general, delivered, fresh = shared
    context = logged_in_context(browser, live_daphne, bob, viewport=viewport)
    page = context.new_page()
    page.goto(f"{live_daphne.url}/inbox/")
    expect(page.locator("li.conversation")).to_have_count(2)
    alices = row_of(page, "Alice Studio")
    expect(alices).to_have_count(1)
    # The row counts every thread with alice: her message and the "delivered" event.
    per_thread = [
        p.conversation.last_seq - p.last_read_seq
        for p in Participant.objects.filter(user=bob).select_related("conversation")
        if p.conversation.other_user_id(bob.pk) == alice.pk
    ]
    assert len([n for n in per_thread if n]) == 2
    expect(alices.locator("[data-row-unread]")).to_have_text(f"{sum(per_thread)} unread")
    shoot(page, "inbox")

    # The row opens the thread its preview is from: the newest, the delivered order's.
    alices.locator("a.conversation-link").click()
    newest = Conversation.objects.get(order=delivered)
    expect(page).to_have_url(re.compile(rf"/inbox/{newest.pk}/"))
    panel = page.locator("[data-person-panel]")
    if viewport is PHONE:
        expect(panel).to_be_hidden()
        page.get_by_role("button", name="Orders & offers").click()
        expect(panel).to_be_visible()
        page.keyboard.press("Escape")
        expect(panel).to_be_hidden()
        page.get_by_role("button", name="Orders & offers").click()
    expect(panel.locator("[data-panel-order]")).to_have_count(2)
    expect(page.locator("[data-connection-state]")).to_be_hidden()  # nothing to say at load
    expect(panel.locator(f'[data-panel-order="{fresh.pk}"]')).to_contain_text(
        "Pending requirements"
    )
    expect(
        panel.locator(f'[data-panel-order="{fresh.pk}"]').get_by_role(
            "link", name="Send the requirements"
        )
    ).to_be_visible()
    shoot(page, "thread-panel")

    panel.locator(f'[data-panel-order="{delivered.pk}"]').get_by_role(
        "button", name="Accept delivery"
    ).click()
    expect(page.locator("[data-order-status]")).to_have_text("Completed")
    assert Order.objects.get(pk=delivered.pk).status == Order.Status.COMPLETED
    shoot(page, "order")

    page.goto(f"{live_daphne.url}/inbox/{general.pk}/")
    if viewport is PHONE:
        page.get_by_role("button", name="Orders & offers").click()
    review = panel.locator(f'[data-panel-order="{delivered.pk}"]').get_by_role(
        "link", name="Leave a review"
    )
    expect(review).to_be_visible()
    context.close()
