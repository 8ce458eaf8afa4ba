"""Quick responses in a real browser (static/js/quick_replies.js): "/" in an empty composer
opens the saved replies and typing filters them; Alt+Q opens them anywhere in the composer;
Enter inserts the chosen reply into the composer, never sends it."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from deals.services import create_saved_reply
from inbox.conversations import get_or_start_conversation
from inbox.models import Message
from marketplace.tests.factories import GigFactory, SellerFactory, UserFactory
from tests.browser.test_inbox_live import logged_in_context, off_loop, open_thread

THANKS = "Thank you for your order! I will start on it today and keep you posted here."
REVISION = (
    "Happy to revise it: tell me what to change and I will send a new version within two days."
)


@pytest.fixture
def alice(transactional_db):
    seller = SellerFactory(username="alice", email="alice@example.com")
    off_loop(create_saved_reply, user=seller, title="Thanks for ordering", body=THANKS)
    off_loop(create_saved_reply, user=seller, title="Revision", body=REVISION)
    return seller


@pytest.fixture
def conversation(alice):
    bob = UserFactory(username="bob", email="bob@example.com")
    gig = GigFactory(seller=alice, title="I will design a minimalist logo")
    return off_loop(get_or_start_conversation, starter=bob, other=alice, gig=gig)


def composer_of(page: Page):
    return page.locator("[data-composer-input]")


def test_slash_in_an_empty_composer_lists_the_replies_and_enter_inserts_one(
    browser, live_daphne, alice, conversation
):
    page = open_thread(logged_in_context(browser, live_daphne, alice), live_daphne, conversation)
    composer = composer_of(page)
    composer.click()
    composer.press("/")

    panel = page.locator("#quick-replies-panel")
    expect(panel.get_by_role("option")).to_have_count(2)
    expect(composer).to_have_attribute("aria-expanded", "true")
    composer.press_sequentially("rev")  # filters by title
    expect(panel.get_by_role("option")).to_have_count(1)
    expect(panel.get_by_role("option")).to_contain_text("Revision")
    composer.press("Enter")

    expect(composer).to_have_value(REVISION)
    expect(panel).to_have_count(0)
    assert not Message.objects.filter(conversation=conversation).exists()  # inserted, not sent


def test_alt_q_opens_the_replies_with_text_already_written(
    browser, live_daphne, alice, conversation
):
    page = open_thread(logged_in_context(browser, live_daphne, alice), live_daphne, conversation)
    composer = composer_of(page)
    composer.fill("Hi Bob,")
    composer.press("/")  # not an empty composer: just a character
    expect(page.locator("#quick-replies-panel")).to_have_count(0)

    composer.press("Alt+q")
    options = page.locator("#quick-replies-panel").get_by_role("option")
    # By title (SavedReply.Meta.ordering): "Revision", then "Thanks for ordering".
    expect(options).to_have_count(2)
    expect(options.nth(0)).to_contain_text("Revision")
    composer.press("ArrowDown")
    expect(options.nth(1)).to_have_attribute("aria-selected", "true")
    composer.press("Enter")

    expect(composer).to_have_value("Hi Bob,/ " + THANKS)  # the draft (and its "/") is kept
    assert not Message.objects.filter(conversation=conversation).exists()


def test_a_reply_goes_in_at_the_cursor_and_the_draft_is_kept(
    browser, live_daphne, alice, conversation
):
    page = open_thread(logged_in_context(browser, live_daphne, alice), live_daphne, conversation)
    composer = composer_of(page)
    composer.fill("Hi Bob,\n\nBest, Alice")
    composer.evaluate("el => el.setSelectionRange(9, 9)")  # after "Hi Bob,\n\n"
    composer.press("Alt+q")
    page.locator("#quick-replies-panel").get_by_role("option", name="Revision").click()
    expect(composer).to_have_value("Hi Bob,\n\n" + REVISION + "Best, Alice")
    expect(composer).to_be_focused()

    # The visible button does the same, at the cursor, and Escape closes the list.
    composer.evaluate("el => el.setSelectionRange(el.value.length, el.value.length)")
    button = page.get_by_role("button", name="Quick replies")
    expect(button).to_be_visible()
    button.click()
    panel = page.locator("#quick-replies-panel")
    expect(panel.get_by_role("option")).to_have_count(2)
    page.keyboard.press("Escape")
    expect(panel).to_have_count(0)
    button.click()
    panel.get_by_role("option", name="Thanks for ordering").click()
    expect(composer).to_have_value("Hi Bob,\n\n" + REVISION + "Best, Alice " + THANKS)
    assert not Message.objects.filter(conversation=conversation).exists()
