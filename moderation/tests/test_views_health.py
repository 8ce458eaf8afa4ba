"""The account health page and the appeal form."""

from __future__ import annotations

import pytest

from moderation import services
from moderation.models import Appeal, Sanction, Strike

pytestmark = pytest.mark.django_db

URL = "/account/health/"


@pytest.fixture
def strike(bob, mona):
    return services.give_strike(
        user=bob,
        kind=Strike.Kind.CONTACT_SHARING,
        moderator=mona,
        note="You shared <b>a number</b>.",
    )


def test_it_needs_a_login(client):
    assert client.get(URL).status_code == 302


def test_a_clean_account(client, bob):
    client.force_login(bob)
    response = client.get(URL)
    assert b"You have no strikes" in response.content and b"No restrictions" in response.content


def test_it_shows_strikes_escaped_with_their_expiry_and_an_appeal_button(client, bob, strike):
    client.force_login(bob)

    response = client.get(URL)

    assert b"Sharing contact details" in response.content
    assert b"You shared &lt;b&gt;a number&lt;/b&gt;." in response.content
    assert strike.expires_at.strftime("%-d %b %Y").encode() in response.content
    assert b"Appeal this strike" in response.content
    assert (
        b"2 active strikes: messaging restricted for 7 days" in response.content
    )  # from the policy table


def test_it_shows_a_restriction(client, bob, mona, strike):
    services.give_strike(
        user=bob, kind=Strike.Kind.SPAM, moderator=mona, note="Spam sent to buyers."
    )
    client.force_login(bob)

    assert b"Your messaging is restricted until" in client.get(URL).content


def test_a_restriction_with_no_end_date_says_a_moderator_lifts_it(client, bob, mona):
    services.impose_sanction(
        user=bob, kind=Sanction.Kind.RESTRICT, moderator=mona, reason="Spam sent to buyers."
    )
    client.force_login(bob)

    content = client.get(URL).content

    assert b"Your messaging is restricted until a moderator lifts it." in content
    assert b"9999" not in content


def test_appealing_from_the_page(client, bob, strike):
    client.force_login(bob)

    response = client.post(
        f"{URL}strikes/{strike.pk}/appeal/", {"text": "It was a tracking number."}, follow=True
    )

    assert Appeal.objects.get().strike == strike
    assert b"a moderator will decide your appeal" in response.content
    assert b"Appeal this strike" not in response.content and b"Pending" in response.content


def test_someone_elses_strike_is_a_404(client, charlie, strike):
    client.force_login(charlie)

    assert client.post(f"{URL}strikes/{strike.pk}/appeal/", {"text": "Mine now"}).status_code == 404
    assert client.post(f"{URL}strikes/999999/appeal/", {"text": "Mine now"}).status_code == 404
    assert not Appeal.objects.exists()


def test_the_user_menu_links_here(client, bob):
    client.force_login(bob)
    assert b'href="/account/health/"' in client.get(URL).content
