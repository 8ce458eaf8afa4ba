"""Quick responses: the CRUD page, the JSON list for quick_replies.js, the detector on save."""

from __future__ import annotations

import pytest

from deals import services
from deals.models import SavedReply
from deals.views import SAVED_REPLIES_PER_PAGE

pytestmark = pytest.mark.django_db


def test_bob_adds_edits_and_deletes_a_saved_reply(client, bob):
    client.force_login(bob)
    response = client.post(
        "/deals/quick-replies/", {"title": "Thanks", "body": "Thank you! I will check today."}
    )
    assert response.status_code == 302
    reply = SavedReply.objects.get(user=bob)
    assert "Thank you! I will check today." in client.get("/deals/quick-replies/").content.decode()
    client.post(
        f"/deals/quick-replies/{reply.pk}/edit/", {"title": "Thanks", "body": "Thanks, on it."}
    )
    reply.refresh_from_db()
    assert reply.body == "Thanks, on it."
    client.post(f"/deals/quick-replies/{reply.pk}/delete/")
    assert not SavedReply.objects.exists()


def test_contact_details_are_refused_on_save(client, bob):
    client.force_login(bob)
    response = client.post(
        "/deals/quick-replies/", {"title": "Reach me", "body": "Skype: live:bob.builder"}
    )
    assert (
        response.status_code == 400
        and "Contact details are not allowed" in response.content.decode()
    )
    assert not SavedReply.objects.exists()
    with pytest.raises(Exception, match="Contact details"):
        services.create_saved_reply(user=bob, title="Mail", body="bob@example.com")


def test_the_json_list_has_only_my_replies(client, alice, bob):
    services.create_saved_reply(user=bob, title="Hello", body="Hello there")
    services.create_saved_reply(user=alice, title="Alice's", body="Not for Bob")
    client.force_login(bob)
    data = client.get("/deals/quick-replies/", {"format": "json"}).json()
    assert [(r["title"], r["body"]) for r in data["replies"]] == [("Hello", "Hello there")]


def test_the_page_lists_replies_in_pages_and_the_json_has_them_all(client, bob):
    titles = [f"Reply {n:02d}" for n in range(SAVED_REPLIES_PER_PAGE + 1)]  # ordered by title
    for title in titles:
        services.create_saved_reply(user=bob, title=title, body="Thanks for your message.")
    client.force_login(bob)
    first = client.get("/deals/quick-replies/").content.decode()
    second = client.get("/deals/quick-replies/", {"page": 2}).content.decode()
    assert [t for t in titles if f"<h2>{t}</h2>" in first] == titles[:SAVED_REPLIES_PER_PAGE]
    assert [t for t in titles if f"<h2>{t}</h2>" in second] == titles[SAVED_REPLIES_PER_PAGE:]
    assert "Page 1 of 2" in first and "Add a quick response" in second
    data = client.get("/deals/quick-replies/", {"format": "json", "page": 2}).json()
    assert [r["title"] for r in data["replies"]] == titles


def test_the_inbox_page_loads_the_quick_reply_and_offer_scripts(client, bob, conversation):
    client.force_login(bob)
    page = client.get(f"/inbox/{conversation.pk}/").content.decode()
    assert "js/quick_replies" in page and "js/offers" in page


def test_there_is_a_limit(bob):
    for n in range(services.MAX_SAVED_REPLIES):
        SavedReply.objects.create(user=bob, title=f"Reply {n}", body="Text")
    with pytest.raises(Exception, match="at most"):
        services.create_saved_reply(user=bob, title="One more", body="Text")
