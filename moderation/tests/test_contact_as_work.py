"""Issue 21, problem 2 (contact details as the work): in a business-card order, the buyer's
phone and email reach the order's seller as written (requirements, file names, the order's
thread), recorded and flagged at low priority; the general thread, the seller's own messages
and an order of another gig mask or refuse them as before. Bob buys from Alice."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from core.contact_policy import WORK_CONTENT_RULE
from inbox.checks import AttachmentUpload, SendError
from inbox.models import Conversation, Message
from marketplace import services
from marketplace.models import Order
from marketplace.tests.factories import CategoryFactory, GigFactory
from moderation.models import Flag

pytestmark = pytest.mark.django_db

CARD = "Card text: Bob Stone, phone +49 151 23456789, email bob.stone@stonebakery.de"


@pytest.fixture
def cards(db):
    return CategoryFactory(
        name="Business cards", slug="business-cards", contact_details_as_work=True
    )


def _order(alice, bob, category, *, as_work: bool) -> Order:
    gig = GigFactory(seller=alice, category=category, contact_details_as_work=as_work)
    return services.place_order(buyer=bob, package=gig.packages.get())


@pytest.fixture
def card_order(alice, bob, cards) -> Order:
    return _order(alice, bob, cards, as_work=True)


def _thread(order: Order) -> Conversation:
    return Conversation.objects.get(order_id=order.pk)


def test_requirements_with_a_phone_and_email_reach_the_seller_and_are_flagged_low(card_order, bob):
    """Problem 2: before, the requirements were refused (contact details)."""
    services.submit_requirements(order=card_order, actor=bob, requirements=CARD)

    card_order.refresh_from_db()
    assert card_order.requirements == CARD  # the seller reads them on the order page
    (message,) = [m for m in Message.objects.filter(conversation=_thread(card_order)) if m.findings]
    assert {f["kind"] for f in message.findings} == {"phone", "email"}
    assert all(f["work"] and f["field"] == "requirements" for f in message.findings)
    flag = Flag.objects.get(message=message)
    assert (flag.priority, flag.rules) == (Flag.Priority.LOW, [WORK_CONTENT_RULE])


def test_in_the_order_thread_the_buyers_details_are_delivered_to_the_seller(
    card_order, bob, alice, send, png_bytes
):
    sent = send(_thread(card_order), bob, CARD)
    assert sent.message.delivered_body == CARD and sent.payload["body"] == CARD
    assert sent.ack["masked"] is False and sent.ack["notice"] is None
    flag = Flag.objects.get(message=sent.message)
    assert (flag.priority, flag.rules) == (Flag.Priority.LOW, [WORK_CONTENT_RULE])

    upload = AttachmentUpload("logo for bob.stone@stonebakery.de.png", png_bytes)
    with_file = send(_thread(card_order), bob, "the logo", attachments=[upload])
    assert [f["field"] for f in with_file.message.findings] == ["file_name"]

    # The seller's own messages are not the buyer's work content: masked as anywhere.
    reply = send(_thread(card_order), alice, "or call me on +49 151 98765432")
    assert reply.message.delivered_body == "or call me on [contact hidden]"


def test_the_same_details_in_the_general_thread_are_masked(card_order, conversation, bob, send):
    sent = send(conversation, bob, CARD)
    assert "[contact hidden]" in sent.message.delivered_body
    assert "+49 151" not in sent.message.delivered_body
    assert Flag.objects.get(message=sent.message).priority == Flag.Priority.HIGH


def test_another_order_refuses_and_masks_them(alice, bob, send, png_bytes):
    logos = CategoryFactory(name="Logos", slug="logos")
    order = _order(alice, bob, logos, as_work=False)
    with pytest.raises(ValidationError) as error:
        services.submit_requirements(order=order, actor=bob, requirements=CARD)
    assert "requirements" in error.value.message_dict
    sent = send(_thread(order), bob, CARD)
    assert "+49 151" not in sent.message.delivered_body
    with pytest.raises(SendError, match="contact details"):
        send(
            _thread(order), bob, "x", attachments=[AttachmentUpload("bob@stone.de.png", png_bytes)]
        )


def test_a_gig_flag_is_limited_by_what_its_category_allows(alice, bob, send):
    plain = CategoryFactory(name="Logos", slug="logos")
    with pytest.raises(ValidationError, match="does not take contact details"):
        GigFactory.build(seller=alice, category=plain, contact_details_as_work=True).full_clean()
    # A gig that does not take them up, in a category that allows it: masked.
    cards = CategoryFactory(name="Cards", slug="cards", contact_details_as_work=True)
    order = _order(alice, bob, cards, as_work=False)
    assert "+49 151" not in send(_thread(order), bob, CARD).message.delivered_body


def test_a_finished_order_no_longer_lets_them_through(card_order, bob, send):
    Order.objects.filter(pk=card_order.pk).update(status=Order.Status.COMPLETED)
    assert "+49 151" not in send(_thread(card_order), bob, CARD).message.delivered_body


def test_the_demo_seeds_a_business_card_category_and_gig():
    import json
    from pathlib import Path

    from django.conf import settings

    spec = json.loads((Path(settings.BASE_DIR) / "seeds/15_business_cards.json").read_text())
    (category,) = spec["data"]["categories"]
    (gig,) = spec["data"]["gigs"]
    assert category["contact_details_as_work"] and gig["contact_details_as_work"]
    assert gig["category"] == category["slug"]


def test_the_requirements_audit_flag_is_the_buyers_not_the_system_accounts(card_order, bob, mona):
    """Issue 18 leftover 8: the requirements are posted as a system line; the flag on them
    (its case, the queue's sender column, the review page) names the buyer who wrote them."""
    from django.test import Client

    services.submit_requirements(order=card_order, actor=bob, requirements=CARD)
    flag = Flag.objects.get(message__conversation=_thread(card_order))
    assert flag.message.sender_id is None  # a system line
    assert flag.case.sender == bob
    client = Client()
    client.force_login(mona)
    queue = client.get("/admin/moderation/flag/").content.decode()
    assert f'/admin/moderation/moderateduser/{bob.pk}/change/">bob</a>' in queue
    review = client.get(f"/admin/moderation/flag/{flag.pk}/change/").content.decode()
    assert f"/admin/moderation/moderateduser/{bob.pk}/change/" in review
