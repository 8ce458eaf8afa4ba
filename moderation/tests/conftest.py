"""Personas for moderation tests: mona and otto moderate, root is a superuser. alice sells,
bob buys from her, charlie is a stranger, rita reviews disputes, stella is staff with no group,
`conversation` and `send` are the root conftest's."""

from __future__ import annotations

import pytest

from marketplace.roles import MODERATORS
from marketplace.tests.factories import UserFactory
from tests.factories import StaffFactory


@pytest.fixture
def mona(db):
    """A moderator."""
    return StaffFactory(username="mona", groups=[MODERATORS])


@pytest.fixture
def otto(db):
    """A second moderator: a strike's appeal is decided by someone other than its giver."""
    return StaffFactory(username="otto", groups=[MODERATORS])


@pytest.fixture
def root(db):
    return UserFactory(username="root", email="root@example.com", is_staff=True, is_superuser=True)


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
    from marketplace.models import SYSTEM_USERNAME

    def _notices(user) -> list[str]:
        return list(
            Message.objects.filter(kind=Message.Kind.SYSTEM, conversation__participants__user=user)
            .filter(conversation__participants__user__username=SYSTEM_USERNAME)
            .order_by("id")
            .values_list("body", flat=True)
        )

    return _notices
