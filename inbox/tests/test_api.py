"""The inbox JSON API: session auth, CSRF on writes, and the same 404 for missing and not-yours."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from inbox.conversations import get_or_start_conversation
from inbox.models import Block, Message, Participant
from inbox.protocol import MESSAGE, SUMMARY, _check, validate_server_frame

pytestmark = pytest.mark.django_db


def client_for(user, *, csrf: bool = False) -> Client:
    client = Client(enforce_csrf_checks=csrf)
    client.force_login(user, backend="moderation.auth.NotSuspendedModelBackend")
    return client


def post_json(client: Client, url: str, data: dict, **extra):
    return client.post(url, json.dumps(data), content_type="application/json", **extra)


def messages_url(conversation_id: int) -> str:
    return f"/api/inbox/conversations/{conversation_id}/messages/"


def test_it_requires_a_session(conversation):
    for url in ["/api/inbox/conversations/", messages_url(conversation.pk)]:
        response = Client().get(url)
        assert response.status_code == 401 and response.json()["code"] == "unauthenticated"
        validate_server_frame(response.json(), over_http=True)


def test_the_http_only_error_codes_are_not_socket_frames():
    for code in ("not_found", "unauthenticated"):
        frame = {"type": "error", "code": code, "message": "x"}
        validate_server_frame(frame, over_http=True)
        with pytest.raises(ValueError, match="unknown error code"):
            validate_server_frame(frame)


def test_the_list_shows_summaries_newest_first(conversation, alice, bob, charlie, send):
    other = get_or_start_conversation(starter=charlie, other=alice)
    send(conversation, bob, "older")
    send(other, charlie, "newer")
    data = client_for(alice).get("/api/inbox/conversations/").json()
    assert [c["id"] for c in data["conversations"]] == [other.pk, conversation.pk]
    for summary in data["conversations"]:
        _check(summary, SUMMARY, "summary")
    assert data["conversations"][0]["other"]["username"] == "charlie"
    assert data["conversations"][0]["unread"] == 1 and data["next"] is None


def test_the_list_refuses_an_unknown_filter(alice):
    assert client_for(alice).get("/api/inbox/conversations/?filter=everything").status_code == 400


def test_history_pages_oldest_first(conversation, alice, bob, send):
    for word in ["one", "two", "three"]:
        send(conversation, bob, word)
    client = client_for(alice)
    page = client.get(messages_url(conversation.pk) + "?limit=2").json()
    assert [m["body"] for m in page["messages"]] == ["two", "three"] and page["has_more"] is True
    for message in page["messages"]:
        _check(message, MESSAGE, "message")
        assert "client_id" not in message  # alice did not send these
    before = client.get(messages_url(conversation.pk) + "?limit=2&before_seq=2").json()
    assert [m["body"] for m in before["messages"]] == ["one"] and before["has_more"] is False
    assert client.get(messages_url(conversation.pk) + "?limit=x").status_code == 400


def test_post_sends_through_the_send_path_and_a_resend_returns_the_same_ack(conversation, bob):
    client = client_for(bob)
    first = post_json(
        client, messages_url(conversation.pk), {"client_id": "http-key-0001", "body": "Hello"}
    )
    assert first.status_code == 201
    validate_server_frame(first.json())
    again = post_json(
        client, messages_url(conversation.pk), {"client_id": "http-key-0001", "body": "Changed"}
    )
    assert again.status_code == 200 and again.json() == first.json()
    assert Message.objects.count() == 1


@pytest.mark.parametrize(
    "payload, status, code",
    [
        ({"client_id": "http-key-0001", "body": ""}, 400, "empty"),
        ({"client_id": "http-key-0001", "body": "x" * 5001}, 400, "too_long"),
        ({"client_id": "short", "body": "hi"}, 400, "invalid_frame"),
        ({"client_id": "http-key-0001", "body": 5}, 400, "invalid_frame"),
    ],
)
def test_post_refusals_are_error_objects(conversation, bob, payload, status, code):
    response = post_json(client_for(bob), messages_url(conversation.pk), payload)
    assert response.status_code == status and response.json()["code"] == code
    validate_server_frame(response.json())
    assert not Message.objects.exists()


def test_a_rate_limited_post_says_when_to_retry(conversation, bob, settings):
    settings.GIGBOX_SEND_RATE_LIMIT = 1
    client = client_for(bob)
    post_json(client, messages_url(conversation.pk), {"client_id": "http-key-0001", "body": "one"})
    response = post_json(
        client, messages_url(conversation.pk), {"client_id": "http-key-0002", "body": "two"}
    )
    assert (
        response.status_code == 429
        and int(response["Retry-After"]) == response.json()["retry_after"]
    )


def test_post_with_a_file(conversation, bob, png_bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client_for(bob).post(
        messages_url(conversation.pk),
        {
            "client_id": "http-key-file",
            "body": "",
            "files": [SimpleUploadedFile("logo.png", png_bytes)],
        },
    )
    assert response.status_code == 201
    message = Message.objects.get()
    assert message.attachments.get().content_type == "image/png"


def test_post_needs_the_csrf_token(conversation, bob):
    client = client_for(bob, csrf=True)
    refused = post_json(
        client, messages_url(conversation.pk), {"client_id": "http-key-0001", "body": "hi"}
    )
    assert refused.status_code == 403 and not Message.objects.exists()
    token_value = "a" * 32  # what the csrftoken cookie holds; pages send it back as a header
    client.cookies["csrftoken"] = token_value
    accepted = post_json(
        client,
        messages_url(conversation.pk),
        {"client_id": "http-key-0001", "body": "hi"},
        HTTP_X_CSRFTOKEN=token_value,
    )
    assert accepted.status_code == 201


def test_an_outsider_gets_the_same_404_as_for_a_missing_conversation(conversation, charlie):
    client = client_for(charlie)
    for method, suffix, body in [
        ("get", "messages/", None),
        ("post", "messages/", {"client_id": "http-key-0001", "body": "hi"}),
        ("post", "state/", {"starred": True}),
    ]:
        responses = []
        for conversation_id in (conversation.pk, 987654):
            url = f"/api/inbox/conversations/{conversation_id}/{suffix}"
            responses.append(post_json(client, url, body) if method == "post" else client.get(url))
        assert responses[0].status_code == responses[1].status_code == 404
        assert responses[0].content == responses[1].content
        assert responses[0].json()["code"] == "not_found"
        validate_server_frame(responses[0].json(), over_http=True)
    assert not Message.objects.exists()
    assert not Participant.objects.filter(user=charlie).exists()


def test_state_files_the_conversation_on_ones_own_side(conversation, alice, bob):
    response = post_json(
        client_for(bob),
        f"/api/inbox/conversations/{conversation.pk}/state/",
        {"starred": True, "labels": ["logo", " logo ", "urgent"]},
    )
    assert response.status_code == 200
    summary = response.json()["conversation"]
    assert summary["starred"] is True and summary["labels"] == ["logo", "urgent"]
    assert not Participant.objects.get(conversation=conversation, user=alice).starred
    bad = post_json(
        client_for(bob),
        f"/api/inbox/conversations/{conversation.pk}/state/",
        {"labels": ["x" * 31]},
    )
    assert bad.status_code == 400
    assert (
        post_json(
            client_for(bob), f"/api/inbox/conversations/{conversation.pk}/state/", {"spam": "yes"}
        ).status_code
        == 400
    )


def test_block_and_unblock(conversation, alice, bob):
    client = client_for(bob)
    assert client.post("/api/inbox/users/alice/block/").json() == {
        "username": "alice",
        "blocked": True,
    }
    assert Block.objects.filter(blocker=bob, blocked=alice).exists()
    refused = post_json(
        client, messages_url(conversation.pk), {"client_id": "http-key-0001", "body": "hi"}
    )
    assert refused.status_code == 403 and refused.json()["code"] == "blocked"
    assert client.delete("/api/inbox/users/alice/block/").json() == {
        "username": "alice",
        "blocked": False,
    }
    assert not Block.objects.exists()
    assert client.post("/api/inbox/users/nobody/block/").status_code == 404
    assert client.post("/api/inbox/users/bob/block/").status_code == 404  # oneself: not a target
