"""Issue 18 leftover 1: a seller suspended while their order page is open. The socket closes
with 4403; the page then says the account is suspended, until when, with a link to the
account page, and its order actions (deliver, cancel) are gone instead of failing."""

from __future__ import annotations

from django.contrib.auth.models import Group
from playwright.sync_api import expect

from inbox.conversations import get_or_start_conversation
from marketplace.models import Order
from marketplace.roles import MODERATORS
from marketplace.tests.factories import OrderFactory, SellerFactory, UserFactory
from moderation.tests.groups import ensure_staff_groups
from tests.browser.support import off_loop
from tests.browser.test_suspended_appeal import context_for


def test_an_open_order_page_of_a_suspended_seller_shows_the_state_and_hides_actions(
    live_daphne, browser
):
    alice = SellerFactory(username="alice", email="alice@example.com")
    buyer = UserFactory(username="bob")
    order = OrderFactory(gig__seller=alice, buyer=buyer, status=Order.Status.IN_PROGRESS)
    ensure_staff_groups()
    mona = UserFactory(username="mona", is_staff=True)
    mona.groups.add(Group.objects.get(name=MODERATORS))

    context = context_for(browser, live_daphne, alice)
    conversation = off_loop(get_or_start_conversation, starter=buyer, other=alice)
    thread = context.new_page()
    thread.goto(f"{live_daphne.url}/inbox/{conversation.pk}/", timeout=30_000)
    thread.wait_for_function("() => window.GigboxRealtime && window.GigboxRealtime.isOpen()")
    tab = context.new_page()
    tab.goto(f"{live_daphne.url}/orders/{order.pk}/", timeout=30_000)
    tab.wait_for_function("() => window.GigboxRealtime && window.GigboxRealtime.isOpen()")
    expect(tab.get_by_role("button", name="Deliver")).to_be_visible()

    # Suspended in admin, by the server process that holds alice's socket.
    admin = context_for(browser, live_daphne, mona).new_page()
    admin.goto(f"{live_daphne.url}/admin/moderation/sanction/add/")
    admin.get_by_label("User name").fill("alice")
    admin.locator("select[name=kind]").select_option("suspend")
    admin.locator("textarea[name=reason]").fill("Payment asked for outside Gigbox.")
    admin.locator("input[name=ends_at]").fill("2099-01-09 14:00")
    admin.get_by_role("button", name="Impose").click()
    expect(admin.locator(".messagelist")).to_be_visible()

    state = tab.locator("[data-account-state]")
    # alice lives in Berlin: the end in her zone, named, as on every page (leftover 4).
    expect(state).to_contain_text("Your account is suspended until 9 Jan 2099, 15:00 CET.")
    expect(state.get_by_role("link", name="See your account page")).to_have_attribute(
        "href", "/account/health/"
    )
    expect(tab.get_by_role("button", name="Deliver")).to_have_count(0)
    expect(tab.get_by_text("Cancel this order")).to_be_hidden()
    # Her open inbox tab says the same, in the same words, under its composer.
    expect(thread.locator("[data-composer-error]")).to_contain_text(
        "Your account is suspended until 9 Jan 2099, 15:00 CET."
    )
