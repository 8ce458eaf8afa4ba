"""The outbox (issue 19, problem 5): messages written while the server is away wait in the
page, survive a reload, and are sent once each, in order, with their client_id, when the
connection is back; the connection state is shown (reconnecting with a countdown) and stale
errors and notices are cleared."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from inbox.models import Message
from tests.browser import test_inbox_live as live
from tests.browser.test_inbox_live import (
    logged_in_context,
    mine,
    open_thread,
    send_from_composer,
    wait_until_connected,
)

conversation = live.conversation  # alice and bob: tests/browser/conftest.py

TEXTS = ["First, the colours.", "Second, the fonts.", "Third, the deadline."]


def bodies(conversation) -> list[str]:
    return list(
        Message.objects.filter(conversation=conversation)
        .order_by("seq")
        .values_list("delivered_body", flat=True)
    )


def go_offline(page, live_daphne) -> None:
    live_daphne.stop()
    page.wait_for_function("() => !window.GigboxRealtime.isOpen()")


def test_messages_written_offline_are_sent_once_each_in_order_when_back(
    browser, live_daphne, conversation, bob
):
    page = open_thread(logged_in_context(browser, live_daphne, bob), live_daphne, conversation)
    go_offline(page, live_daphne)
    state = page.locator("[data-connection-state]")
    expect(state).to_contain_text(re.compile(r"Reconnecting in \d+ s"))
    for text in TEXTS:
        send_from_composer(page, text)
    expect(mine(page)).to_have_count(3)
    for item in mine(page).all():
        expect(item).to_contain_text("Waiting for the connection")
    expect(page.locator("[data-composer-error]")).to_be_hidden()
    assert bodies(conversation) == []

    live_daphne.start()
    state.get_by_role("button", name="Try now").click()
    wait_until_connected(page)
    expect(page.locator("li.message.is-mine[data-seq]")).to_have_count(3, timeout=15_000)
    expect(state).to_be_hidden(timeout=6_000)
    assert bodies(conversation) == TEXTS
    seqs = page.locator("li.message.is-mine").evaluate_all(
        "items => items.map(li => li.dataset.seq)"
    )
    assert seqs == ["1", "2", "3"]
    assert page.evaluate("() => localStorage.length") == 0


def test_messages_written_offline_survive_a_reload(browser, live_daphne, conversation, bob):
    context = logged_in_context(browser, live_daphne, bob)
    page = open_thread(context, live_daphne, conversation)
    go_offline(page, live_daphne)
    for text in TEXTS:
        send_from_composer(page, text)
    expect(mine(page)).to_have_count(3)
    page.close()  # the tab goes away with nothing sent
    assert bodies(conversation) == []

    live_daphne.start()
    page = open_thread(context, live_daphne, conversation)
    expect(page.locator("li.message.is-mine[data-seq]")).to_have_count(3, timeout=15_000)
    expect(mine(page)).to_have_count(3)
    page.reload()  # nothing is sent twice
    wait_until_connected(page)
    expect(mine(page)).to_have_count(3)
    assert bodies(conversation) == TEXTS


@pytest.mark.parametrize("viewport", [live.DESKTOP])
def test_the_after_send_notice_goes_when_the_next_message_is_typed(
    browser, live_daphne, conversation, bob, viewport
):
    page = open_thread(logged_in_context(browser, live_daphne, bob), live_daphne, conversation)
    send_from_composer(page, "call me on +1 415 555 0198")
    warning = page.locator("[data-contact-warning]")
    expect(mine(page).first).to_have_attribute("data-seq", "1")
    expect(warning).to_contain_text("hid")
    page.get_by_label(re.compile("^Message to ")).fill("Thanks, talk soon")
    expect(warning).to_be_hidden()


def stored_outbox_files(page) -> int:
    """How many messages' files wait in the page's IndexedDB outbox."""
    return page.evaluate(
        """() => new Promise((resolve) => {
            const open = indexedDB.open("gigbox-outbox", 1);
            open.onupgradeneeded = () => open.result.createObjectStore("files", { keyPath: "key" });
            open.onsuccess = () => {
                const count = open.result.transaction("files").objectStore("files").count();
                count.onsuccess = () => { open.result.close(); resolve(count.result); };
            };
            open.onerror = () => resolve(-1);
        })"""
    )


def test_files_written_offline_survive_a_reload_and_are_sent_once_with_their_message(
    browser, live_daphne, conversation, alice, bob
):
    """Issue 19, the outbox's files: a message with an attachment written offline is kept
    (its file in IndexedDB) across a reload and sent once, with the file, in order."""
    alice_page = open_thread(
        logged_in_context(browser, live_daphne, alice), live_daphne, conversation
    )
    context = logged_in_context(browser, live_daphne, bob)
    page = open_thread(context, live_daphne, conversation)
    go_offline(page, live_daphne)
    page.set_input_files(
        "[data-attach-input]",
        files=[{"name": "brief.txt", "mimeType": "text/plain", "buffer": b"The brief, offline."}],
    )
    send_from_composer(page, TEXTS[0])
    send_from_composer(page, TEXTS[1])
    expect(mine(page)).to_have_count(2)
    expect(mine(page).first).to_contain_text("brief.txt")
    page.wait_for_function(
        "() => Object.keys(localStorage).some((key) => localStorage[key].includes('\"files\":1'))"
    )
    page.close()  # the tab goes away with nothing sent
    assert bodies(conversation) == []

    live_daphne.start()
    page = open_thread(context, live_daphne, conversation)
    expect(page.locator("li.message.is-mine[data-seq]")).to_have_count(2, timeout=15_000)
    first = page.locator("li.message.is-mine[data-seq='1']")
    expect(first.locator("[data-slot='attachments'] a")).to_have_text("brief.txt")
    wait_until_connected(alice_page)
    seen = live.theirs(alice_page)
    expect(seen).to_have_count(2, timeout=15_000)
    expect(seen.first.locator("[data-slot='attachments'] a")).to_have_text("brief.txt")

    page.reload()  # nothing is sent twice
    wait_until_connected(page)
    expect(mine(page)).to_have_count(2)
    assert bodies(conversation) == TEXTS[:2]
    (message, _) = Message.objects.filter(conversation=conversation).order_by("seq")
    assert [(a.name, a.size) for a in message.attachments.all()] == [("brief.txt", 19)]
    assert page.evaluate("() => localStorage.length") == 0
    assert stored_outbox_files(page) == 0
