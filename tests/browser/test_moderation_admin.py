"""A moderator reviews a flag in a real browser (daphne): reveals the original with a reason
(logged), confirms it with a strike; the sender then sees the strike on the account health
page."""

from __future__ import annotations

import uuid

from django.contrib.auth.models import Group
from django.test import Client
from playwright.sync_api import expect

from inbox.conversations import get_or_start_conversation
from inbox.send import send_message
from marketplace.roles import MODERATORS
from marketplace.tests.factories import SellerFactory, UserFactory
from moderation.models import Flag, StaffAccess, Strike
from moderation.tests.groups import ensure_staff_groups
from tests.browser.support import off_loop

TIMEOUT_MS = 10_000


def browser_as(browser, live_daphne, user):
    client = Client()
    client.force_login(user)
    context = browser.new_context(locale="en-US", timezone_id="UTC")
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_daphne.url}]
    )
    context.set_default_timeout(TIMEOUT_MS)
    return context


def test_a_moderator_reveals_confirms_and_the_user_sees_the_strike(
    live_daphne, browser
):  # the database first: the browser starts an event loop
    alice = SellerFactory(username="alice", email="alice@example.com")
    bob = UserFactory(username="bob", email="bob@example.com")
    mona = UserFactory(username="mona", email="mona@example.com", is_staff=True)
    ensure_staff_groups()  # an earlier test's flush removes migration data
    mona.groups.add(Group.objects.get(name=MODERATORS))
    conversation = off_loop(get_or_start_conversation, starter=bob, other=alice)
    off_loop(
        send_message,
        conversation=conversation,
        sender=bob,
        body="call me on +49 151 23456789",
        client_id=uuid.uuid4().hex,
    )
    flag = Flag.objects.get()

    moderator = browser_as(browser, live_daphne, mona).new_page()
    moderator.goto(
        f"{live_daphne.url}/admin/moderation/flag/", timeout=30_000
    )  # the first page waits for daphne
    # By its address: the case column's link can carry the same number.
    moderator.locator(f'a[href$="/flag/{flag.pk}/change/"]').first.click()
    expect(moderator.locator("[data-delivered]")).to_contain_text("[contact hidden]")
    expect(moderator.locator("body")).not_to_contain_text("23456789")

    moderator.get_by_role("link", name="Reveal original…").click()
    moderator.get_by_label("Why do you need the original text?").fill(
        "Checking the detector's finding"
    )
    moderator.get_by_role("button", name="Reveal").click()
    expect(moderator.locator("[data-original]")).to_contain_text("+49 151 23456789")
    assert StaffAccess.objects.get().reason == "Checking the detector's finding"

    moderator.get_by_role("link", name="Back to the flag").click()
    moderator.get_by_label("Strike for").select_option("contact_sharing")
    moderator.get_by_label("Note to the user").fill("Please keep phone numbers out of Gigbox.")
    moderator.get_by_role("button", name="Confirm and give a strike").click()
    strike = Strike.objects.get()
    assert strike.user == bob  # named as everywhere (t18w): its place, the active count, the id
    expect(moderator.locator(".messagelist")).to_contain_text(
        f"Flag {flag.pk} confirmed: strike 1 of 1 active (#{strike.pk}) given to bob."
    )

    user = browser_as(browser, live_daphne, bob).new_page()
    user.goto(f"{live_daphne.url}/")
    user.locator("summary", has_text="bob").click()
    user.get_by_role("link", name="Account health").click()
    expect(user.locator(".strike-list")).to_contain_text("Please keep phone numbers out of Gigbox.")
    expect(user.locator(".strike-list")).to_contain_text("Appeal this strike")
