"""Accounts through django-allauth (and django-axes): sign up, log in, log out, reset, lockout."""

from __future__ import annotations

import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail

from marketplace.models import User
from marketplace.tests.factories import PASSWORD, UserFactory


@pytest.fixture
def dana(db):
    return UserFactory(username="dana", email="dana@example.com")


def login(client, login: str, password: str = PASSWORD):
    return client.post("/accounts/login/", {"login": login, "password": password})


def test_the_login_page_uses_the_gigbox_layout(client, db):
    html = client.get("/accounts/login/").content.decode()
    assert (
        'class="site-header"' in html and 'class="form card"' in html and "btn btn-primary" in html
    )
    assert "Payments are simulated" in html  # the footer of base.html


def test_log_in_by_username(client, dana):
    response = login(client, "dana")
    assert response.status_code == 302
    assert client.get("/orders/").status_code == 200


def test_log_in_by_email(client, dana):
    assert login(client, "DANA@example.com").status_code == 302
    assert int(client.session["_auth_user_id"]) == dana.pk


def test_a_wrong_password_shows_a_clear_error(client, dana):
    response = login(client, "dana", "nope")
    assert response.status_code == 200
    assert "not correct" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_log_out(client, dana):
    client.force_login(dana)
    assert client.post("/accounts/logout/").status_code == 302
    assert "_auth_user_id" not in client.session


def test_sign_up_sends_a_verification_email(client, db):
    response = client.post(
        "/accounts/signup/",
        {
            "email": "erin@example.com",
            "username": "erin",
            "password1": "a-long-passphrase-9",
            "password2": "a-long-passphrase-9",
        },
    )
    assert response.status_code == 302
    user = User.objects.get(username="erin")
    address = EmailAddress.objects.get(user=user)
    assert (address.email, address.verified, address.primary) == ("erin@example.com", False, True)
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["erin@example.com"]
    assert mail.outbox[0].subject.startswith("[Gigbox]")
    link = re.search(r"https?://\S+/accounts/confirm-email/\S+/", mail.outbox[0].body).group(0)
    client.post(link.split("testserver", 1)[-1])
    address.refresh_from_db()
    assert address.verified


def test_sign_up_errors_are_shown_on_the_form(client, dana):
    response = client.post(
        "/accounts/signup/",
        {"email": "dana@example.com", "username": "dana", "password1": "x", "password2": "y"},
    )
    html = response.content.decode()
    assert response.status_code == 200 and 'class="errorlist' in html
    assert User.objects.filter(username="dana").count() == 1


def test_password_reset_sends_an_email_and_the_link_sets_a_new_password(client, dana):
    response = client.post("/accounts/password/reset/", {"email": "dana@example.com"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["dana@example.com"]
    path = re.search(
        r"https?://[^/\s]+(/accounts/password/reset/key/\S+/)", mail.outbox[0].body
    ).group(1)
    form_url = client.get(path).url  # allauth moves the key into the session, then redirects
    new = "another-long-passphrase-7"
    assert client.post(form_url, {"password1": new, "password2": new}).status_code == 302
    assert login(client, "dana", new).status_code == 302


def test_five_failures_lock_the_login_for_30_minutes(client, dana):
    for _ in range(4):
        assert login(client, "dana", "wrong").status_code == 200
    locked = login(client, "dana", "wrong")
    assert locked.status_code == 429
    html = locked.content.decode()
    assert "Too many failed logins" in html and "try again in 30 minutes" in html
    # Even the right password is refused while locked, with the same page.
    retry = login(client, "dana")
    assert retry.status_code == 429 and "try again in 30 minutes" in retry.content.decode()
    assert "_auth_user_id" not in client.session
