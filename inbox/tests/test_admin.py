"""Inbox admin: a masked message's list row and change page show the delivered text and
what was found (kind and rule), never the original text or the findings' value and reason."""

from __future__ import annotations

import re

import pytest

from marketplace.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PHONE = "+44 7911 123456"


@pytest.fixture
def masked(conversation, bob, send):
    message = send(conversation, bob, f"Call me on {PHONE} tonight").message
    assert message.findings and PHONE not in message.delivered_body  # the detector masked it
    return message


@pytest.fixture
def as_superuser(client):
    client.force_login(
        UserFactory(username="root", email="root@example.com", is_staff=True, is_superuser=True)
    )
    return client


def digits(text: str) -> str:
    return re.sub(r"\D", "", text)


@pytest.mark.parametrize("page", ["list", "change"])
def test_the_admin_never_shows_the_original_contact_details(as_superuser, masked, page):
    url = "/admin/inbox/message/" if page == "list" else f"/admin/inbox/message/{masked.pk}/change/"

    response = as_superuser.get(url)

    assert response.status_code == 200
    html = response.content.decode()
    assert "[contact hidden]" in html  # the delivered text is there
    assert digits(PHONE) not in digits(html) and "7911" not in html
    for finding in masked.findings:
        assert f"{finding['kind']} ({finding['rule']})" in html
        assert str(finding.get("reason")) not in html
