"""The thread view people can trust (issue 19, problems 1 and 2): a thread opens at the
newest message once everything (offer cards included) is drawn, or at the first unread
message with a line before it; new messages arriving while the reader is scrolled up wait
behind a "N new messages" pill; the open conversation's unread badge clears as its messages
are seen, in every tab of the user."""

from __future__ import annotations

from decimal import Decimal

import pytest
from playwright.sync_api import Page, expect

from deals.services import send_offer
from inbox.read_marks import mark_read
from tests.browser import test_inbox_live as live
from tests.browser.test_inbox_live import logged_in_context, off_loop, open_thread, send

# The two people and their conversation, as in the live inbox tests.
conversation = live.conversation  # alice and bob: tests/browser/conftest.py

LONG = "A long line about the logo: colours, fonts, the bakery's name and the mood. " * 3


def gap_below(page: Page) -> float:
    """Pixels between the bottom of the visible messages and the newest message."""
    return page.locator("[data-thread-scroll]").evaluate(
        "el => el.scrollHeight - el.scrollTop - el.clientHeight"
    )


def wheel_up(page: Page) -> None:
    box = page.locator("[data-thread-scroll]").bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.wheel(0, -20_000)
    page.wait_for_function("() => document.querySelector('[data-thread-scroll]').scrollTop < 5")


def row_badge(page: Page, conversation):
    return page.locator(f'[data-conversation-row="{conversation.pk}"] [data-row-unread]')


@pytest.fixture
def long_history(conversation, alice, bob, settings):
    settings.GIGBOX_SEND_RATE_LIMIT = 200  # the history is written by the test, not typed
    for n in range(12):
        send(conversation, alice if n % 2 else bob, f"{n}: {LONG}")
    return conversation


def test_a_thread_opens_at_the_newest_message_after_the_offer_cards_are_drawn(
    browser,
    live_daphne,
    long_history,
    alice,
    bob,
):
    gig = long_history.gig
    for n in range(3):
        off_loop(
            send_offer,
            conversation=long_history,
            seller=alice,
            gig=gig,
            description=f"Offer {n}: three concepts, a brand sheet and the source files.\n" * 3,
            price=Decimal("120"),
            delivery_days=5,
            revisions=2,
        )
    send(long_history, alice, "The offers are above: the last one is the best value.")
    long_history.refresh_from_db()
    off_loop(mark_read, conversation=long_history, user=bob, seq=long_history.last_seq)

    page = open_thread(logged_in_context(browser, live_daphne, bob), live_daphne, long_history)
    expect(page.locator("[data-offer-card]")).to_have_count(3)
    page.wait_for_timeout(300)  # any late layout has happened
    assert gap_below(page) < 4
    expect(page.locator("li.message").last).to_be_in_viewport()


def test_the_first_unread_message_is_marked_and_shown(
    browser,
    live_daphne,
    long_history,
    alice,
    bob,
):
    off_loop(mark_read, conversation=long_history, user=alice, seq=long_history.last_seq)
    for n in range(6):
        send(long_history, bob, f"unread {n}: {LONG}")
    page = open_thread(logged_in_context(browser, live_daphne, alice), live_daphne, long_history)
    divider = page.locator("[data-unread-divider]")
    expect(divider).to_have_count(1)
    expect(divider).to_be_in_viewport()
    expect(divider.locator("xpath=following-sibling::li[@data-seq][1]")).to_contain_text("unread 0")


def test_new_messages_wait_behind_a_pill_when_scrolled_up_and_follow_at_the_bottom(
    browser,
    live_daphne,
    long_history,
    alice,
    bob,
):
    page = open_thread(logged_in_context(browser, live_daphne, bob), live_daphne, long_history)
    # At the bottom: a new message scrolls into view by itself.
    send(long_history, alice, "One more thing about the fonts.")
    expect(page.locator("li.message").last).to_contain_text("One more thing")
    page.wait_for_timeout(200)
    assert gap_below(page) < 4

    wheel_up(page)
    for n in range(3):
        send(long_history, alice, f"While you read {n}: {LONG}")
    pill = page.locator("[data-new-pill]")
    expect(pill).to_have_text("3 new messages")
    expect(pill).to_be_visible()
    assert page.locator("[data-thread-scroll]").evaluate("el => el.scrollTop") < 5
    pill.click()
    expect(pill).to_be_hidden()
    expect(page.locator("li.message").last).to_be_in_viewport()


def test_the_open_conversations_badge_clears_as_its_messages_are_seen_in_every_tab(
    browser,
    live_daphne,
    long_history,
    alice,
    bob,
):
    off_loop(mark_read, conversation=long_history, user=alice, seq=long_history.last_seq)
    for n in range(3):
        send(long_history, bob, f"before you open {n}")
    context = logged_in_context(browser, live_daphne, alice)
    list_tab = context.new_page()
    list_tab.goto(f"{live_daphne.url}/inbox/")
    expect(row_badge(list_tab, long_history)).to_have_text("3 unread")

    thread_tab = open_thread(context, live_daphne, long_history)
    expect(row_badge(thread_tab, long_history)).to_be_hidden()
    expect(row_badge(list_tab, long_history)).to_be_hidden()

    wheel_up(thread_tab)
    for n in range(2):
        send(long_history, bob, f"while scrolled up {n}: {LONG}")
    expect(thread_tab.locator("[data-new-pill]")).to_have_text("2 new messages")
    expect(row_badge(list_tab, long_history)).to_have_text("2 unread")
    expect(row_badge(thread_tab, long_history)).to_have_text("2 unread")

    thread_tab.locator("[data-new-pill]").click()
    expect(row_badge(thread_tab, long_history)).to_be_hidden()
    expect(row_badge(list_tab, long_history)).to_be_hidden()
    context.close()
