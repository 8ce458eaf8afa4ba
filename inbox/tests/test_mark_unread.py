"""Mark unread (inbox.read_marks.mark_unread): the service, the JSON API and the plain form;
an outsider gets the same 404 as for a missing conversation."""

from __future__ import annotations

import pytest
from channels.db import database_sync_to_async
from django.urls import reverse

from inbox import read_marks
from inbox.api import NOT_FOUND
from inbox.checks import SendError
from inbox.models import Participant
from inbox.push import _summary_for
from inbox.read_marks import mark_read
from inbox.send import post_system_message
from inbox.tests.ws import open_socket, receive

pytestmark = pytest.mark.django_db

MISSING = 987654


def read_mark(conversation, user) -> int:
    return Participant.objects.get(conversation=conversation, user=user).last_read_seq


def read_all(conversation, user) -> None:
    conversation.refresh_from_db()
    mark_read(conversation=conversation, user=user, seq=conversation.last_seq)


# The service ---------------------------------------------------------------------------------


def test_unread_starts_at_the_other_participants_last_message(conversation, alice, bob, send):
    send(conversation, alice, "Hello Bob")  # 1
    send(conversation, alice, "Are you there?")  # 2
    send(conversation, bob, "Yes")  # 3
    read_all(conversation, bob)

    assert read_marks.mark_unread(conversation=conversation, user=bob) == 1
    assert read_mark(conversation, bob) == 1
    summary = _summary_for(conversation, bob.pk)
    assert summary["unread"] == 2  # alice's "Are you there?" and bob's answer after it


def test_without_a_message_from_the_other_side_the_last_message_is_unread(
    conversation, alice, bob, send
):
    send(conversation, bob, "Hi")  # 1
    post_system_message(conversation=conversation, body="Order started.")  # 2
    read_all(conversation, bob)

    assert read_marks.mark_unread(conversation=conversation, user=bob) == 1


def test_an_empty_conversation_stays_at_zero(conversation, bob):
    assert read_marks.mark_unread(conversation=conversation, user=bob) == 0
    assert read_mark(conversation, bob) == 0


def test_the_read_mark_never_moves_forward(conversation, alice, bob, send):
    for body in ("one", "two", "three"):
        send(conversation, alice, body)
    # bob has read nothing: marking unread must not mark the first two as read.
    assert read_marks.mark_unread(conversation=conversation, user=bob) == 0
    assert read_mark(conversation, bob) == 0


def test_the_other_participants_read_mark_is_untouched(conversation, alice, bob, send):
    send(conversation, alice, "Hello Bob")
    send(conversation, bob, "Hi")
    read_all(conversation, alice)

    read_marks.mark_unread(conversation=conversation, user=bob)

    assert read_mark(conversation, alice) == 2


def test_an_outsider_is_refused_like_a_missing_conversation(conversation, charlie):
    with pytest.raises(SendError) as refused:
        read_marks.mark_unread(conversation=conversation, user=charlie)
    assert refused.value.code == "forbidden"


# The API ---------------------------------------------------------------------------------


def api_url(conversation_id: int) -> str:
    return reverse("inbox_api:unread", kwargs={"conversation_id": conversation_id})


def test_the_api_marks_unread_and_answers_the_summary(client, conversation, alice, bob, send):
    send(conversation, alice, "Hello Bob")
    read_all(conversation, bob)
    client.force_login(bob)

    response = client.post(api_url(conversation.pk))

    assert response.status_code == 200
    assert response.json()["conversation"]["id"] == conversation.pk
    assert response.json()["conversation"]["unread"] == 1
    assert read_mark(conversation, bob) == 0


def test_the_api_answers_an_outsider_like_a_missing_conversation(
    client, conversation, alice, charlie, send
):
    send(conversation, alice, "Hello Bob")
    client.force_login(charlie)

    theirs, missing = client.post(api_url(conversation.pk)), client.post(api_url(MISSING))

    assert theirs.status_code == missing.status_code == 404
    assert theirs.content == missing.content and theirs.json() == NOT_FOUND


def test_the_api_wants_a_post(client, conversation, bob):
    client.force_login(bob)
    assert client.get(api_url(conversation.pk)).status_code == 405


# The plain form ------------------------------------------------------------------------------


def state_url(conversation_id: int) -> str:
    return reverse("inbox:state", kwargs={"conversation_id": conversation_id})


def test_the_form_marks_unread_and_goes_to_the_list(client, conversation, alice, bob, send):
    send(conversation, alice, "Hello Bob")
    read_all(conversation, bob)
    client.force_login(bob)

    response = client.post(state_url(conversation.pk), {"action": "mark_unread"})

    assert response.status_code == 302
    assert response["Location"] == reverse("inbox:index")  # the thread would read it again
    assert read_mark(conversation, bob) == 0


def test_the_thread_offers_mark_unread_in_its_actions(client, conversation, alice, bob, send):
    send(conversation, alice, "Hello Bob")
    client.force_login(bob)

    page = client.get(
        reverse("inbox:thread", kwargs={"conversation_id": conversation.pk})
    ).content.decode()

    assert 'value="mark_unread"' in page and "Mark unread" in page


def test_the_form_answers_an_outsider_with_404(client, conversation, alice, charlie, send):
    send(conversation, alice, "Hello Bob")
    client.force_login(charlie)

    assert client.post(state_url(conversation.pk), {"action": "mark_unread"}).status_code == 404
    assert client.post(state_url(MISSING), {"action": "mark_unread"}).status_code == 404


# The user's tabs -----------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
async def test_the_users_tabs_get_the_unread_count(conversation, alice, bob, send):
    await database_sync_to_async(send)(conversation, alice, "Hello Bob")
    await database_sync_to_async(read_all)(conversation, bob)
    tab = await open_socket(bob)

    await database_sync_to_async(read_marks.mark_unread)(conversation=conversation, user=bob)

    assert await receive(tab) == {
        "type": "unread",
        "conversation_id": conversation.pk,
        "count": 1,
        "total": 1,
    }
    await tab.disconnect()
