"""Warnings from the server's own detector (issue 19, problem 6): the composer asks the
server (inbox/precheck.py) what would be hidden, so for every text the warning shown before
sending is exactly what the other side gets masked: warned <=> delivered differs."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from inbox.models import Message
from tests.browser import test_inbox_live as live
from tests.browser.test_inbox_live import logged_in_context, mine, open_thread

conversation = live.conversation  # alice and bob: tests/browser/conftest.py

SAMPLES = [
    "Hi Alice, is a logo in three days possible?",
    "call me +1 415 555 0198",
    "ref 4815162342",
    "Order #FO9146618311 is due 15/03/2024.",
    "my email is sam dot designs at gmail dot com",
    "write to sam.designs@gmail.com please",
    "four one five five five five zero one nine eight",
    "insta: @sam.designs",
    "find me on instagram sam_designs",
    "wa.me/14155550198",
    "telegram @samdesigns",
    "The budget is 250 dollars for 3 concepts.",
    "Colours: #1b7f5b and #fff4dc, fonts 12/16.",
    "See https://example.com/brief.pdf for the brief",
    "My skype is live:sam.designs",
    "Deadline: 2025-12-31 23:59 UTC.",
    "Can we do 2 revisions instead of 1?",
    "Text me at 0803 555 1234",
    "+44 7911 123456",
    "sam at gmail",
    "Thanks! I'll send the logo files tomorrow.",
    "The logo should be 1200x800 px, 300 dpi.",
    "whatsapp me: 0044 7911 123 456",
    "Let's keep talking here on Gigbox.",
    "my number is 415 555",
    "0198 is the rest of it",
    "Version 2.0.1 of the brand sheet",
    "email: sam(at)designs(dot)com",
    "Meet on zoom? id 845 2210 9931",
    "Great, see you Monday at 10:30.",
]


@pytest.fixture
def roomy_limits(monkeypatch):
    """30 sends in a row are this test's own script, not a person typing fast."""
    monkeypatch.setenv("GIGBOX_SEND_RATE_LIMIT", "200")


@pytest.fixture
def live_daphne(roomy_limits, live_daphne):
    return live_daphne


def test_the_warning_before_sending_equals_what_is_delivered_for_30_texts(
    browser, live_daphne, conversation, bob
):
    assert len(SAMPLES) == 30
    page = open_thread(logged_in_context(browser, live_daphne, bob), live_daphne, conversation)
    box = page.get_by_label(re.compile("^Message to "))
    warning = page.locator("[data-contact-warning]")
    warned: list[bool] = []
    for n, text in enumerate(SAMPLES, start=1):
        box.fill(text)
        page.wait_for_function(
            "text => document.querySelector('[data-contact-warning]').dataset.checkedText === text",
            arg=text,
        )
        shown = warning.is_visible()
        if shown:
            expect(warning).to_contain_text("will be hidden")
        warned.append(shown)
        box.press("Enter")
        expect(mine(page).nth(n - 1)).to_have_attribute("data-seq", str(n))
    delivered = list(
        Message.objects.filter(conversation=conversation)
        .order_by("seq")
        .values_list("body", "delivered_body")
    )
    assert [body for body, _ in delivered] == SAMPLES
    hidden = [body != shown for body, shown in delivered]
    mismatches = [t for t, w, h in zip(SAMPLES, warned, hidden, strict=True) if w != h]
    assert mismatches == []
    assert any(hidden) and not all(hidden)  # the samples test both answers
