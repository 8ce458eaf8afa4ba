"""Issue 18, problem 3, in a real browser against a real daphne process (live_daphne).

bob and alice talked in their general thread (alice shared an email address) before bob
ordered; bob disputes the delivery. Someone with database write access then rewrites
alice's message in the general thread and recomputes every later hash and the head (as
the chain tests' attacker does). The reviewer's case file shows the general thread as
broken and marks each of its rows in words; an export of it is refused with the reason,
and no file is signed. Screenshots go to GIGBOX_SHOTS_DIR when it is set.
"""

from __future__ import annotations

import base64
import uuid

import pytest
from django.db import transaction
from playwright.sync_api import Page, expect

from disputes import services as dispute_services
from disputes.checkpoints import checkpoints_of
from disputes.tests.conftest import TEST_KEY_ID, order_in
from disputes.tests.test_head_checkpoints import recompute_from
from inbox.conversations import get_or_start_conversation
from inbox.send import send_message
from marketplace.models import Order
from marketplace.tests.factories import SellerFactory, UserFactory
from moderation.models import StaffAccess
from tests.browser.support import off_loop
from tests.browser.test_dispute_review import reviewer_group, shoot, with_session

pytestmark = pytest.mark.usefixtures("django_db_setup")

REWRITTEN = "Sure, let us keep everything here on Gigbox."


def _rewrite(conversation, seq: int, body: str) -> None:
    with transaction.atomic():  # the attacker's SET LOCAL needs a transaction
        recompute_from(conversation, seq, body)


@pytest.fixture
def signing_key(monkeypatch, settings) -> None:
    """The test key, for this process (the dispute opens here) and the daphne process (it
    reads the environment when it starts: request this fixture before live_daphne)."""
    key = base64.b64encode(bytes(range(32))).decode()
    for name, value in (("GIGBOX_EXPORT_SIGNING_KEY", key), ("GIGBOX_EXPORT_KEY_ID", TEST_KEY_ID)):
        monkeypatch.setenv(name, value)
        setattr(settings, name, value)


@pytest.fixture
def tampered(transactional_db, signing_key):
    """The dispute opened (both threads checkpointed), then the general thread rewritten."""
    alice = SellerFactory(username="alice", email="alice@example.com")
    bob = UserFactory(username="bob", email="bob@example.com")
    rita = UserFactory(username="rita", email="rita@example.com", is_staff=True)
    rita.groups.add(reviewer_group())
    general = off_loop(get_or_start_conversation, starter=bob, other=alice)
    order = order_in(Order.Status.DELIVERED, seller=alice, buyer=bob)
    thread = off_loop(get_or_start_conversation, starter=bob, other=alice, order=order)
    for conversation, sender, body in [
        (general, bob, "Can we talk outside Gigbox?"),
        (general, alice, "Sure, mail me at alice.design@gmail.com"),
        (general, bob, "Mail sent."),
        (thread, bob, "The logo colours are wrong."),
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
        requested_outcome="refund",
        statement="Wrong colours; the seller also asked me to pay outside.",
    )
    assert checkpoints_of(general.pk), "the general thread is anchored at dispute opening"
    off_loop(_rewrite, conversation=general, seq=2, body=REWRITTEN)
    return {"rita": rita, "dispute": dispute, "general": general, "thread": thread}


def _open_case_file(page: Page, live_daphne, tampered) -> None:
    dispute = tampered["dispute"]
    with_session(page.context, live_daphne, tampered["rita"])
    page.goto(f"{live_daphne.url}/admin/disputes/dispute/{dispute.pk}/change/")
    form = page.locator("#case-file-reason-form")
    form.get_by_label("Why do you open this case file?").fill("Assigned to me: deciding")
    form.get_by_role("button", name="Open the case file").click()


def test_a_general_thread_rewritten_after_the_dispute_opened_is_caught_in_the_case_file(
    signing_key, live_daphne, page: Page, tampered
):
    general, thread = tampered["general"], tampered["thread"]
    _open_case_file(page, live_daphne, tampered)

    broken = page.locator('[data-chain="broken"]')
    expect(broken).to_have_count(1)
    expect(broken).to_contain_text(f"General (conversation {general.pk}")
    expect(broken).to_contain_text("rewritten at or before seq 3")
    expect(page.locator('[data-chain="ok"]')).to_contain_text(f"conversation {thread.pk}")

    rows = page.locator(f'tr[data-conversation="{general.pk}"]')
    expect(rows).to_have_count(3)
    for index in range(3):  # every row from the first unproven one, in words, not colour only
        expect(rows.nth(index).locator(".unproven-mark")).to_contain_text("NOT PROVEN")
    expect(rows.nth(1)).to_contain_text(REWRITTEN)
    for row in page.locator(f'tr[data-conversation="{thread.pk}"]').all():
        expect(row.locator(".unproven-mark")).to_have_count(0)
    shoot(page, "evidence-case-file-rewritten-general-thread")


def test_an_export_of_the_broken_conversation_is_refused_with_the_reason(
    signing_key, live_daphne, page: Page, tampered
):
    general = tampered["general"]
    _open_case_file(page, live_daphne, tampered)
    form = page.locator("#export-form")
    form.get_by_label("Conversation").select_option(str(general.pk))
    form.get_by_label("Format").select_option("json")
    form.get_by_label("Reason for the export").fill("Evidence for the payment provider")
    form.get_by_role("button", name="Export").click()

    error = page.locator(".messagelist .error")
    expect(error).to_contain_text(f"Not exported: conversation {general.pk} fails its chain check")
    expect(error).to_contain_text("rewritten at or before seq 3")
    expect(error).to_contain_text("Nothing was signed")
    assert not StaffAccess.objects.filter(action="export").exists()
    shoot(page, "evidence-export-refused")
