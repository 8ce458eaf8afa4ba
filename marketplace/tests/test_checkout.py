"""Checkout: the summary Bob confirms, and ordering with Alice's requirement questions."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from marketplace import availability, checkout, gig_content
from marketplace.gig_content import QuestionData
from marketplace.models import Order, OrderAnswer

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 12, 7, 22, 30, tzinfo=UTC)
PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 64


@pytest.fixture
def package(gig):
    return gig.packages.get()


@pytest.fixture
def questions(gig):
    return gig_content.set_requirement_questions(
        gig=gig,
        questions=[
            QuestionData(prompt="What is your brand called?"),
            QuestionData(prompt="Which style?", kind="choice", choices="Flat\nHand-drawn"),
            QuestionData(prompt="Your old logo, if any", kind="file", required=False),
        ],
    )


def fields(questions, *answers) -> dict[str, str]:
    return {checkout.answer_field(q): a for q, a in zip(questions, answers, strict=False)}


def test_the_summary_dates_delivery_in_the_buyers_time_zone(package, bob):
    bob.timezone = "Asia/Tokyo"  # 22:30 UTC is 07:30 the next day in Tokyo
    summary = checkout.summary_for(package=package, buyer=bob, now=NOW)
    assert summary.delivery_date.strftime("%Y-%m-%d %H:%M") == "2026-12-11 07:30"
    assert summary.timezone_name == "Asia/Tokyo"


@pytest.mark.parametrize(
    ("count", "text"), [(0, "No revisions"), (1, "1 revision"), (3, "3 revisions")]
)
def test_revisions_read_naturally(count, text):
    assert checkout.revisions_text(count) == text


def test_without_questions_the_order_waits_for_requirements(package, bob):
    order = checkout.place_checked_order(buyer=bob, package=package)
    assert order.status == Order.Status.PENDING_REQUIREMENTS


def test_with_answers_the_order_starts_at_once(package, bob, questions):
    upload = SimpleUploadedFile("old-logo.png", PNG, content_type="image/png")
    order = checkout.place_checked_order(
        buyer=bob,
        package=package,
        texts=fields(questions, "Bob's Bakery", "Flat"),
        uploads={checkout.answer_field(questions[2]): upload},
    )
    order.refresh_from_db()
    assert order.status == Order.Status.IN_PROGRESS and order.due_at is not None
    answers = list(order.answers.values_list("prompt", "text", "file_name"))
    assert answers == [
        ("What is your brand called?", "Bob's Bakery", ""),
        ("Which style?", "Flat", ""),
        ("Your old logo, if any", "", "old-logo.png"),
    ]
    assert "Bob's Bakery" in order.requirements


def test_answers_with_contact_details_are_refused_and_nothing_is_ordered(package, bob, questions):
    with pytest.raises(ValidationError) as error:
        checkout.place_checked_order(
            buyer=bob, package=package, texts=fields(questions, "mail me at bob@gmail.com", "Flat")
        )
    assert "Contact details are not allowed" in str(error.value.message_dict)
    assert not Order.objects.exists()


def test_a_required_answer_and_a_real_choice_are_needed(package, bob, questions):
    with pytest.raises(ValidationError) as error:
        checkout.place_checked_order(
            buyer=bob, package=package, texts=fields(questions, "", "Baroque")
        )
    assert set(error.value.message_dict) == {
        checkout.answer_field(questions[0]),
        checkout.answer_field(questions[1]),
    }


def test_a_file_answer_must_be_an_accepted_type(package, bob, questions):
    upload = SimpleUploadedFile("run.exe", b"MZ\x90\x00" + b"\0" * 200)
    with pytest.raises(ValidationError):
        checkout.place_checked_order(
            buyer=bob,
            package=package,
            texts=fields(questions, "Bakery", "Flat"),
            uploads={checkout.answer_field(questions[2]): upload},
        )
    assert not OrderAnswer.objects.exists()


def test_an_away_seller_takes_no_orders(package, bob, alice):
    availability.set_away(
        profile=alice.seller_profile, until=datetime(2099, 1, 1, tzinfo=UTC), message=""
    )
    with pytest.raises(checkout.OrderTransitionError, match="away until"):
        checkout.place_checked_order(buyer=bob, package=package)


def test_questions_with_contact_details_are_refused(gig):
    with pytest.raises(ValidationError):
        gig_content.set_requirement_questions(
            gig=gig, questions=[QuestionData(prompt="Your WhatsApp +44 7700 900123?")]
        )


def test_a_choice_question_needs_two_choices(gig):
    with pytest.raises(ValidationError):
        gig_content.set_requirement_questions(
            gig=gig, questions=[QuestionData(prompt="Style?", kind="choice", choices="Flat")]
        )


# The pages ----------------------------------------------------------------------------------


def test_the_checkout_page_states_what_bob_gets(client, bob, package):
    client.force_login(bob)
    url = reverse("marketplace:checkout", args=[package.gig.slug])
    page = client.get(url, {"package": package.pk}).content.decode()
    assert "1 revision" in page and "1 revisions" not in page
    assert "Payments are simulated" in page
    assert "$25.00" in page and "Europe/Berlin" in page


def test_confirming_on_the_page_places_the_order(client, bob, package, questions):
    client.force_login(bob)
    url = reverse("marketplace:checkout", args=[package.gig.slug])
    response = client.post(
        url, {"package": package.pk, **fields(questions, "Bob's Bakery", "Hand-drawn")}
    )
    order = Order.objects.get()
    assert response.status_code == 302 and response["Location"] == order.get_absolute_url()
    page = client.get(order.get_absolute_url()).content.decode()
    assert "Hand-drawn" in page and "Which style?" in page


def test_a_bad_answer_shows_the_page_again_with_the_error(client, bob, package, questions):
    client.force_login(bob)
    url = reverse("marketplace:checkout", args=[package.gig.slug])
    response = client.post(
        url, {"package": package.pk, **fields(questions, "call +1 415 555 0100", "Flat")}
    )
    assert response.status_code == 400
    assert "Contact details are not allowed" in response.content.decode()
    assert not Order.objects.exists()


def test_one_click_ordering_is_sent_to_checkout_when_there_are_questions(
    client, bob, package, questions
):
    client.force_login(bob)
    response = client.post(
        reverse("marketplace:order_place", args=[package.gig.slug]), {"package": package.pk}
    )
    assert response.status_code == 302 and "/checkout/" in response["Location"]
    assert not Order.objects.exists()


def test_checkout_needs_a_login(client, package):
    url = reverse("marketplace:checkout", args=[package.gig.slug])
    assert client.get(url, {"package": package.pk})["Location"].startswith("/accounts/login/")


def test_only_the_orders_parties_download_an_answer_file(client, bob, charlie, package, questions):
    upload = SimpleUploadedFile("old-logo.png", PNG, content_type="image/png")
    order = checkout.place_checked_order(
        buyer=bob,
        package=package,
        texts=fields(questions, "Bakery", "Flat"),
        uploads={checkout.answer_field(questions[2]): upload},
    )
    answer = order.answers.exclude(file="").get()
    url = reverse("marketplace:answer_file", args=[order.pk, answer.pk])
    client.force_login(charlie)
    assert client.get(url).status_code == 404
    client.force_login(bob)
    response = client.get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == PNG
