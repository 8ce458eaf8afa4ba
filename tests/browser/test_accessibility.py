"""Accessibility and the quieter thread (issue 19, problems 9 and 10): axe-core (bundled by
axe-playwright-python, no network) finds no serious or critical WCAG 2.2 AA violation on the
inbox, a thread, an order and an offer page at 1280 px and 390 px; bubbles name their author
and time; the composer has the focus on open; Escape closes menus; runs of one author show
one time; Report sits in a per-message menu; own links are clickable, others are text; image
attachments get a server-made preview; the tab title counts unread messages."""

from __future__ import annotations

import io
import re
from decimal import Decimal
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from PIL import Image
from playwright.sync_api import Page, expect

from deals.services import send_offer
from inbox.checks import AttachmentUpload
from inbox.conversations import get_or_start_conversation
from inbox.models import Conversation
from inbox.read_marks import mark_read
from inbox.send import send_message
from marketplace import services as orders
from marketplace.tests.factories import GigFactory, OrderFactory, SellerFactory
from tests.browser.test_inbox_live import DESKTOP, PHONE, logged_in_context, off_loop, send

SHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
AXE = Axe()


def serious_violations(page: Page) -> list[str]:
    results = AXE.run(
        page,
        options={"runOnly": {"type": "tag", "values": WCAG}, "resultTypes": ["violations"]},
    )
    return [
        f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']][:4]}"
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def png(width: int, height: int) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), (27, 127, 91)).save(out, "PNG")
    return out.getvalue()


@pytest.fixture
def world(alice, bob):
    gig = GigFactory(seller=alice, title="I will design a minimalist logo")
    general = off_loop(get_or_start_conversation, starter=bob, other=alice, gig=gig)
    send(general, bob, "Hi! Could you do a logo for my bakery?")
    for text in [
        "Sure, happy to.",
        "Our gigs are listed at https://gigbox.example/gigs/logo (and not https://evil.example/x)",
        "Send me the brief when you can.",
    ]:
        send(general, alice, text)
    off_loop(
        send_message,
        conversation=general,
        sender=bob,
        body="",
        client_id="brief-image",
        attachments=[AttachmentUpload(name="moodboard.png", content=png(900, 600))],
    )
    offer = off_loop(
        send_offer,
        conversation=general,
        seller=alice,
        gig=gig,
        description="Three concepts, a brand sheet and the source files.",
        price=Decimal("120"),
        delivery_days=5,
        revisions=1,
    )
    order = OrderFactory(buyer=bob, gig=gig)
    off_loop(orders.submit_requirements, order=order, actor=bob, requirements="Green, warm.")
    return general, offer, order


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1280px", "390px"])
def test_no_serious_or_critical_violations_on_inbox_thread_order_and_offer_pages(
    browser, live_daphne, world, bob, viewport
):
    general, offer, order = world
    page = logged_in_context(browser, live_daphne, bob, viewport=viewport).new_page()
    found = {}
    for name, path in [
        ("inbox", "/inbox/"),
        ("thread", f"/inbox/{general.pk}/"),
        ("order", order.get_absolute_url()),
        ("offer", offer.get_absolute_url()),
    ]:
        page.goto(live_daphne.url + path)
        page.wait_for_load_state("networkidle")
        found[name] = serious_violations(page)
    assert found == {"inbox": [], "thread": [], "order": [], "offer": []}


def test_bubbles_focus_menus_and_the_quieter_thread(browser, live_daphne, world, alice, bob):
    general, _, _ = world
    page = logged_in_context(browser, live_daphne, bob).new_page()
    page.goto(f"{live_daphne.url}/inbox/{general.pk}/")
    page.wait_for_function("() => window.GigboxRealtime && window.GigboxRealtime.isOpen()")

    # The composer has the focus on open.
    expect(page.get_by_label(re.compile("^Message to "))).to_be_focused()

    # Each bubble's text starts with its author and time (read first by screen readers).
    theirs = page.locator("li.message.is-theirs")
    expect(theirs.first.locator("[data-slot='who']")).to_have_text(
        re.compile(r"^Alice Studio, \d{1,2}:\d{2}")
    )
    expect(page.locator("li.message.is-mine").first.locator("[data-slot='who']")).to_have_text(
        re.compile(r"^You, ")
    )

    # Alice's three messages in a row: one time, under the last.
    expect(theirs).to_have_count(3)
    expect(theirs.nth(0)).to_have_class(re.compile("is-followed"))
    expect(theirs.nth(1)).to_have_class(re.compile("is-followed"))
    expect(theirs.nth(2)).not_to_have_class(re.compile("is-followed"))
    expect(theirs.nth(0).locator("[data-slot='time']")).to_be_hidden()
    expect(theirs.nth(2).locator("[data-slot='time']")).to_be_visible()

    # Report is in the message's menu; Escape closes it and gives the focus back.
    report = theirs.first.get_by_role("link", name="Report this message")
    expect(report).to_be_hidden()
    menu_button = theirs.first.locator(".message-menu-button")
    menu_button.click()
    expect(report).to_be_visible()
    page.keyboard.press("Escape")
    expect(report).to_be_hidden()
    page.locator(".thread-actions summary").click()
    expect(page.get_by_role("button", name="Archive")).to_be_visible()
    page.keyboard.press("Escape")
    expect(page.get_by_role("button", name="Archive")).to_be_hidden()

    # Our own link is clickable and safe; another site's stays text.
    links = theirs.nth(1).locator(".message-body a")
    expect(links).to_have_count(1)
    expect(links.first).to_have_attribute("href", "https://gigbox.example/gigs/logo")
    expect(links.first).to_have_attribute("rel", "nofollow noopener noreferrer")
    expect(theirs.nth(1)).to_contain_text("https://evil.example/x")

    # The image attachment has a server-made preview; the offer line shows its card only.
    thumb = page.locator("img.attachment-thumb")
    expect(thumb).to_have_count(1)
    page.wait_for_function(
        "img => img.complete && img.naturalWidth > 0", arg=thumb.element_handle()
    )
    assert thumb.evaluate("img => img.naturalWidth") == 320
    offer_line = page.locator("li.message.has-offer")
    expect(offer_line.locator(".message-body")).to_be_hidden()
    expect(offer_line.locator("[data-offer-card]")).to_contain_text("1 revision")
    expect(offer_line.locator("[data-offer-card]")).not_to_contain_text("1 revisions")

    # The tab's title counts unread messages; the page has a favicon.
    other = off_loop(get_or_start_conversation, starter=SellerFactory(username="carmen"), other=bob)
    send(other, Conversation.objects.get(pk=other.pk).user_a, "Hello from carmen")
    send(other, Conversation.objects.get(pk=other.pk).user_b, "Hello from carmen")
    expect(page).to_have_title(re.compile(r"^\(\d+\) "))
    icon = page.locator("link[rel=icon]").first.get_attribute("href")
    assert page.request.get(live_daphne.url + icon).ok


def test_on_a_phone_with_the_keyboard_open_four_messages_show(browser, live_daphne, alice, bob):
    general = off_loop(get_or_start_conversation, starter=bob, other=alice)
    for n in range(8):
        send(general, alice if n % 2 else bob, f"Short message number {n}.")
    general.refresh_from_db()
    off_loop(mark_read, conversation=general, user=bob, seq=general.last_seq)
    # 390 x 470: a phone's window with the on-screen keyboard taking the rest.
    context = logged_in_context(browser, live_daphne, bob, viewport={"width": 390, "height": 470})
    page = context.new_page()
    page.goto(f"{live_daphne.url}/inbox/{general.pk}/")
    page.wait_for_function("() => window.GigboxRealtime && window.GigboxRealtime.isOpen()")
    page.wait_for_timeout(300)
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "thread-keyboard-390.png"))
    shown = page.locator("li.message").evaluate_all(
        """items => {
            const box = document.querySelector('[data-thread-scroll]').getBoundingClientRect();
            return items.filter(li => {
                const r = li.getBoundingClientRect();
                return r.height > 0 && r.top >= box.top - 1 && r.bottom <= box.bottom + 1;
            }).length;
        }"""
    )
    assert shown >= 4
    context.close()
