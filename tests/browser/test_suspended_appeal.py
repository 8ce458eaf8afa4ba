"""Issue 18, problems 1 and 6 in a real browser (daphne): bob's open inbox tab is suspended
(it says why and until when), he signs in again and lands on his account page (nothing else
opens), appeals; another moderator upholds the appeal in admin, and bob uses the inbox again.
The same for a suspension imposed directly (no strike): bob appeals the suspension itself.
The account page is photographed at 1280 px into $GIGBOX_VAR_DIR/screenshots/."""

from __future__ import annotations

import re
import uuid
from datetime import timedelta

import time_machine
from django.conf import settings
from django.contrib.auth.models import Group
from django.test import Client
from django.utils import timezone
from playwright.sync_api import expect

from inbox.conversations import get_or_start_conversation
from inbox.send import send_message
from marketplace.roles import MODERATORS
from marketplace.tests.factories import SellerFactory, UserFactory
from moderation import services
from moderation.models import Appeal, Flag, Sanction, Strike
from moderation.tests.groups import ensure_staff_groups
from tests.browser.support import off_loop

TIMEOUT_MS = 10_000
PASSWORD = "correct horse battery staple"


def context_for(browser, live_daphne, user=None):
    context = browser.new_context(
        locale="en-US", timezone_id="UTC", viewport={"width": 1280, "height": 900}
    )
    if user is not None:
        client = Client()
        client.force_login(user)
        context.add_cookies(
            [
                {
                    "name": "sessionid",
                    "value": client.cookies["sessionid"].value,
                    "url": live_daphne.url,
                }
            ]
        )
    context.set_default_timeout(TIMEOUT_MS)
    return context


def strike(bob, mona, message):
    return off_loop(
        services.give_strike,
        user=bob,
        kind=Strike.Kind.CONTACT_SHARING,
        moderator=mona,
        note="You shared a phone number <again>.",
        message=message,
    )


def test_a_suspended_user_appeals_and_is_reinstated(live_daphne, browser):
    alice = SellerFactory(username="alice", email="alice@example.com")
    bob = UserFactory(username="bob", email="bob@example.com", timezone="Europe/Berlin")
    bob.set_password(PASSWORD)
    bob.save()
    ensure_staff_groups()  # an earlier test's flush removes migration data
    mona = UserFactory(username="mona", is_staff=True)
    otto = UserFactory(username="otto", is_staff=True)
    for moderator in (mona, otto):
        moderator.groups.add(Group.objects.get(name=MODERATORS))
    conversation = off_loop(get_or_start_conversation, starter=bob, other=alice)
    sent = off_loop(
        send_message,
        conversation=conversation,
        sender=bob,
        body="call me on +49 151 23456789",
        client_id=uuid.uuid4().hex,
    )
    # Two strikes ten days ago (their 7-day restriction is over); the third suspends him.
    # They are about an earlier message: a message already struck is not struck again (a flag
    # of it closes as covered by that strike, t18w).
    with time_machine.travel(timezone.now() - timedelta(days=10)):
        earlier = off_loop(
            send_message,
            conversation=conversation,
            sender=bob,
            body="Thanks, see you soon.",
            client_id=uuid.uuid4().hex,
        )
        strike(bob, mona, earlier.message)
        strike(bob, mona, earlier.message)

    tab = context_for(browser, live_daphne, bob).new_page()
    tab.goto(f"{live_daphne.url}/inbox/{conversation.pk}/", timeout=30_000)
    tab.wait_for_function("() => window.GigboxRealtime && window.GigboxRealtime.isOpen()")

    # The third strike, given in admin (by the server process, which holds bob's socket):
    # suspended for 30 days, the socket closes with 4403.
    flag = Flag.objects.get(message=sent.message)
    admin = context_for(browser, live_daphne, mona).new_page()
    admin.goto(f"{live_daphne.url}/admin/moderation/flag/{flag.pk}/change/")
    admin.get_by_label("Strike for").select_option("contact_sharing")
    admin.get_by_label("Note to the user").fill("Please keep phone numbers out of Gigbox.")
    admin.get_by_role("button", name="Confirm and give a strike").click()
    expect(admin.locator(".messagelist")).to_contain_text("confirmed: strike 3 of 3 active")
    third = Strike.objects.get(flag=flag)

    composer_error = tab.locator("[data-composer-error]")
    expect(composer_error).to_contain_text(re.compile(r"Your account is suspended until \w+"))
    expect(composer_error.get_by_role("link", name="See your account page")).to_have_attribute(
        "href", "/account/health/"
    )
    expect(tab.locator("[data-connection-state]")).not_to_contain_text("Reconnecting")

    # Signing in again (a fresh browser) lands on the account page, and nothing else opens.
    page = context_for(browser, live_daphne).new_page()
    page.goto(f"{live_daphne.url}/accounts/login/")
    page.get_by_label(re.compile("Username|Login", re.I)).first.fill("bob")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name=re.compile("Sign in|Log in", re.I)).click()
    expect(page).to_have_url(f"{live_daphne.url}/account/health/")
    expect(page.locator("h1")).to_have_text("Your account is suspended")
    expect(page.locator("[data-evidence]").first).to_contain_text("contact details hidden")
    expect(page.locator("body")).not_to_contain_text("23456789")
    expect(page.locator("body")).not_to_contain_text("reply to")
    page.goto(f"{live_daphne.url}/inbox/")
    expect(page).to_have_url(f"{live_daphne.url}/account/health/")
    shots = settings.VAR_DIR / "screenshots"
    shots.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(shots / "suspended-account-page-1280.png"), full_page=True)

    latest = page.locator(f'[data-strike="{third.pk}"]')
    latest.get_by_label("Why should this strike be removed?").fill(
        "The number was the seller's own, quoted back to her."
    )
    # One appeal per strike: the page asks before sending (t18w), then shows what was sent.
    questions: list[str] = []
    page.once("dialog", lambda dialog: (questions.append(dialog.message), dialog.accept()))
    latest.get_by_role("button", name="Send appeal").click()
    expect(page.locator(".flash-list")).to_contain_text("a moderator will decide your appeal")
    assert questions and "only once" in questions[0]
    latest = page.locator(f'[data-strike="{third.pk}"]')
    expect(latest.locator("[data-appeal-status]")).to_contain_text("Pending")
    expect(latest.locator("[data-appeal-text]")).to_have_text(
        "The number was the seller's own, quoted back to her."
    )
    appeal = Appeal.objects.get(strike=third)

    moderator = context_for(browser, live_daphne, otto).new_page()
    moderator.goto(f"{live_daphne.url}/admin/moderation/appeal/{appeal.pk}/change/")
    moderator.locator("select[name=decision]").select_option("uphold")
    moderator.locator("textarea[name=reason]").fill("Quoting the seller's own number is fine.")
    moderator.get_by_role("button", name="Decide").click()
    expect(moderator.locator(".messagelist")).to_be_visible()
    appeal.refresh_from_db()
    assert appeal.status == Appeal.Status.UPHELD

    page.goto(f"{live_daphne.url}/inbox/{conversation.pk}/")
    expect(page).to_have_url(f"{live_daphne.url}/inbox/{conversation.pk}/")
    page.wait_for_function("() => window.GigboxRealtime && window.GigboxRealtime.isOpen()")
    box = page.get_by_label(re.compile("^Message to "))
    box.fill("Thanks, back to the logo.")
    box.press("Enter")
    expect(page.locator("li.message.is-mine").last).to_contain_text("Thanks, back to the logo.")
    expect(page.locator("li.message.is-mine.is-failed")).to_have_count(0)
    trust_and_safety = page.locator("body")
    page.goto(f"{live_daphne.url}/account/health/")
    expect(trust_and_safety).to_contain_text("No restrictions")


def test_a_directly_suspended_user_appeals_the_suspension(live_daphne, browser):
    """Issue 18, appeals that reach everyone: suspended from the per-user page, with no strike,
    bob appeals the suspension itself; another moderator upholds it and the inbox opens."""
    alice = SellerFactory(username="alice", email="alice@example.com")
    bob = UserFactory(username="bob", email="bob@example.com")
    bob.set_password(PASSWORD)
    bob.save()
    ensure_staff_groups()
    mona = UserFactory(username="mona", is_staff=True)
    otto = UserFactory(username="otto", is_staff=True)
    for moderator in (mona, otto):
        moderator.groups.add(Group.objects.get(name=MODERATORS))
    conversation = off_loop(get_or_start_conversation, starter=bob, other=alice)
    sanction = off_loop(
        services.impose_sanction,
        user=bob,
        kind=Sanction.Kind.SUSPEND,
        moderator=mona,
        reason="Reported by email for <payment> requests.",
        ends_at=timezone.now() + timedelta(days=30),
    )

    page = context_for(browser, live_daphne).new_page()
    page.goto(f"{live_daphne.url}/accounts/login/")
    page.get_by_label(re.compile("Username|Login", re.I)).first.fill("bob")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name=re.compile("Sign in|Log in", re.I)).click()
    expect(page).to_have_url(f"{live_daphne.url}/account/health/")
    item = page.locator(f'[data-direct-sanction="{sanction.pk}"]')
    expect(item).to_contain_text("Reported by email for <payment> requests.")
    item.get_by_label("Why should it be lifted?").fill("I never asked for payment outside.")
    page.once("dialog", lambda dialog: dialog.accept())  # one appeal: asked first (t18w)
    item.get_by_role("button", name="Send appeal").click()
    expect(page.locator(".flash-list")).to_contain_text("a moderator will decide your appeal")
    appeal = Appeal.objects.get(sanction=sanction)

    moderator = context_for(browser, live_daphne, otto).new_page()
    moderator.goto(f"{live_daphne.url}/admin/moderation/appeal/{appeal.pk}/change/")
    expect(moderator.locator("body")).to_contain_text("(no strike)")
    moderator.locator("select[name=decision]").select_option("uphold")
    moderator.locator("textarea[name=reason]").fill("The email was about another account.")
    moderator.get_by_role("button", name="Decide").click()
    expect(moderator.locator(".messagelist")).to_contain_text("sanction lifted")

    page.goto(f"{live_daphne.url}/inbox/{conversation.pk}/")
    expect(page).to_have_url(f"{live_daphne.url}/inbox/{conversation.pk}/")
    page.goto(f"{live_daphne.url}/account/health/")
    expect(page.locator("body")).to_contain_text("No restrictions")
