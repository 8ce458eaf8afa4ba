"""The inbox's plain POST forms (they work without JavaScript): send, state, block, start;
and that an outsider gets the same 404 from each as for something missing (the report form
is moderation's: moderation/tests/test_report_views.py)."""

from __future__ import annotations

import uuid

import pytest
from django.urls import reverse

from inbox import services
from inbox.conversations import get_or_start_conversation
from inbox.models import Block, Message, Participant
from marketplace.tests.factories import GigFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def as_bob(client, bob):
    client.force_login(bob)
    return client


def url(name: str, **kwargs) -> str:
    return reverse(f"inbox:{name}", kwargs=kwargs)


# Sending ---------------------------------------------------------------------------------


def test_the_form_sends_and_redirects_to_the_thread(as_bob, conversation, bob):
    response = as_bob.post(
        url("send", conversation_id=conversation.pk),
        {"body": "Hi Alice", "client_id": uuid.uuid4().hex},
    )
    assert response.status_code == 302
    message = Message.objects.get(conversation=conversation)
    assert (
        response["Location"] == url("thread", conversation_id=conversation.pk) + f"#m{message.seq}"
    )
    assert (message.sender, message.delivered_body) == (bob, "Hi Alice")
    page = as_bob.get(response["Location"]).content.decode()
    assert f'id="m{message.seq}"' in page
    assert "We hid" not in page


def test_a_double_submit_of_the_same_page_sends_once(as_bob, conversation):
    form = {"body": "Hi Alice", "client_id": uuid.uuid4().hex}
    as_bob.post(url("send", conversation_id=conversation.pk), form)
    as_bob.post(url("send", conversation_id=conversation.pk), form)
    assert Message.objects.filter(conversation=conversation).count() == 1


def test_a_refused_send_says_why_and_keeps_the_draft(as_bob, conversation, settings):
    settings.GIGBOX_MESSAGE_MAX_CHARS = 10
    response = as_bob.post(
        url("send", conversation_id=conversation.pk),
        {"body": "x" * 11, "client_id": uuid.uuid4().hex},
        follow=True,
    )
    assert "Too long: 11/10 characters." in response.content.decode()
    assert response.context["send_form"]["body"].value() == "x" * 11
    assert not Message.objects.exists()


def test_an_empty_message_is_refused_in_words(as_bob, conversation):
    response = as_bob.post(
        url("send", conversation_id=conversation.pk),
        {"body": "  ", "client_id": uuid.uuid4().hex},
        follow=True,
    )
    assert "Write something first" in response.content.decode()
    assert not Message.objects.exists()


def test_a_blocked_sender_is_told(as_bob, conversation, alice, bob):
    services.block_user(blocker=alice, blocked=bob)
    response = as_bob.post(
        url("send", conversation_id=conversation.pk),
        {"body": "Hi", "client_id": uuid.uuid4().hex},
        follow=True,
    )
    assert "blocked" in response.content.decode()
    assert not Message.objects.exists()


def test_a_masked_message_keeps_the_original_out_of_the_page(as_bob, conversation):
    response = as_bob.post(
        url("send", conversation_id=conversation.pk),
        {"body": "call me +1 415 555 0198", "client_id": uuid.uuid4().hex},
        follow=True,
    )
    page = response.content.decode()
    assert "555 0198" not in page
    assert "contact details hidden" in page
    # The sender is told what was hidden and why (the ack's notice), at the message itself.
    message = Message.objects.get(conversation=conversation)
    assert response.redirect_chain[-1][0].endswith(f"#m{message.seq}")
    assert [(m.level_tag, m.message) for m in response.context["messages"]] == [
        (
            "warning",
            "We hid a phone number: sharing contact details is against the rules. "
            "Keep talking and paying on Gigbox, where your order is protected.",
        )
    ]
    assert "We hid a phone number" in page


# State ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "action, field, value",
    [
        ("star", "starred", True),
        ("archive", "archived", True),
        ("spam", "spam", True),
        ("mute", "muted", True),
    ],
)
def test_state_actions_file_the_conversation_on_my_side_only(
    as_bob, conversation, alice, bob, action, field, value
):
    response = as_bob.post(url("state", conversation_id=conversation.pk), {"action": action})
    assert response.status_code == 302
    assert getattr(Participant.objects.get(conversation=conversation, user=bob), field) is value
    assert (
        getattr(Participant.objects.get(conversation=conversation, user=alice), field) is not value
    )


def test_state_undo_actions(as_bob, conversation, bob):
    services.update_participant(conversation=conversation, user=bob, starred=True, archived=True)
    as_bob.post(url("state", conversation_id=conversation.pk), {"action": "unstar"})
    as_bob.post(url("state", conversation_id=conversation.pk), {"action": "unarchive"})
    participant = Participant.objects.get(conversation=conversation, user=bob)
    assert (participant.starred, participant.archived) == (False, False)


def test_labels_are_saved_from_a_comma_separated_field(as_bob, conversation, bob):
    as_bob.post(
        url("state", conversation_id=conversation.pk),
        {"action": "labels", "labels": "Logo, urgent ,, Logo"},
    )
    assert Participant.objects.get(conversation=conversation, user=bob).labels == ["Logo", "urgent"]


def test_a_bad_label_is_refused_in_words(as_bob, conversation, bob):
    response = as_bob.post(
        url("state", conversation_id=conversation.pk),
        {"action": "labels", "labels": "x" * 31},
        follow=True,
    )
    assert "A label has 1 to 30 characters." in response.content.decode()
    assert Participant.objects.get(conversation=conversation, user=bob).labels == []


def test_state_returns_to_next_only_when_it_is_ours(as_bob, conversation):
    ours = as_bob.post(
        url("state", conversation_id=conversation.pk),
        {"action": "star", "next": "/inbox/?filter=starred"},
    )
    assert ours["Location"] == "/inbox/?filter=starred"
    theirs = as_bob.post(
        url("state", conversation_id=conversation.pk),
        {"action": "star", "next": "https://evil.example/"},
    )
    assert theirs["Location"] == url("thread", conversation_id=conversation.pk)


def test_state_needs_post(as_bob, conversation):
    assert as_bob.get(url("state", conversation_id=conversation.pk)).status_code == 405


# Block -----------------------------------------------------------------------------------


def test_block_and_unblock(as_bob, conversation, alice, bob):
    as_bob.post(url("block", username="alice"), {"action": "block"})
    assert Block.objects.filter(blocker=bob, blocked=alice).exists()
    page = as_bob.get(url("thread", conversation_id=conversation.pk)).content.decode()
    assert "You blocked" in page and 'id="composer"' not in page
    as_bob.post(url("block", username="alice"), {"action": "unblock"})
    assert not Block.objects.filter(blocker=bob, blocked=alice).exists()


def test_the_blocked_person_sees_they_cannot_reply(client, conversation, alice, bob):
    services.block_user(blocker=bob, blocked=alice)
    client.force_login(alice)
    page = client.get(url("thread", conversation_id=conversation.pk)).content.decode()
    assert "You can't reply" in page and 'id="composer"' not in page


def test_blocking_oneself_or_nobody_is_404(as_bob):
    assert as_bob.post(url("block", username="bob"), {"action": "block"}).status_code == 404
    assert as_bob.post(url("block", username="nobody"), {"action": "block"}).status_code == 404


# Start -----------------------------------------------------------------------------------


def test_contact_seller_opens_a_conversation_about_the_gig(as_bob, alice, bob):
    gig = GigFactory(seller=alice)
    response = as_bob.post(url("start", username="alice"), {"gig": gig.pk})
    conversation = get_or_start_conversation(starter=bob, other=alice)
    assert response["Location"] == url("thread", conversation_id=conversation.pk) + "#composer"
    assert conversation.gig == gig
    again = as_bob.post(url("start", username="alice"), {"gig": gig.pk})
    assert again["Location"] == response["Location"]


def test_contact_seller_ignores_a_gig_of_someone_else(as_bob, alice, charlie, bob):
    other_gig = GigFactory(seller=charlie)
    as_bob.post(url("start", username="alice"), {"gig": other_gig.pk})
    assert get_or_start_conversation(starter=bob, other=alice).gig is None


def test_contacting_oneself_is_refused_in_words(client, alice):
    gig = GigFactory(seller=alice)
    client.force_login(alice)
    response = client.post(url("start", username="alice"), {"gig": gig.pk}, follow=True)
    assert "your own gig" in response.content.decode()


def test_contacting_someone_who_blocked_you_is_refused(as_bob, alice, bob):
    services.block_user(blocker=alice, blocked=bob)
    response = as_bob.post(url("start", username="alice"), follow=True)
    assert "blocked" in response.content.decode()


# Outsiders -------------------------------------------------------------------------------


def test_an_outsider_gets_404_from_every_conversation_url(
    client, conversation, alice, charlie, send
):
    send(conversation, alice, "hello bob")
    client.force_login(charlie)
    posts = {
        url("send", conversation_id=conversation.pk): {"body": "hi", "client_id": uuid.uuid4().hex},
        url("state", conversation_id=conversation.pk): {"action": "star"},
    }
    missing = {
        url("send", conversation_id=999999): {"body": "hi", "client_id": uuid.uuid4().hex},
        url("state", conversation_id=999999): {"action": "star"},
    }
    for target, data in [*posts.items(), *missing.items()]:
        assert client.post(target, data).status_code == 404, target
    assert client.get(url("thread", conversation_id=conversation.pk)).status_code == 404
    assert Message.objects.count() == 1
    assert not Participant.objects.filter(starred=True).exists()


def test_every_form_needs_login(client, conversation):
    for target in (
        url("send", conversation_id=conversation.pk),
        url("state", conversation_id=conversation.pk),
        url("block", username="alice"),
        url("start", username="alice"),
    ):
        response = client.post(target, {})
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], target


def test_the_form_sends_files_too(as_bob, conversation, alice, bob):
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile(
        "brief.txt", b"Logo brief: green, round, friendly.\n", content_type="text/plain"
    )
    as_bob.post(
        url("send", conversation_id=conversation.pk),
        {"body": "", "client_id": uuid.uuid4().hex, "files": [upload]},
    )
    message = Message.objects.get(conversation=conversation)
    assert [a.name for a in message.attachments.all()] == ["brief.txt"]
    as_alice = as_bob
    as_alice.force_login(alice)
    page = as_alice.get(url("thread", conversation_id=conversation.pk)).content.decode()
    attachment = message.attachments.get()
    assert f'href="/inbox/attachments/{attachment.pk}/"' in page and "brief.txt" in page
