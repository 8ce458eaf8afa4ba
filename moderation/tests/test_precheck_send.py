"""The composer's pre-send check (inbox/precheck.py): the send path's own masking, with its
history; nothing stored or flagged; a per-user limit; the same 404 for not-yours."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from inbox import precheck
from inbox.models import Message
from moderation.models import Flag

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    client = Client()
    client.force_login(user, backend="moderation.auth.NotSuspendedModelBackend")
    return client


def check(client: Client, conversation, body: str):
    return client.post(
        f"/api/inbox/conversations/{conversation.pk}/precheck/",
        json.dumps({"body": body}),
        content_type="application/json",
    )


@pytest.mark.parametrize(
    "body",
    [
        "call me +1 415 555 0198",
        "ref 4815162342",
        "sam dot designs at gmail dot com",
        "four one five five five five zero one nine eight",
        "insta: @sam.designs",
        "Thanks, the logo files come tomorrow.",
    ],
)
def test_the_answer_is_what_the_send_path_delivers(conversation, bob, send, body):
    answer = check(client_for(bob), conversation, body).json()
    sent = send(conversation, bob, body)
    message = Message.objects.get(pk=sent.message.pk)
    assert answer["delivered"] == message.delivered_body
    assert answer["masked"] == (message.delivered_body != body)


def test_a_number_split_across_messages_is_found_as_the_send_path_finds_it(conversation, bob, send):
    send(conversation, bob, "my number is +1 415 555")
    answer = check(client_for(bob), conversation, "0198 is the rest").json()
    sent = send(conversation, bob, "0198 is the rest")
    assert answer["delivered"] == Message.objects.get(pk=sent.message.pk).delivered_body


def test_nothing_is_stored_or_flagged(conversation, bob):
    assert check(client_for(bob), conversation, "call me +1 415 555 0198").json()["masked"]
    assert not Message.objects.exists() and not Flag.objects.exists()


def test_it_is_rate_limited_per_user(conversation, bob, monkeypatch):
    monkeypatch.setattr(precheck, "PRECHECK_LIMIT", 3)
    client = client_for(bob)
    statuses = [check(client, conversation, "hello").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]


def test_a_stranger_gets_the_same_404_as_for_a_missing_conversation(conversation, charlie):
    response = check(client_for(charlie), conversation, "hello")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
