"""Issue 18, problem 7 (hiding a message), in real browsers against daphne: a moderator hides
bob's flagged message from the flag page; alice's and bob's open threads swap its text for
the Trust & Safety notice at once, and after a reload too."""

from __future__ import annotations

import re
import uuid

from django.contrib.auth.models import Group
from playwright.sync_api import expect

from inbox.conversations import get_or_start_conversation
from inbox.models import MessageWithdrawal
from inbox.send import send_message
from marketplace.roles import MODERATORS
from marketplace.tests.factories import SellerFactory, UserFactory
from moderation.models import Flag
from moderation.tests.groups import ensure_staff_groups
from tests.browser.support import off_loop
from tests.browser.test_moderation_admin import browser_as

NOTICE = "This message was removed by Trust & Safety."


def test_a_hidden_message_becomes_the_notice_live_and_on_reload(live_daphne, browser):
    alice = SellerFactory(username="alice", email="alice@example.com")
    bob = UserFactory(username="bob", email="bob@example.com")
    mona = UserFactory(username="mona", email="mona@example.com", is_staff=True)
    ensure_staff_groups()
    mona.groups.add(Group.objects.get(name=MODERATORS))
    conversation = off_loop(get_or_start_conversation, starter=bob, other=alice)
    for body in ("hello alice", "call me on +49 151 23456789"):
        off_loop(
            send_message,
            conversation=conversation,
            sender=bob,
            body=body,
            client_id=uuid.uuid4().hex,
        )
    flag = Flag.objects.get()

    threads = {}
    for user in (alice, bob):
        page = browser_as(browser, live_daphne, user).new_page()
        page.goto(f"{live_daphne.url}/inbox/{conversation.pk}/", timeout=30_000)
        expect(page.locator('li[data-seq="2"] [data-slot="body"]')).to_contain_text("call me")
        threads[user.username] = page

    moderator = browser_as(browser, live_daphne, mona).new_page()
    moderator.goto(f"{live_daphne.url}/admin/moderation/flag/{flag.pk}/change/")
    moderator.get_by_role("link", name="Hide from the parties…").click()
    moderator.get_by_label("Why do you hide this message from both parties?").fill(
        "Phone number shared, confirmed"
    )
    moderator.get_by_role("button", name="Hide from both parties").click()
    expect(moderator.locator(".messagelist")).to_contain_text("Hidden")
    assert MessageWithdrawal.objects.get().message_id == flag.message_id

    for page in threads.values():  # live, without a reload
        hidden = page.locator('li[data-seq="2"]')
        expect(hidden.locator('[data-slot="body"]')).to_have_text(NOTICE)
        expect(hidden).to_have_class(re.compile(r"\bis-withdrawn\b"))
        expect(page.locator('li[data-seq="1"] [data-slot="body"]')).to_have_text("hello alice")
        page.reload()
        expect(page.locator('li[data-seq="2"] [data-slot="body"]')).to_have_text(NOTICE)
        expect(page.locator("body")).not_to_contain_text("call me")
