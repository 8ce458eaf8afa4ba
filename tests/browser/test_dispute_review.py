"""A dispute reviewed in a real browser against a real daphne process (live_daphne).

bob disputed alice's delivery; rita (Dispute reviewers) opens the case file in admin, sees
the masked attempt highlighted in the original beside what bob received, takes the case and
resolves it with a partial refund. Both parties then read the decision as a system message
in the order's conversation. Screenshots of the case file and the parties' dispute page go
to GIGBOX_SHOTS_DIR when it is set (e.g. /tmp/shots).
"""

from __future__ import annotations

import os
import re
import uuid
from pathlib import Path

import pytest
from django.contrib.auth.models import Group, Permission
from django.test import Client
from playwright.sync_api import BrowserContext, Page, expect

from disputes import services as dispute_services
from disputes.tests.conftest import order_in
from inbox.conversations import get_or_start_conversation
from inbox.send import send_message
from marketplace.models import Order
from marketplace.roles import DISPUTE_REVIEWERS
from marketplace.tests.factories import SellerFactory, UserFactory
from moderation.models import StaffAccess
from tests.browser.support import off_loop

pytestmark = pytest.mark.usefixtures("django_db_setup")

TIMEOUT_MS = 10_000
REVIEWER_PERMISSIONS = (
    "view_dispute",
    "change_dispute",
    "export_conversation",
    "view_disputenote",
    "add_disputenote",
)


def reviewer_group() -> Group:
    # transactional_db flushes the tables between tests, the groups of data migrations too.
    group, _ = Group.objects.get_or_create(name=DISPUTE_REVIEWERS)
    group.permissions.add(
        *Permission.objects.filter(
            content_type__app_label="disputes", codename__in=REVIEWER_PERMISSIONS
        )
    )
    return group


def shoot(page: Page, name: str) -> None:
    folder = os.environ.get("GIGBOX_SHOTS_DIR")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)


def with_session(context: BrowserContext, live_daphne, user) -> BrowserContext:
    client = Client()
    client.force_login(user)
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_daphne.url}]
    )
    context.set_default_timeout(TIMEOUT_MS)
    return context


@pytest.fixture
def case(transactional_db):
    """bob's dispute of alice's delivered order, after a conversation with a masked phone number."""
    alice = SellerFactory(username="alice", email="alice@example.com")
    bob = UserFactory(username="bob", email="bob@example.com")
    rita = UserFactory(username="rita", email="rita@example.com", is_staff=True)
    rita.groups.add(reviewer_group())
    order = order_in(Order.Status.DELIVERED, seller=alice, buyer=bob)
    conversation = off_loop(get_or_start_conversation, starter=bob, other=alice, order=order)
    for sender, body in [
        (bob, "The logo colours are wrong."),
        (alice, "Call me on +49 151 23456789 and we sort it out."),
    ]:
        off_loop(
            send_message,
            conversation=conversation,
            sender=sender,
            body=body,
            client_id=uuid.uuid4().hex,
        )
    dispute = off_loop(
        dispute_services.open_dispute,
        order=order,
        opener=bob,
        reason="not_as_described",
        requested_outcome="partial_refund",
        refund_percent=50,
        statement="Wrong colours, no source file.",
    )
    return {
        "alice": alice,
        "bob": bob,
        "rita": rita,
        "order": order,
        "conversation": conversation,
        "dispute": dispute,
    }


def test_a_reviewer_opens_the_case_file_and_resolves_the_dispute(
    live_daphne, page: Page, browser, case
):
    dispute, order = case["dispute"], case["order"]
    with_session(page.context, live_daphne, case["rita"])

    page.goto(f"{live_daphne.url}/admin/disputes/dispute/{dispute.pk}/change/")
    # The first opening in the session asks why; nothing is logged before the reason is given.
    reason_form = page.locator("#case-file-reason-form")
    expect(reason_form).to_be_visible()
    assert not StaffAccess.objects.filter(staff=case["rita"]).exists()
    reason_form.get_by_label("Why do you open this case file?").fill(
        "Assigned to me: deciding the refund"
    )
    reason_form.get_by_role("button", name="Open the case file").click()
    expect(
        page.get_by_role("heading", name=re.compile(rf"Dispute #{dispute.pk} · {order.reference}"))
    ).to_be_visible()
    expect(page.locator("mark.finding")).to_have_text("+49 151 23456789")
    expect(page.locator("td.delivered", has_text="[contact hidden]")).to_be_visible()
    expect(page.locator('[data-chain="ok"]')).to_be_visible()
    assert StaffAccess.objects.filter(
        staff=case["rita"],
        action="case_file",
        reference=f"dispute:{dispute.pk}",
        reason__startswith=f"dispute #{dispute.pk} case file (conversations ",
        reason__endswith="): Assigned to me: deciding the refund",
    ).exists()
    shoot(page, "dispute-case-file")

    page.get_by_role("button", name="Assign to me").click()
    expect(page.locator('[data-assigned-to="rita"]')).to_be_visible()

    form = page.locator("#resolve-form")
    form.get_by_label("Resolution").select_option("partial_refund")
    form.get_by_label("Refund % (partial refund)").fill("30")
    form.get_by_label("Note to both parties").fill(
        "Half of the work was usable; 30% goes back to bob."
    )
    form.get_by_role("button", name="Resolve dispute").click()
    # The confirmation step says what the decision does; nothing is decided before it.
    expect(page.locator('[data-confirm-resolution="partial_refund"]')).to_contain_text("30%")
    page.get_by_role("button", name=f"Confirm: resolve dispute #{dispute.pk}").click()
    expect(
        page.get_by_text(f"Dispute #{dispute.pk} resolved: both parties have been told.")
    ).to_be_visible()
    expect(page.locator('[data-dispute-status="resolved"]')).to_be_visible()

    order.refresh_from_db()
    assert (order.status, str(order.refunded_amount)) == (Order.Status.COMPLETED, "7.50")

    for party in ("bob", "alice"):
        context = with_session(
            browser.new_context(locale="en-US", timezone_id="UTC"), live_daphne, case[party]
        )
        thread = context.new_page()
        thread.goto(f"{live_daphne.url}/inbox/{case['conversation'].pk}/")
        messages = thread.get_by_role("region", name="Messages")
        expect(
            messages.get_by_text("Half of the work was usable; 30% goes back to bob.")
        ).to_be_visible()
        expect(
            messages.get_by_text(
                re.compile(r"partial refund of 30% \(\$7\.50 back to the buyer\)", re.I)
            )
        ).to_be_visible()
        dispute_page = context.new_page()
        dispute_page.goto(f"{live_daphne.url}/orders/{order.pk}/dispute/")
        expect(dispute_page.locator('[data-resolution="partial_refund"]')).to_be_visible()
        shoot(dispute_page, f"dispute-page-{party}")
        context.close()
