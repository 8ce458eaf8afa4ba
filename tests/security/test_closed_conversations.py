"""Issue 17's leftovers: a restricted user opens no empty conversation, and nobody starts a
conversation with, or writes to, the Trust & Safety system account or a staff member who
does not sell. One answer everywhere: the form, the JSON API, the socket."""

from __future__ import annotations

import json
import uuid
from datetime import timedelta

import pytest
from channels.db import database_sync_to_async
from django.contrib.messages import get_messages
from django.test import Client
from django.utils import timezone

from inbox.checks import OFFICIAL_ACCOUNT_MESSAGE, SendError
from inbox.conversations import get_or_start_conversation
from inbox.models import Conversation, Message
from inbox.protocol import validate_server_frame
from inbox.tests.ws import open_socket, receive
from marketplace.tests.factories import OrderFactory, SellerFactory
from moderation.notices import notify_user, system_account
from tests.factories import StaffFactory

pytestmark = pytest.mark.django_db(transaction=True)


def _restrict(user) -> None:
    user.messaging_restricted_until = timezone.now() + timedelta(days=3)
    user.save(update_fields=["messaging_restricted_until"])


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _flash(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def _pair(a, b) -> Conversation | None:
    low, high = sorted((a.pk, b.pk))
    return Conversation.objects.filter(user_a_id=low, user_b_id=high).first()


# 1. A restricted user opens no empty conversation ----------------------------------------


def test_contact_seller_while_restricted_is_refused_and_starts_nothing(alice, bob, gig):
    _restrict(bob)
    response = _client(bob).post(f"/inbox/start/{alice.username}/", {"gig": gig.pk})
    assert response.status_code == 302 and response["Location"] == gig.get_absolute_url()
    assert any(text.startswith("Your messaging is restricted until") for text in _flash(response))
    assert _pair(alice, bob) is None


def test_the_start_service_refuses_a_restricted_user(alice, bob):
    _restrict(bob)
    with pytest.raises(SendError) as refused:
        get_or_start_conversation(starter=bob, other=alice)
    assert refused.value.code == "restricted" and refused.value.extra["until"]
    assert not Conversation.objects.exists()


def test_a_restricted_user_still_reaches_an_existing_thread_and_an_order_thread(alice, bob, gig):
    existing = get_or_start_conversation(starter=bob, other=alice)
    _restrict(bob)
    assert get_or_start_conversation(starter=bob, other=alice) == existing
    order = OrderFactory(buyer=bob, gig=gig)
    assert get_or_start_conversation(starter=bob, other=alice, order=order).order_id == order.pk


# 2. The system account and staff who do not sell take no messages --------------------------


@pytest.fixture
def notice_thread(bob) -> Conversation:
    """bob's Trust & Safety thread, as a moderation notice starts it."""
    notify_user(bob, subject="Warning", text="Keep the conversation on Gigbox.")
    return _pair(system_account(), bob)


@pytest.mark.parametrize("who", ["system", "staff"])
def test_nobody_starts_a_conversation_with_the_system_account_or_staff(bob, who):
    other = system_account() if who == "system" else StaffFactory(username="stella")
    response = _client(bob).post(f"/inbox/start/{other.username}/")
    assert response.status_code == 302
    assert _flash(response) == [OFFICIAL_ACCOUNT_MESSAGE]
    assert _pair(bob, other) is None
    with pytest.raises(SendError) as refused:
        get_or_start_conversation(starter=bob, other=other)
    assert (refused.value.code, refused.value.message) == (
        "official_account",
        OFFICIAL_ACCOUNT_MESSAGE,
    )


def test_a_staff_member_who_sells_can_be_contacted(bob):
    seller = SellerFactory(username="sam", is_staff=True)
    assert get_or_start_conversation(starter=bob, other=seller).pk


def test_the_system_accounts_notices_still_arrive(bob, notice_thread):
    notify_user(bob, subject="Second warning", text="Still on Gigbox, please.")
    notices = Message.objects.filter(conversation=notice_thread, kind=Message.Kind.SYSTEM)
    assert notices.count() == 2


def test_a_reply_to_trust_and_safety_is_refused_by_the_form(bob, notice_thread):
    response = _client(bob).post(
        f"/inbox/{notice_thread.pk}/send/", {"body": "Why?", "client_id": uuid.uuid4().hex}
    )
    assert response.status_code == 302
    assert _flash(response) == [OFFICIAL_ACCOUNT_MESSAGE]
    assert not Message.objects.filter(conversation=notice_thread, kind=Message.Kind.USER).exists()


def test_a_reply_to_trust_and_safety_is_refused_by_the_api(bob, notice_thread):
    response = _client(bob).post(
        f"/api/inbox/conversations/{notice_thread.pk}/messages/",
        json.dumps({"body": "Why?", "client_id": uuid.uuid4().hex}),
        content_type="application/json",
    )
    assert response.status_code == 403
    body = response.json()
    validate_server_frame(body, over_http=True)
    assert (body["code"], body["message"]) == ("official_account", OFFICIAL_ACCOUNT_MESSAGE)
    assert not Message.objects.filter(conversation=notice_thread, kind=Message.Kind.USER).exists()


async def test_a_reply_to_trust_and_safety_is_refused_over_the_socket(bob, notice_thread):
    tab = await open_socket(bob)
    client_id = uuid.uuid4().hex
    await tab.send_json_to(
        {
            "type": "message.send",
            "conversation_id": notice_thread.pk,
            "client_id": client_id,
            "body": "Why?",
        }
    )
    frame = await receive(tab)
    assert (frame["type"], frame["code"], frame["message"], frame["client_id"]) == (
        "error",
        "official_account",
        OFFICIAL_ACCOUNT_MESSAGE,
        client_id,
    )
    await tab.disconnect()
    stored = Message.objects.filter(conversation=notice_thread, kind=Message.Kind.USER)
    assert not await database_sync_to_async(stored.exists)()


def test_a_thread_opened_with_staff_before_the_rule_takes_no_more_messages(bob, send):
    stella = StaffFactory(username="stella")
    low, high = sorted((bob.pk, stella.pk))
    old = Conversation.objects.create(
        user_a_id=low,
        user_b_id=high,
        created_at=timezone.now(),
        last_message_at=timezone.now(),
        last_hash="0" * 64,
    )
    with pytest.raises(SendError) as refused:
        send(old, bob, "Hi moderator")
    assert refused.value.code == "official_account"


def test_staff_who_buy_hear_from_the_seller_in_their_order_thread(alice, gig, send):
    buyer = StaffFactory(username="stella")
    order = OrderFactory(buyer=buyer, gig=gig)
    thread = get_or_start_conversation(starter=buyer, other=alice, order=order)
    assert send(thread, alice, "Thanks for the order").ack["type"] == "message.ack"


def test_the_trust_and_safety_thread_shows_why_instead_of_a_composer(bob, notice_thread):
    page = _client(bob).get(f"/inbox/{notice_thread.pk}/").content.decode()
    # The Trust & Safety thread's own line (issue 18) says why and links the account page.
    assert "data-system-thread" in page and 'id="composer"' not in page
    assert "replies are not read" in page and 'href="/account/health/"' in page
