"""Personas for moderation tests: alice sells, bob buys from her, charlie is a stranger;
mona and otto moderate, rita reviews disputes, stella is staff with no group, root is a superuser."""

from __future__ import annotations

import uuid

import pytest
from django.contrib.auth.models import Group

from inbox import services as inbox_services
from marketplace.roles import DISPUTE_REVIEWERS, MODERATORS
from marketplace.tests.factories import UserFactory
from moderation.tests.groups import ensure_staff_groups


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]




def _staff_in(username: str, *groups: str):
    ensure_staff_groups()
    user = UserFactory(username=username, email=f"{username}@example.com", is_staff=True)
    user.groups.set(Group.objects.filter(name__in=groups))
    return user


@pytest.fixture
def mona(db):
    """A moderator."""
    return _staff_in("mona", MODERATORS)


@pytest.fixture
def otto(db):
    """A second moderator: a strike's appeal is decided by someone other than its giver."""
    return _staff_in("otto", MODERATORS)


@pytest.fixture
def rita(db):
    """A dispute reviewer."""
    return _staff_in("rita", DISPUTE_REVIEWERS)


@pytest.fixture
def stella(db):
    """Staff in no group."""
    return _staff_in("stella")


@pytest.fixture
def root(db):
    return UserFactory(username="root", email="root@example.com", is_staff=True, is_superuser=True)


@pytest.fixture
def conversation(alice, bob):
    return inbox_services.get_or_start_conversation(starter=bob, other=alice)


@pytest.fixture
def send():
    def _send(conversation, sender, body="Hello", client_id=None):
        return inbox_services.send_message(
            conversation=conversation, sender=sender, body=body, client_id=client_id or uuid.uuid4().hex
        )

    return _send


@pytest.fixture
def contact_message(conversation, send, bob):
    """Bob's message with a phone number: masked and flagged by the detector."""
    return send(conversation, bob, "call me on +49 151 23456789 please").message


@pytest.fixture
def flag(contact_message):
    from moderation.models import Flag

    return Flag.objects.get(message=contact_message)


@pytest.fixture
def system_messages():
    """The Trust & Safety notices a user got, oldest first."""
    from inbox.models import Message
    from moderation.notices import SYSTEM_USERNAME

    def _notices(user) -> list[str]:
        return list(
            Message.objects.filter(kind=Message.Kind.SYSTEM, conversation__participants__user=user)
            .filter(conversation__participants__user__username=SYSTEM_USERNAME)
            .order_by("id")
            .values_list("body", flat=True)
        )

    return _notices
