"""Issue 18, problem 7 (two missing tools): hiding a message from the parties from the flag
admin, and searching a contact detail across accounts (recorded as a reveal)."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps as django_apps
from django.test import Client
from django.utils.html import escape

from inbox.models import MessageWithdrawal
from inbox.withdrawn import WITHDRAWN_NOTICE
from moderation.contact_search import search_contact
from moderation.models import Flag, StaffAccess

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    client = Client()
    client.force_login(user, backend="moderation.auth.NotSuspendedModelBackend")
    return client


# Hiding -------------------------------------------------------------------------------------------


def test_a_moderator_hides_a_flagged_message_with_a_reason(flag, mona, alice, conversation):
    """Problem 7: no way to hide a message from the other party."""
    client = client_for(mona)
    url = f"/admin/moderation/flag/{flag.pk}/hide/"
    assert client.get(url).status_code == 200
    assert client.post(url, {"reason": "short"}).status_code == 400
    assert not MessageWithdrawal.objects.exists()
    response = client.post(url, {"reason": "Contact details, confirmed by mona"})
    assert response.status_code == 302
    withdrawal = MessageWithdrawal.objects.get()
    assert (withdrawal.message, withdrawal.withdrawn_by, withdrawal.reference) == (
        flag.message,
        mona,
        f"flag:{flag.pk}",
    )
    access = StaffAccess.objects.get()
    assert (access.action, access.message) == ("hide_message", flag.message)
    thread = client_for(alice).get(f"/inbox/{conversation.pk}/").content.decode()
    assert escape(WITHDRAWN_NOTICE) in thread and "23456789" not in thread


def test_staff_without_the_moderation_permission_cannot_hide(flag, stella):
    assert client_for(stella).post(
        f"/admin/moderation/flag/{flag.pk}/hide/", {"reason": "Contact details, confirmed"}
    ).status_code in (302, 403)
    assert not MessageWithdrawal.objects.exists()


# Contact search -----------------------------------------------------------------------------------


@pytest.fixture
def shared(conversation, send, alice, bob, charlie):
    """The same phone shared by bob (international form) and charlie (national form); an
    email at gmail by alice."""
    from inbox.conversations import get_or_start_conversation

    send(conversation, bob, "call me on +44 7911 123456")
    send(conversation, alice, "or write to alice.design@gmail.com")
    other = get_or_start_conversation(starter=charlie, other=alice)
    send(other, charlie, "my mobile is 07911 123456")
    send(other, charlie, "find me on instagram @charlie_draws")
    return Flag.objects.select_related("message__sender")


def senders(flags) -> set[str]:
    return {flag.message.sender.username for flag in flags}


def test_each_flag_stores_the_detectors_normalised_values(shared):
    values = {f.message.sender.username + f.contact_values for f in shared}
    assert "bob\n+447911123456\n" in values
    assert "alice\nalice.design@gmail.com\n" in values
    assert "charlie\ninstagram:charlie_draws\n" in values


@pytest.mark.parametrize(
    "query, found",
    [
        ("+44 7911 123456", {"bob", "charlie"}),
        ("07911123456", {"bob", "charlie"}),
        ("gmail", {"alice"}),
        ("ALICE.design@Gmail.com", {"alice"}),
        ("instagram:charlie", {"charlie"}),
        ("nobody@example.org", set()),
    ],
)
def test_a_contact_detail_is_found_across_accounts_and_each_search_is_a_reveal(
    shared, mona, query, found
):
    """Problem 7: no search across accounts for a contact detail ("gmail" found nothing)."""
    assert senders(search_contact(staff=mona, query=query, reason="Who else shared this?")) == found
    access = StaffAccess.objects.get()
    assert (access.action, access.reason) == ("contact_search", "Who else shared this?")
    assert access.reference == f"contact_search:{query}"


def test_the_contact_search_page_asks_a_reason_and_records_it(shared, mona):
    client = client_for(mona)
    url = "/admin/moderation/flag/contact-search/"
    assert client.get(url).status_code == 200
    refused = client.post(url, {"query": "gmail", "reason": "x"})
    assert refused.status_code == 400 and b"at least 10 characters" in refused.content
    assert not StaffAccess.objects.exists()
    page = client.post(url, {"query": "+44 7911 123456", "reason": "Ticket 881: scam"})
    html = page.content.decode()
    assert page.status_code == 200 and "2 flags" in html and "charlie" in html
    assert StaffAccess.objects.filter(action="contact_search", staff=mona).count() == 1


def test_the_migration_backfills_existing_flags(shared):
    Flag.objects.update(contact_values="")
    migration = importlib.import_module("moderation.migrations.0008_contact_values_access_actions")
    migration.backfill(django_apps, None)
    assert {f.contact_values for f in Flag.objects.all()} >= {
        "\n+447911123456\n",
        "\nalice.design@gmail.com\n",
    }
