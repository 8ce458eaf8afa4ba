"""The inbox in a real browser: two people (bob buys, alice sells) in two browser contexts,
talking through a real daphne process (live_daphne).

Messages are sent through the page's composer, so they travel the real path: socket ->
consumer -> send path -> channel layer -> the other socket. Screenshots of the inbox at
390 px and 1280 px go to GIGBOX_SHOTS_DIR when it is set (e.g. /tmp/shots).
"""

from __future__ import annotations

import os
import re
import uuid
from pathlib import Path

import pytest
from django.test import Client
from playwright.sync_api import BrowserContext, Page, expect

from inbox.conversations import get_or_start_conversation
from inbox.send import send_message
from marketplace.tests.factories import GigFactory, SellerFactory
from tests.browser.support import off_loop

# The test database before Playwright's event loop starts (Django refuses to create it
# inside a running loop).
pytestmark = pytest.mark.usefixtures("django_db_setup")

TIMEOUT_MS = 10_000


def start_conversation(**kwargs):
    return off_loop(get_or_start_conversation, **kwargs)


def send(conversation, sender, body: str):
    return off_loop(
        send_message,
        conversation=conversation,
        sender=sender,
        body=body,
        client_id=uuid.uuid4().hex,
    )


PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}


@pytest.fixture
def conversation(alice, bob):
    gig = GigFactory(seller=alice, title="I will design a minimalist logo")
    return start_conversation(starter=bob, other=alice, gig=gig)


def logged_in_context(browser, live_daphne, user, viewport=DESKTOP, **options) -> BrowserContext:
    """A browser context carrying a real session of `user` (no login form needed); `options`
    go to new_context (e.g. timezone_id, java_script_enabled)."""
    client = Client()
    client.force_login(user)
    context = browser.new_context(
        **{"viewport": viewport, "locale": "en-US", "timezone_id": "UTC", **options}
    )
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_daphne.url}]
    )
    context.set_default_timeout(TIMEOUT_MS)
    return context


def open_thread(context: BrowserContext, live_daphne, conversation) -> Page:
    page = context.new_page()
    page.goto(f"{live_daphne.url}/inbox/{conversation.pk}/")
    wait_until_connected(page)
    return page


def wait_until_connected(page: Page) -> None:
    page.wait_for_function(
        "() => window.GigboxRealtime && window.GigboxRealtime.isOpen()", timeout=20_000
    )


def send_from_composer(page: Page, text: str) -> None:
    box = page.get_by_label(re.compile("^Message to "))
    box.fill(text)
    box.press("Enter")


def theirs(page: Page):
    return page.locator("li.message.is-theirs")


def mine(page: Page):
    return page.locator("li.message.is-mine")


@pytest.fixture
def two_people(browser, live_daphne, conversation, alice, bob):
    bob_context = logged_in_context(browser, live_daphne, bob)
    alice_context = logged_in_context(browser, live_daphne, alice)
    yield bob_context, alice_context
    bob_context.close()
    alice_context.close()


def test_a_message_arrives_live_and_the_sender_sees_it_sent(two_people, live_daphne, conversation):
    bob_context, alice_context = two_people
    bob_page = open_thread(bob_context, live_daphne, conversation)
    alice_page = open_thread(alice_context, live_daphne, conversation)
    alice_page.evaluate("() => { window.__loadedOnce = true; }")

    send_from_composer(bob_page, "Hi Alice, is a logo in three days possible?")

    expect(theirs(alice_page)).to_have_count(1)
    expect(theirs(alice_page).first).to_contain_text("is a logo in three days possible?")
    assert alice_page.evaluate("() => window.__loadedOnce") is True  # no reload happened
    sent = mine(bob_page).first
    expect(sent).to_have_attribute("data-seq", "1")
    expect(sent).not_to_have_class(re.compile("is-pending|is-failed"))
    expect(alice_page.locator("[data-live-region]")).to_contain_text("New message from")
    # Shift+Enter breaks the line instead of sending.
    box = bob_page.get_by_label(re.compile("^Message to "))
    box.fill("first line")
    box.press("Shift+Enter")
    box.type("second line")
    expect(box).to_have_value("first line\nsecond line")
    expect(mine(bob_page)).to_have_count(1)


def test_contact_details_become_a_chip_and_the_sender_is_warned_first(
    two_people, live_daphne, conversation
):
    bob_context, alice_context = two_people
    bob_page = open_thread(bob_context, live_daphne, conversation)
    alice_page = open_thread(alice_context, live_daphne, conversation)

    box = bob_page.get_by_label(re.compile("^Message to "))
    box.fill("call me +1 415 555 0198")
    warning = bob_page.locator("[data-contact-warning]")
    expect(warning).to_be_visible()
    expect(warning).to_contain_text("phone number")
    box.press("Enter")

    received = theirs(alice_page).first
    expect(received.locator(".chip-hidden")).to_have_text("contact details hidden")
    expect(received).not_to_contain_text("555")
    expect(mine(bob_page).first.locator(".chip-hidden")).to_be_visible()
    expect(warning).to_contain_text("We hid a phone number")  # told after sending, too


def test_typing_indicator_and_seen_receipt(two_people, live_daphne, conversation):
    bob_context, alice_context = two_people
    bob_page = open_thread(bob_context, live_daphne, conversation)
    alice_page = open_thread(alice_context, live_daphne, conversation)

    bob_page.get_by_label(re.compile("^Message to ")).type("Hello th")
    expect(alice_page.locator("[data-typing]")).to_be_visible()
    expect(alice_page.locator("[data-typing]")).to_contain_text("is typing")

    bob_page.get_by_label(re.compile("^Message to ")).press("Enter")
    expect(theirs(alice_page)).to_have_count(1)
    # Alice has the thread open: she reads it, and Bob sees "Seen".
    expect(mine(bob_page).first.locator('[data-slot="status"]')).to_have_text("Seen")


def test_the_header_badge_counts_unread_messages_live(two_people, live_daphne, conversation):
    bob_context, alice_context = two_people
    bob_page = open_thread(bob_context, live_daphne, conversation)
    alice_home = alice_context.new_page()
    alice_home.goto(f"{live_daphne.url}/")
    wait_until_connected(alice_home)
    badge = alice_home.locator(".site-nav [data-unread-badge]")
    expect(badge).to_be_hidden()

    send_from_composer(bob_page, "First question")
    send_from_composer(bob_page, "Second question")

    expect(badge).to_have_text("2")
    expect(badge).to_be_visible()
    alice_thread = open_thread(alice_context, live_daphne, conversation)
    expect(theirs(alice_thread)).to_have_count(2)
    expect(badge).to_be_hidden()  # read in the other tab: the count falls everywhere


def test_it_catches_up_after_a_server_restart_without_reload(
    two_people, live_daphne, conversation, alice
):
    bob_context, _ = two_people
    bob_page = open_thread(bob_context, live_daphne, conversation)
    bob_page.evaluate("() => { window.__loadedOnce = true; }")

    live_daphne.stop()
    bob_page.wait_for_function("() => !window.GigboxRealtime.isOpen()")
    # Sent while Bob's server is down: stored in the database, its live push lost.
    send(conversation, alice, "Sent while you were away")
    live_daphne.start()

    expect(theirs(bob_page)).to_have_count(1, timeout=20_000)
    expect(theirs(bob_page).first).to_contain_text("Sent while you were away")
    assert bob_page.evaluate("() => window.__loadedOnce") is True


def test_a_send_while_disconnected_is_not_lost(two_people, live_daphne, conversation):
    """Written while the server is away, the message waits in the page (the outbox) and is
    sent by itself when the connection is back (it used to fail with a Retry button)."""
    bob_context, alice_context = two_people
    bob_page = open_thread(bob_context, live_daphne, conversation)
    live_daphne.stop()
    bob_page.wait_for_function("() => !window.GigboxRealtime.isOpen()")
    send_from_composer(bob_page, "Are you there?")
    waiting = mine(bob_page).first
    expect(waiting).to_have_class(re.compile("is-pending"))
    expect(waiting).to_contain_text("Waiting for the connection")
    live_daphne.start()
    bob_page.locator("[data-connection-state]").get_by_role("button", name="Try now").click()
    expect(waiting).not_to_have_class(re.compile("is-failed|is-pending"), timeout=15_000)
    alice_page = open_thread(alice_context, live_daphne, conversation)
    expect(theirs(alice_page)).to_have_count(1)


def test_markup_in_a_live_message_is_shown_as_text(two_people, live_daphne, conversation):
    bob_context, alice_context = two_people
    bob_page = open_thread(bob_context, live_daphne, conversation)
    alice_page = open_thread(alice_context, live_daphne, conversation)
    payload = '<img src=x onerror="window.__xss=1"><script>window.__xss=2</script>'
    send_from_composer(bob_page, payload)
    expect(theirs(alice_page).first.locator(".message-body")).to_have_text(payload)
    expect(mine(bob_page).first).to_have_attribute("data-seq", "1")
    for page in (alice_page, bob_page):
        assert page.evaluate("() => window.__xss") is None
        assert page.locator(".message-body img, .message-body script").count() == 0


def test_older_messages_load_as_the_reader_scrolls_up(
    browser, live_daphne, conversation, alice, bob, settings
):
    settings.GIGBOX_SEND_RATE_LIMIT = 100  # the history is written by this test, not typed
    for n in range(70):
        send(
            conversation,
            alice if n % 2 else bob,
            "note " + "".join("abcdefghij"[int(d)] for d in f"{n:02d}"),
        )
    context = logged_in_context(browser, live_daphne, bob)
    page = open_thread(context, live_daphne, conversation)
    expect(page.locator("li.message")).to_have_count(50)
    page.locator("[data-thread-scroll]").evaluate(
        "el => { el.scrollTop = 0; el.dispatchEvent(new Event('scroll')); }"
    )
    expect(page.locator("li.message")).to_have_count(70)
    seqs = page.locator("li.message").evaluate_all(
        "items => items.map(li => Number(li.dataset.seq))"
    )
    assert seqs == list(range(1, 71))
    expect(page.locator("[data-load-earlier]")).to_be_hidden()
    context.close()


def test_filing_from_the_actions_menu_works_by_keyboard_without_reload(
    browser, live_daphne, conversation, bob
):
    context = logged_in_context(browser, live_daphne, bob)
    page = open_thread(context, live_daphne, conversation)
    page.evaluate("() => { window.__loadedOnce = true; }")
    actions = page.locator(".thread-actions summary")
    actions.focus()
    page.keyboard.press("Enter")
    star = page.get_by_role("button", name="Star", exact=True)
    star.focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("button", name="Unstar", exact=True)).to_be_visible()
    expect(page.locator(f'[data-conversation-row="{conversation.pk}"] .star')).to_be_visible()
    page.get_by_label("Labels").fill("Logo, " + "x" * 31)
    page.get_by_role("button", name="Save").click()
    expect(page.locator("[data-labels-error]")).to_contain_text("30 characters")
    page.get_by_label("Labels").fill("Logo, Urgent")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".inbox-filters").get_by_role("link", name="Urgent")).to_be_visible()
    assert page.evaluate("() => window.__loadedOnce") is True
    context.close()


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["390px", "1280px"])
def test_layout_fits_and_screenshots(browser, live_daphne, conversation, alice, bob, viewport):
    others = [SellerFactory(username=name) for name in ("carmen", "dmitri")]
    for other in others:
        send(
            start_conversation(starter=bob, other=other),
            other,
            f"Hello from {other.username}, thanks for your order!",
        )
    for sender, body in [
        (bob, "Hi! Could you do a logo for my bakery?"),
        (alice, "Sure. Send me the brief, or call me +1 415 555 0198"),
        (bob, "Great, the brief is below.\nColours: green and cream."),
    ]:
        send(conversation, sender, body)
    context = logged_in_context(browser, live_daphne, bob, viewport=viewport)
    page = context.new_page()
    shots = os.environ.get("GIGBOX_SHOTS_DIR")
    width = viewport["width"]

    def shoot(name: str) -> None:
        overflow = page.evaluate("() => document.documentElement.scrollWidth")
        assert overflow <= width, f"{name} is {overflow}px wide at {width}px"
        if shots:
            Path(shots).mkdir(parents=True, exist_ok=True)
            page.screenshot(path=f"{shots}/inbox-{name}-{width}.png")

    for name, path in [("list", "/inbox/"), ("thread", f"/inbox/{conversation.pk}/")]:
        page.goto(live_daphne.url + path)
        wait_until_connected(page)
        shoot(name)
    page.get_by_label(re.compile("^Message to ")).fill("my mail is bob@example.com")
    expect(page.locator("[data-contact-warning]")).to_be_visible()
    shoot("warning")
    page.locator(".thread-actions summary").click()
    expect(page.get_by_role("button", name="Archive")).to_be_visible()
    shoot("actions")
    page.goto(live_daphne.url + page.locator(".is-theirs .report-link").first.get_attribute("href"))
    shoot("report")
    page.goto(live_daphne.url + "/inbox/?filter=starred")
    expect(page.get_by_text("No conversations here.")).to_be_visible()
    shoot("empty")
    context.close()
