"""Issue 18 follow-up: the moderator walkthrough of the running admin (t18b). Each test names
the numbered problem of that walkthrough it covers."""

from __future__ import annotations

import pytest
from django.test import Client

from inbox.models import MessageWithdrawal
from moderation import services
from moderation.models import Flag, StaffAccess, Strike

pytestmark = pytest.mark.django_db

NOTE = "Sharing a phone number is not allowed on Gigbox."


def client_for(user) -> Client:
    client = Client()
    client.force_login(user, backend="moderation.auth.NotSuspendedModelBackend")
    return client


@pytest.fixture
def split_number(conversation, send, bob):
    """Bob splits a number: the first two parts pass the detector, the third is flagged."""
    first = send(conversation, bob, "My number is 917").message
    second = send(conversation, bob, "555").message
    flagged = send(conversation, bob, "call me on +49 151 23456789 please").message
    return first, second, Flag.objects.get(message=flagged)


def test_reveal_and_hide_stay_on_a_decided_flag(split_number, mona):
    """Problem 1: once confirmed, the flag offered neither "Reveal original…" nor "Hide…"."""
    *_, flag = split_number
    services.confirm_flag(flag=flag, moderator=mona, kind=Strike.Kind.CONTACT_SHARING, note=NOTE)
    client = client_for(mona)
    page = client.get(f"/admin/moderation/flag/{flag.pk}/change/").content.decode()
    assert f"/admin/moderation/flag/{flag.pk}/reveal/" in page
    assert f"/admin/moderation/flag/{flag.pk}/hide/" in page
    response = client.post(
        f"/admin/moderation/flag/{flag.pk}/reveal/", {"reason": "Appeal review of this flag"}
    )
    assert "23456789" in response.content.decode()
    assert StaffAccess.objects.filter(action="reveal_original").count() == 1


def test_the_other_parts_of_a_split_number_can_be_hidden(split_number, mona, alice, charlie):
    """Problem 1: "My number is 917" / "555" were delivered unmasked and could not be hidden."""
    first, second, flag = split_number
    client = client_for(mona)
    page = client.get(f"/admin/moderation/flag/{flag.pk}/change/").content.decode()
    for part in (first, second):
        assert f"/admin/moderation/flag/{flag.pk}/hide/{part.pk}/" in page
    url = f"/admin/moderation/flag/{flag.pk}/hide/{first.pk}/"
    assert client.post(url, {"reason": "x"}).status_code == 400
    assert client.post(url, {"reason": "First part of a split phone number"}).status_code == 302
    withdrawal = MessageWithdrawal.objects.get()
    assert (withdrawal.message, withdrawal.reference) == (first, f"flag:{flag.pk}")
    access = StaffAccess.objects.get()
    assert (access.action, access.message) == ("hide_message", first)
    page = client.get(f"/admin/moderation/flag/{flag.pk}/change/").content.decode()
    assert f'data-context-hidden="{first.pk}"' in page
    # Only the sender's own messages of this flag's context.
    assert (
        client.post(
            f"/admin/moderation/flag/{flag.pk}/hide/{flag.message_id + 1000}/",
            {"reason": "First part of a split phone number"},
        ).status_code
        == 404
    )
