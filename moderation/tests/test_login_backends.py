"""Suspended accounts reach their account page and nothing else, whichever login form they
used (Django admin's does not ask the allauth adapter) and for a session that survived the
suspension (moderation.limited_access)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from marketplace.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"


@pytest.fixture
def staff_member(db):
    user = UserFactory(username="sam", email="sam@example.com", is_staff=True, is_superuser=True)
    user.set_password(PASSWORD)
    user.save()
    return user


def suspend(user) -> None:
    type(user).objects.filter(pk=user.pk).update(suspended_until=timezone.now() + timedelta(days=3))


@pytest.mark.parametrize("username", ["sam", "sam@example.com"])
def test_a_suspended_staff_member_reaches_only_the_account_page(client, staff_member, username):
    suspend(staff_member)

    client.post("/admin/login/?next=/admin/", {"username": username, "password": PASSWORD})

    assert client.get("/admin/")["Location"] == "/account/health/"
    assert client.get("/account/health/").status_code == 200


def test_a_staff_member_who_is_not_suspended_logs_in_to_the_admin(client, staff_member):
    response = client.post("/admin/login/?next=/admin/", {"username": "sam", "password": PASSWORD})

    assert response.status_code == 302 and response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_a_session_that_survived_the_suspension_reaches_only_the_account_page(client, staff_member):
    client.force_login(staff_member)
    assert client.get("/admin/").status_code == 200

    suspend(staff_member)

    assert client.get("/admin/")["Location"] == "/account/health/"  # the account page only
