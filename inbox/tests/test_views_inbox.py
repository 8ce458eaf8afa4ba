"""The inbox page (/inbox/ and /inbox/<id>/): list, filters, search, thread, escaping."""

from __future__ import annotations

import pytest
from django.urls import reverse

from inbox import services
from inbox.conversations import get_or_start_conversation
from inbox.models import Participant

pytestmark = pytest.mark.django_db


@pytest.fixture
def as_bob(client, bob):
    client.force_login(bob)
    return client


def thread_url(conversation) -> str:
    return reverse("inbox:thread", kwargs={"conversation_id": conversation.pk})


def word(n: int) -> str:
    """A distinct word per number, without digits (digits across messages look like a phone)."""
    return "".join("abcdefghij"[int(d)] for d in f"{n:02d}")


def test_it_requires_login(client, conversation):
    for url in (reverse("inbox:index"), thread_url(conversation)):
        response = client.get(url)
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]


def test_an_empty_inbox_says_how_to_start(as_bob):
    response = as_bob.get(reverse("inbox:index"))
    assert response.status_code == 200
    assert "No conversations yet" in response.content.decode()
    assert 'href="/gigs/"' in response.content.decode()


def test_the_list_shows_the_other_person_and_the_delivered_preview(
    as_bob, conversation, alice, send
):
    send(conversation, alice, "call me on +1 415 555 0198 tomorrow")
    page = as_bob.get(reverse("inbox:index")).content.decode()
    assert alice.public_name in page
    assert "555 0198" not in page  # the original never reaches the page
    assert "contact details hidden" in page
    assert "data-row-unread" in page and ">1<" in page


def test_the_thread_shows_the_last_50_messages_oldest_first(as_bob, conversation, alice, bob, send):
    for n in range(1, 56):
        send(conversation, alice if n % 2 else bob, f"message {word(n)}")
    page = as_bob.get(thread_url(conversation)).content.decode()
    page = page[page.index("data-thread-scroll") :]  # the thread, not the list's preview
    assert f"message {word(55)}<" in page
    assert f"message {word(6)}<" in page
    assert f"message {word(5)}<" not in page
    assert page.index(f"message {word(6)}<") < page.index(f"message {word(55)}<")
    assert "Load earlier messages" in page
    older = as_bob.get(thread_url(conversation) + "?before=6").content.decode()
    assert f"message {word(5)}<" in older and f"message {word(1)}<" in older
    assert f"message {word(6)}<" not in older


def test_the_thread_is_marked_read_when_opened(as_bob, conversation, bob, alice, send):
    send(conversation, alice, "one")
    send(conversation, alice, "two")
    as_bob.get(thread_url(conversation))
    assert Participant.objects.get(conversation=conversation, user=bob).last_read_seq == 2


def test_the_thread_has_a_day_separator_and_the_gig_it_is_about(as_bob, alice, bob, send):
    from marketplace.tests.factories import GigFactory

    gig = GigFactory(seller=alice, title="I will draw your cat")
    conversation = get_or_start_conversation(starter=bob, other=alice, gig=gig)
    send(conversation, bob, "Hello")
    page = as_bob.get(thread_url(conversation)).content.decode()
    assert 'class="day-separator"' in page
    assert f'href="{gig.get_absolute_url()}"' in page and "I will draw your cat" in page


def test_the_composer_carries_a_fresh_client_id(as_bob, conversation):
    first = as_bob.get(thread_url(conversation)).context["send_form"]["client_id"].value()
    second = as_bob.get(thread_url(conversation)).context["send_form"]["client_id"].value()
    assert first and second and first != second


@pytest.mark.parametrize(
    "filter_name, expected",
    [
        ("all", {"plain"}),
        ("unread", {"plain"}),
        ("starred", set()),
        ("archived", {"archived"}),
        ("spam", {"spammy"}),
    ],
)
def test_filters(as_bob, bob, send, filter_name, expected):
    from marketplace.tests.factories import UserFactory

    threads = {}
    for name in ("plain", "archived", "spammy"):
        other = UserFactory(username=name)
        threads[name] = get_or_start_conversation(starter=bob, other=other)
        send(threads[name], other, f"hello from {name}")
    services.update_participant(conversation=threads["archived"], user=bob, archived=True)
    services.update_participant(conversation=threads["spammy"], user=bob, spam=True)
    rows = as_bob.get(reverse("inbox:index"), {"filter": filter_name}).context["rows"]
    assert {row.other.username for row in rows} == expected


def test_label_filter_lists_labelled_conversations_and_the_labels(as_bob, bob, conversation):
    services.update_participant(conversation=conversation, user=bob, labels=["Logo job"])
    response = as_bob.get(reverse("inbox:index"), {"label": "Logo job"})
    assert [row.id for row in response.context["rows"]] == [conversation.pk]
    assert response.context["labels"] == ["Logo job"]
    assert not as_bob.get(reverse("inbox:index"), {"label": "Other"}).context["rows"]


def test_search_finds_own_messages_and_says_when_nothing_matches(as_bob, conversation, alice, send):
    send(conversation, alice, "The invoice is attached")
    page = as_bob.get(reverse("inbox:index"), {"q": "invoice"}).content.decode()
    assert "The invoice is attached" in page
    assert "#m1" in page
    page = as_bob.get(reverse("inbox:index"), {"q": "zebra"}).content.decode()
    assert "No messages match" in page


def test_search_does_not_find_other_peoples_messages(client, conversation, alice, charlie, send):
    send(conversation, alice, "secret invoice")
    client.force_login(charlie)
    page = client.get(reverse("inbox:index"), {"q": "invoice"}).content.decode()
    assert "secret invoice" not in page
    assert "No messages match" in page


def test_search_does_not_find_masked_originals(as_bob, conversation, alice, send):
    send(conversation, alice, "mail me at alice.private@example.org")
    page = as_bob.get(reverse("inbox:index"), {"q": "alice.private"}).content.decode()
    assert "No messages match" in page


def test_script_in_a_body_and_a_name_is_escaped(client, bob, send):
    from marketplace.tests.factories import SellerProfileFactory, UserFactory

    mallory = UserFactory(username="mallory")
    SellerProfileFactory(user=mallory, display_name="<script>alert('name')</script>")
    conversation = get_or_start_conversation(starter=bob, other=mallory)
    send(conversation, mallory, "<script>alert('body')</script><img src=x onerror=alert(1)>")
    client.force_login(bob)
    for url in (
        reverse("inbox:index"),
        thread_url(conversation),
        reverse("inbox:index") + "?q=alert",
    ):
        page = client.get(url).content.decode()
        assert "<script>alert" not in page
        assert "<img src=x" not in page
        assert "&lt;script&gt;alert(&#x27;" in page


def test_an_outsider_gets_404_like_for_a_missing_conversation(client, conversation, charlie):
    client.force_login(charlie)
    assert client.get(thread_url(conversation)).status_code == 404
    assert (
        client.get(reverse("inbox:thread", kwargs={"conversation_id": 999999})).status_code == 404
    )


def test_the_list_fragment_is_the_list_alone(as_bob, conversation):
    response = as_bob.get(reverse("inbox:index"), {"fragment": "list"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "data-conversation-list" in body
    assert "<html" not in body


def test_older_conversations_are_a_page_away_and_keep_the_filter(as_bob, bob):
    from marketplace.tests.factories import UserFactory

    for n in range(31):
        conversation = get_or_start_conversation(
            starter=bob, other=UserFactory(username=f"seller{word(n)}")
        )
        services.update_participant(conversation=conversation, user=bob, starred=True)
    first = as_bob.get(reverse("inbox:index"), {"filter": "starred"})
    assert len(first.context["rows"]) == 30
    next_page = first.context["next_page"]
    assert next_page.startswith("?filter=starred&cursor=")
    second = as_bob.get(reverse("inbox:index") + next_page)
    assert [row.other.username for row in second.context["rows"]] == [f"seller{word(0)}"]
    assert not second.context["next_page"]
    assert f'href="/inbox/{first.context["rows"][0].id}/?filter=starred"' in first.content.decode()


def test_a_long_preview_is_cut_but_never_inside_the_mask(as_bob, conversation, alice, send):
    send(conversation, alice, "x" * 130 + " mail alice.private@example.org " + "y" * 200)
    row = as_bob.get(reverse("inbox:index")).context["rows"][0]
    assert [segment.hidden for segment in row.preview_segments] == [False, True, False]
    assert sum(len(segment.text) for segment in row.preview_segments) < 145


def test_the_panel_fragment_is_the_panel_alone_for_participants_only(
    client, as_bob, conversation, alice, bob, charlie, send
):
    """panel.js redraws the side panel from ?fragment=panel: the panel only, nothing marked
    read; an outsider gets the same 404 as for a thread that does not exist."""
    send(conversation, alice, "Hello Bob")
    response = as_bob.get(thread_url(conversation) + "?fragment=panel")
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="person-panel-title"' in html and "data-message-list" not in html
    assert Participant.objects.get(conversation=conversation, user=bob).last_read_seq == 0
    client.force_login(charlie)
    assert client.get(thread_url(conversation) + "?fragment=panel").status_code == 404
