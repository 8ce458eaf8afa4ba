"""Issue 18, problem 7 (hiding a message): Trust & Safety hides a message from the parties.
Both then see a notice instead of its text, live and on reload, everywhere the inbox shows
it (thread, API, sync, list preview, search, file download); the stored message is
untouched and the chain still verifies; the withdrawal itself is append-only evidence."""

from __future__ import annotations

import pytest
from channels.db import database_sync_to_async
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from core.append_only import AppendOnlyError
from inbox.checks import AttachmentUpload
from inbox.models import Message, MessageWithdrawal
from inbox.protocol import validate_server_frame
from inbox.tests.ws import open_socket, receive
from inbox.verification import verify_conversation
from inbox.withdrawals import withdraw_message
from inbox.withdrawn import WITHDRAWN_NOTICE
from tests.factories import StaffFactory

SECRET = "my number is +44 7911 123456, text me"


@pytest.fixture
def hidden(conversation, send, alice, bob):
    send(conversation, alice, "Hello bob")
    message = send(
        conversation, bob, SECRET, attachments=[AttachmentUpload("note.txt", b"call me\n")]
    ).message
    send(conversation, alice, "Please keep it here")
    staff = StaffFactory(username="tess")
    withdraw_message(message=message, staff=staff, reason="Contact details, confirmed by T&S")
    return message


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["alice", "bob"])  # the other party and the sender
def test_both_parties_see_the_notice_on_reload_and_in_the_api(hidden, who, request, conversation):
    """Problem 7: there was no way to hide a message from the other party."""
    client = client_for(request.getfixturevalue(who))
    page = client.get(reverse("inbox:thread", kwargs={"conversation_id": conversation.pk}))
    html = page.content.decode()
    assert escape(WITHDRAWN_NOTICE) in html and "7911" not in html and "note.txt" not in html
    assert "is-withdrawn" in html
    api = client.get(f"/api/inbox/conversations/{conversation.pk}/messages/").json()
    [shown] = [m for m in api["messages"] if m["seq"] == hidden.seq]
    validate_server_frame({"type": "message.withdrawn", "message": shown})
    assert shown["body"] == WITHDRAWN_NOTICE and shown["withdrawn"] is True
    assert shown["attachments"] == []
    assert client.get(f"/inbox/attachments/{hidden.attachments.get().pk}/").status_code == 404
    assert not client.get("/inbox/?q=7911").content.decode().count("text me")


@pytest.mark.django_db
def test_the_list_preview_of_a_hidden_last_message_is_the_notice(conversation, send, alice, bob):
    message = send(conversation, bob, SECRET).message
    withdraw_message(message=message, staff=StaffFactory(), reason="Contact details, confirmed")
    summaries = client_for(alice).get("/api/inbox/conversations/").json()["conversations"]
    assert summaries[0]["last_message"]["body"] == WITHDRAWN_NOTICE


@pytest.mark.django_db
def test_the_original_stays_and_the_chain_verifies(hidden, conversation):
    stored = Message.objects.get(pk=hidden.pk)
    assert stored.body == SECRET and stored.hash == hidden.hash
    assert verify_conversation(conversation) is None
    withdrawal = MessageWithdrawal.objects.get()
    assert (withdrawal.message_id, withdrawal.reason) == (
        hidden.pk,
        "Contact details, confirmed by T&S",
    )


@pytest.mark.django_db
def test_a_withdrawal_is_append_only(hidden):
    withdrawal = MessageWithdrawal.objects.get()
    with pytest.raises(AppendOnlyError):
        withdrawal.delete()
    with pytest.raises(AppendOnlyError):
        MessageWithdrawal.objects.all().delete()
    if connection.vendor == "postgresql":
        with (
            pytest.raises(Exception, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute("DELETE FROM inbox_messagewithdrawal")
    assert MessageWithdrawal.objects.count() == 1


@pytest.mark.django_db
def test_a_short_reason_a_system_message_and_a_second_hide_are_refused(
    conversation, send, bob, hidden
):
    staff = StaffFactory()
    other = send(conversation, bob, "another one").message
    with pytest.raises(ValidationError, match="10 characters"):
        withdraw_message(message=other, staff=staff, reason="spam")
    with pytest.raises(ValidationError, match="hidden already"):
        withdraw_message(message=hidden, staff=staff, reason="Contact details again")
    assert MessageWithdrawal.objects.count() == 1
    with pytest.raises(IntegrityError), transaction.atomic():
        MessageWithdrawal.objects.create(message=hidden, withdrawn_by=staff, reason="twice over")


@pytest.mark.django_db(transaction=True)
async def test_open_tabs_of_both_parties_get_the_notice_live(conversation, send, alice, bob):
    message = await database_sync_to_async(send)(conversation, bob, SECRET)
    sockets = [await open_socket(user) for user in (alice, bob)]
    staff = await database_sync_to_async(StaffFactory)()
    await database_sync_to_async(withdraw_message)(
        message=message.message, staff=staff, reason="Contact details, confirmed"
    )
    for socket in sockets:
        frame = await receive(socket)
        while frame["type"] != "message.withdrawn":
            frame = await receive(socket)
        assert frame["message"]["seq"] == message.message.seq
        assert frame["message"]["body"] == WITHDRAWN_NOTICE and frame["message"]["withdrawn"]
        await socket.disconnect()
