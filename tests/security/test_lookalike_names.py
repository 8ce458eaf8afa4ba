"""Issue 17 follow-up, problems 1 and 2: invisible format characters in names, and usernames
that look like an existing user's."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from marketplace.identity import is_reserved_name, lookalike_key, skeleton
from marketplace.models import SellerProfile, User

pytestmark = pytest.mark.django_db

PROFILE = {"bio": "Hello.", "country": "IN", "languages": "English", "skills": ""}
FORMAT_CHARACTERS = ["\u202e", "\u202a", "\u2066", "\u2069", "\u200e", "\u200f", "\u061c"]
FORMAT_CHARACTERS += ["\u00ad", "\u200b", "\u200d", "\u2060", "\ufeff"]


def _sign_up(client, username: str, email: str = "new@example.com"):
    return client.post(
        "/accounts/signup/",
        {
            "email": email,
            "username": username,
            "password1": "a-long-passphrase-9",
            "password2": "a-long-passphrase-9",
        },
    )


def test_reversed_official_name_is_refused_as_display_name(client, alice):
    """Problem 1: U+202E turned reversed text into "Gigbox Trust & Safety" on screen."""
    client.force_login(alice)
    name = "\u202eytefaS & tsurT xobgiG"
    response = client.post("/seller/profile/", {"display_name": name, **PROFILE})
    assert response.status_code == 200
    assert "invisible or text-direction characters" in response.content.decode()
    assert SellerProfile.objects.get(user=alice).display_name != name


@pytest.mark.parametrize("char", FORMAT_CHARACTERS)
def test_format_characters_are_refused_in_display_names(alice, char):
    """Problem 1: every Cf character, not only U+202E."""
    profile = SellerProfile.objects.get(user=alice)
    profile.display_name = f"Priya{char}Sharma"
    with pytest.raises(ValidationError) as caught:
        profile.full_clean()
    assert "display_name" in caught.value.message_dict


@pytest.mark.parametrize("char", ["\u202e", "\u200b", "\u00ad"])
def test_format_characters_are_refused_in_usernames(client, char):
    """Problem 1: sign-up answers with the clear reason."""
    response = _sign_up(client, f"mall{char}ory")
    assert "invisible or text-direction characters" in response.content.decode()
    assert not User.objects.filter(email="new@example.com").exists()


def test_skeleton_drops_format_characters():
    """Problem 1: `gig\u200bbox` has the skeleton of `gigbox` and is reserved."""
    assert skeleton("gig\u200bbox") == skeleton("g\u2066igbox\u2069") == "gigbox"
    assert is_reserved_name("Gig\u00adbox Support")


@pytest.mark.parametrize("lookalike", ["s\u0435ller", "\u0455eller", "seIler", "se1ler"])
def test_sign_up_refuses_a_lookalike_of_an_existing_username(client, lookalike):
    """Problem 2: look-alikes of `seller` (Cyrillic е, Cyrillic ѕ, capital I) were accepted."""
    User.objects.create_user("seller", "seller@example.com", "pw-long-enough-1")
    response = _sign_up(client, lookalike)
    assert "too close to an existing account" in response.content.decode()
    assert not User.objects.filter(email="new@example.com").exists()


def test_sign_up_still_takes_a_distinct_name(client):
    User.objects.create_user("seller", "seller@example.com", "pw-long-enough-1")
    _sign_up(client, "seller2")
    assert User.objects.filter(email="new@example.com", username="seller2").exists()


def test_the_key_is_stored_and_indexed(django_user_model):
    """Problem 2: one indexed lookup, kept by save()."""
    user = User.objects.create_user("seIler", "x@example.com", "pw-long-enough-1")
    assert user.username_skeleton == lookalike_key("seller") == "seller"
    field = User._meta.get_field("username_skeleton")
    assert field.db_index
    user.username = "other"
    user.save(update_fields=["username"])
    user.refresh_from_db()
    assert user.username_skeleton == "other"


def test_a_username_change_to_a_lookalike_is_refused():
    """Problem 2: any username change is checked (admin forms call full_clean)."""
    User.objects.create_user("seller", "seller@example.com", "pw-long-enough-1")
    mallory = User.objects.create_user("mallory", "m@example.com", "pw-long-enough-1")
    mallory.full_clean()  # unchanged: fine
    mallory.username = "s\u0435ller"
    with pytest.raises(ValidationError) as caught:
        mallory.full_clean()
    assert "too close" in str(caught.value.message_dict["username"])


def test_the_username_shows_beside_a_display_name_in_the_inbox(bob, alice, conversation):
    """Problem 2: a second "Priya Sharma" could not be told apart from the real one; the
    thread header and the list row now show the @username too."""
    from django.test import Client

    SellerProfile.objects.filter(user=alice).update(display_name="Priya Sharma")
    client = Client()
    client.force_login(bob, backend="moderation.auth.NotSuspendedModelBackend")
    page = client.get(f"/inbox/{conversation.pk}/").content.decode()
    header = page.split('<header class="thread-head">')[1].split("</h2>")[0]
    assert "Priya Sharma" in header and f"@{alice.username}" in header
    row = page.split('class="conversation-name"')[1].split("</a>")[0]
    assert "Priya Sharma" in row and f"@{alice.username}" in row


# TR39's confusables through confusable-homoglyphs: letters our own map never had.
TR39_ONLY = [
    ("\u0261ig\u0299\u0585x", "gigbox"),  # Armenian o (U+0585)
    ("\uabaaupport", "support"),  # Cherokee small s (U+ABAA)
    ("\ua4d6\ua4f2\ua4d6\ua4d0\ua4f3\ua4eb", "glgbox"),  # Lisu G I G B O X (TR39: I is l)
    ("\u0581ood", "good"),  # Armenian co (U+0581)
]


@pytest.mark.parametrize(("name", "looks_like"), TR39_ONLY)
def test_the_skeleton_folds_tr39_confusables(name, looks_like):
    assert skeleton(name) == looks_like


def test_a_tr39_lookalike_of_the_site_name_is_reserved():
    assert is_reserved_name("\u0261ig\u0299\u0585x") and is_reserved_name("\uabaaupport")


def test_sign_up_refuses_a_tr39_lookalike_of_an_existing_username(client):
    User.objects.create_user(username="seller", email="s@example.com", password="x")
    response = _sign_up(client, "\uabaaeller")  # Cherokee s
    assert response.status_code == 200
    assert not User.objects.filter(username="\uabaaeller").exists()


def test_the_migration_recomputes_stored_keys():
    import importlib

    from django.apps import apps

    migration = importlib.import_module("marketplace.migrations.0014_recompute_username_skeleton")
    user = User.objects.create_user(username="\uabaaeller", email="c@example.com", password="x")
    User.objects.filter(pk=user.pk).update(username_skeleton="\uabaaeller")  # the old key
    migration.recompute(apps, None)
    user.refresh_from_db()
    assert user.username_skeleton == lookalike_key("seller") == "seller"
