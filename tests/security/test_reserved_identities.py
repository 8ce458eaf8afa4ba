"""Issue 17, finding 6: nobody can sign up or call themselves Gigbox, support or staff, in any
spelling; the real system account is marked official in the inbox, which no user can be."""

from __future__ import annotations

import pytest
from django.test import Client

from inbox.conversations import get_or_start_conversation
from marketplace.identity import is_reserved_name, skeleton
from marketplace.models import SellerProfile, User
from moderation.notices import system_account

pytestmark = pytest.mark.django_db

IMPERSONATIONS = [
    "gigbox",
    "g\u0131gbox",  # dotless i
    "\uff27\uff29\uff27\uff22\uff2f\uff38",  # full-width GIGBOX
    "GIGB0X",
    "g\u0456gbox",  # Cyrillic i
    "gigbox-support",
    "gigbox_official",
    "trust-and-safety",
    "trust_safety",
    "support",
    "admin",
    "Moderator",
    "staff",
    "Gigbox Trust & Safety",
    "Trust and Safety Team",
    "Su\u0440\u0440ort",  # Cyrillic er
]


def test_skeleton_folds_width_case_and_lookalikes():
    assert skeleton("\uff27\u0131\u0262B0X") == skeleton("gigbox") == "gigbox"


@pytest.mark.parametrize("name", IMPERSONATIONS)
def test_reserved_names_in_any_spelling(name):
    assert is_reserved_name(name)


@pytest.mark.parametrize(
    "name", ["erin", "Priya Sharma", "badminton_coach", "gig_master", "Security Camera Installs"]
)
def test_ordinary_names_pass(name):
    assert not is_reserved_name(name)


@pytest.mark.parametrize("username", ["g\u0131gbox", "gigbox-support", "trust-and-safety"])
def test_sign_up_refuses_a_reserved_username(client, username):
    response = client.post(
        "/accounts/signup/",
        {
            "email": "mallory@example.com",
            "username": username,
            "password1": "a-long-passphrase-9",
            "password2": "a-long-passphrase-9",
        },
    )
    assert response.status_code == 200 and "reserved" in response.content.decode()
    assert not User.objects.filter(email="mallory@example.com").exists()


def test_a_seller_cannot_take_an_official_display_name(client, alice):
    client.force_login(alice)
    response = client.post(
        "/seller/profile/",
        {
            "display_name": "Gigbox Trust & Safety",
            "bio": "Official.",
            "country": "IN",
            "languages": "English",
            "skills": "",
        },
    )
    assert response.status_code == 200 and "reserved" in response.content.decode()
    assert SellerProfile.objects.get(user=alice).display_name != "Gigbox Trust & Safety"


def test_the_system_account_is_marked_official_and_nobody_else_is(bob, alice, conversation):
    notice_thread = get_or_start_conversation(starter=system_account(), other=bob)
    SellerProfile.objects.filter(user=alice).update(display_name="Gigbox Official")
    client = Client()
    client.force_login(bob, backend="moderation.auth.NotSuspendedModelBackend")
    system_page = client.get(f"/inbox/{notice_thread.pk}/").content.decode()
    other_page = client.get(f"/inbox/{conversation.pk}/").content.decode()
    assert 'class="badge-official"' in system_page.split('<header class="thread-head">')[1]
    assert 'class="badge-official"' not in other_page.split('<header class="thread-head">')[1]
