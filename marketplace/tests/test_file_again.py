"""Issue 20 walkthrough: a delivery note with a phone number plus a file is refused (right),
the note is kept, but the file input comes back empty with no hint, and since the file is
optional a second click delivered without the work. Now the page says "choose mockup.png
again" next to the field and refuses a submit without it; the same on checkout's file
questions."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from marketplace import checkout
from marketplace.models import Order
from marketplace.tests.test_checkout import PNG, fields, package, questions  # noqa: F401

pytestmark = pytest.mark.django_db

PHONE_NOTE = "Call me on +1 415 555 0123 for the sources."


@pytest.fixture
def working(order, alice, bob, client):
    """Bob has sent his requirements; Alice is at work and logged in."""
    client.force_login(bob)
    client.post(f"/orders/{order.pk}/requirements/", {"requirements": "A bakery logo."})
    client.force_login(alice)
    return order


def deliver(client, order, data):
    return client.post(f"/orders/{order.pk}/deliver/", data)


def test_a_refused_delivery_names_the_file_to_choose_again(client, working):
    upload = SimpleUploadedFile("mockup.png", PNG, content_type="image/png")
    response = deliver(client, working, {"note": PHONE_NOTE, "file": upload})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Contact details are not allowed here" in page
    assert "Choose “mockup.png” again" in page
    assert 'name="dropped_files"' in page


def test_the_second_submit_without_the_file_is_refused(client, working):
    upload = SimpleUploadedFile("mockup.png", PNG, content_type="image/png")
    first = deliver(client, working, {"note": PHONE_NOTE, "file": upload})
    dropped = first.context["delivery_form"].data["dropped_files"]
    second = deliver(client, working, {"note": "Here is the work.", "dropped_files": dropped})
    assert second.status_code == 400
    assert "Choose “mockup.png” again" in second.content.decode()
    working.refresh_from_db()
    assert working.status == Order.Status.IN_PROGRESS and not working.deliveries.exists()
    again = SimpleUploadedFile("mockup.png", PNG, content_type="image/png")
    third = deliver(
        client, working, {"note": "Here is the work.", "dropped_files": dropped, "file": again}
    )
    assert third.status_code == 302
    assert working.deliveries.get().file_name == "mockup.png"


def test_a_delivery_without_a_file_still_works(client, working):
    assert deliver(client, working, {"note": "Done, see the thread."}).status_code == 302


def test_checkout_names_the_file_answer_to_choose_again(client, bob, package, questions):  # noqa: F811
    client.force_login(bob)
    url = reverse("marketplace:checkout", args=[package.gig.slug])
    upload = SimpleUploadedFile("old-logo.png", PNG, content_type="image/png")
    data = {
        "package": package.pk,
        **fields(questions, "Mail me at sam@gmail.com", "Flat"),
        checkout.answer_field(questions[2]): upload,
    }
    first = client.post(url, data)
    assert first.status_code == 400
    assert "Choose “old-logo.png” again" in first.content.decode()
    dropped = first.context["form"].data["dropped_files"]
    retry = {"package": package.pk, **fields(questions, "Bakery", "Flat"), "dropped_files": dropped}
    second = client.post(url, retry)
    assert second.status_code == 400 and not Order.objects.exists()
