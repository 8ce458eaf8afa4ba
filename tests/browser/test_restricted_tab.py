"""Issue 18 follow-up (t18w), item 8, in a real browser (daphne): a restricted user's open
tab kept the composer enabled until a send failed ("Not sent - Retry"). The restriction now
reaches the open tab: the composer is disabled with why and until when; the thread of an
active order, where writing is still allowed, stays enabled; lifting enables it again."""

from __future__ import annotations

from datetime import timedelta

from django.contrib.auth.models import Group
from django.utils import timezone
from playwright.sync_api import expect

from inbox.conversations import get_or_start_conversation
from marketplace.roles import MODERATORS
from marketplace.tests.factories import OrderFactory, SellerFactory, UserFactory
from moderation.models import Sanction
from moderation.tests.groups import ensure_staff_groups
from tests.browser.support import off_loop
from tests.browser.test_inbox_live import logged_in_context, open_thread, wait_until_connected


def test_a_restriction_reaches_the_open_tab_and_its_lift_too(live_daphne, browser):
    alice = SellerFactory(username="alice")
    bob = UserFactory(username="bob")
    ensure_staff_groups()
    mona = UserFactory(username="mona", is_staff=True)
    mona.groups.add(Group.objects.get(name=MODERATORS))
    general = off_loop(get_or_start_conversation, starter=bob, other=alice)
    order = OrderFactory(buyer=bob, gig__seller=alice, status="in_progress")
    order_thread = off_loop(get_or_start_conversation, starter=bob, other=alice, order=order)
    context = logged_in_context(browser, live_daphne, bob)
    page = open_thread(context, live_daphne, general)
    order_page = open_thread(context, live_daphne, order_thread)
    composer = page.locator("[data-composer-input]")
    expect(composer).to_be_enabled()

    # The moderator acts in admin: the server process pushes to bob's sockets.
    admin_page = logged_in_context(browser, live_daphne, mona).new_page()
    admin_page.goto(f"{live_daphne.url}/admin/moderation/moderateduser/{bob.pk}/change/")
    form = admin_page.locator('[data-action="sanction"]')
    form.locator("select[name$=kind]").select_option(Sanction.Kind.RESTRICT)
    form.locator("textarea[name$=reason]").fill("Asked buyers to pay outside Gigbox.")
    ends = timezone.now() + timedelta(days=7)
    form.locator("input[name$=ends_at]").fill(ends.strftime("%Y-%m-%d %H:%M"))
    form.get_by_role("button", name="Impose").click()
    admin_page.wait_for_load_state()

    expect(composer).to_be_disabled()
    expect(page.locator("[data-composer-send]")).to_be_disabled()
    error = page.locator("[data-composer-error]")
    expect(error).to_contain_text("Your messaging is restricted until")
    expect(error).to_contain_text("write only in the conversations of your active orders")
    expect(order_page.locator("[data-composer-input]")).to_be_enabled()

    page.reload()  # the page itself says so too
    expect(page.locator("[data-composer-input]")).to_be_disabled()
    expect(page.locator("[data-composer-error]")).to_contain_text("restricted until")
    wait_until_connected(page)

    lift = admin_page.locator('[data-action="lift"]')
    lift.locator("textarea").fill("Lifted after review of the order.")
    lift.get_by_role("button", name="Lift").click()
    expect(page.locator("[data-composer-input]")).to_be_enabled()
    expect(page.locator("[data-composer-error]")).to_be_hidden()
