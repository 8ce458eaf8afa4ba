"""The parties' dispute pages: /orders/<pk>/dispute/ and its forms. Outsiders (staff
included) get 404 like a missing order; anonymous users the login page."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from disputes import services
from disputes.models import Dispute, DisputeEntry
from marketplace.models import Order


def _url(name, order, *args):
    return reverse(f"disputes:{name}", args=[order.pk, *args])


OPEN_FORM = {
    "reason": "not_as_described",
    "requested_outcome": "partial_refund",
    "refund_percent": "50",
    "extra_days": "",
    "body": "Half of the pages are missing.",
}


def test_the_buyer_sees_the_open_form(client, bob, order):
    client.force_login(bob)
    html = client.get(_url("dispute", order)).content.decode()
    assert "Open dispute" in html and 'name="refund_percent"' in html


def test_the_buyer_opens_a_dispute(client, bob, order, png_bytes):
    client.force_login(bob)
    data = {
        **OPEN_FORM,
        "file": SimpleUploadedFile("pages.png", png_bytes, content_type="image/png"),
    }
    response = client.post(_url("open", order), data)
    assert response.status_code == 302 and response["Location"] == _url("dispute", order)
    dispute = Dispute.objects.get()
    assert (dispute.opened_by, dispute.requested_refund_percent) == (bob, 50)
    assert dispute.entries.get().file_name == "pages.png"
    order.refresh_from_db()
    assert order.status == Order.Status.DISPUTED
    html = client.get(_url("dispute", order)).content.decode()
    assert "Half of the pages are missing." in html and "Waiting for the other side" in html


def test_contact_details_in_the_statement_are_refused_and_the_text_is_kept(client, bob, order):
    client.force_login(bob)
    response = client.post(
        _url("open", order),
        {**OPEN_FORM, "body": "Mail me at bob.smith@example.com to settle this"},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Contact details are not allowed here" in html
    assert "Mail me at bob.smith@example.com to settle this" in html  # nothing lost
    assert not Dispute.objects.exists()


def test_a_missing_percentage_is_shown_on_its_field(client, bob, order):
    client.force_login(bob)
    response = client.post(_url("open", order), {**OPEN_FORM, "refund_percent": ""})
    assert response.status_code == 400 and "percentage" in response.content.decode()


def test_opening_on_a_completed_order_is_refused_with_a_message(client, bob, order):
    Order.objects.filter(pk=order.pk).update(status=Order.Status.COMPLETED)
    client.force_login(bob)
    response = client.post(_url("open", order), OPEN_FORM, follow=True)
    assert "You cannot dispute an order that is completed." in response.content.decode()
    assert not Dispute.objects.exists()


def test_the_seller_answers_and_both_add_evidence(client, alice, bob, dispute):
    order = dispute.order
    client.force_login(alice)
    html = client.get(_url("dispute", order)).content.decode()
    assert "Your answer" in html
    assert client.post(_url("answer", order), {"body": "The brief said blue."}).status_code == 302
    assert client.post(_url("evidence", order), {"body": "The brief, attached."}).status_code == 302
    client.force_login(bob)
    html = client.get(_url("dispute", order)).content.decode()
    assert "The brief said blue." in html and "answer-title" not in html
    assert (
        client.post(_url("evidence", order), {"body": "The mock-up was green."}).status_code == 302
    )
    kinds = list(dispute.entries.values_list("kind", flat=True))
    assert kinds == ["statement", "answer", "evidence", "evidence"]


def test_evidence_with_contact_details_is_refused_on_the_page(client, alice, dispute):
    client.force_login(alice)
    response = client.post(_url("evidence", dispute.order), {"body": "Ping me on +49 151 23456789"})
    assert response.status_code == 400
    assert "Contact details are not allowed here" in response.content.decode()
    assert dispute.entries.count() == 1


def test_the_page_shows_the_resolution(client, bob, rita, dispute):
    services.resolve_dispute(
        dispute=dispute, reviewer=rita, resolution="refund", note="The delivery was empty."
    )
    client.force_login(bob)
    html = client.get(_url("dispute", dispute.order)).content.decode()
    assert 'data-resolution="refund"' in html and "The delivery was empty." in html
    assert "Add evidence" not in html


def test_user_text_is_escaped(client, alice, bob, dispute):
    services.add_evidence(dispute=dispute, author=alice, body="<script>alert(1)</script>")
    client.force_login(bob)
    html = client.get(_url("dispute", dispute.order)).content.decode()
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;" in html


def test_a_party_downloads_dispute_files(client, alice, bob, dispute, png_bytes):
    from inbox.checks import AttachmentUpload

    entry = services.add_evidence(
        dispute=dispute, author=alice, body="Proof", upload=AttachmentUpload("p.png", png_bytes)
    )
    client.force_login(bob)
    response = client.get(_url("file", dispute.order, entry.pk))
    assert response.status_code == 200 and b"".join(response.streaming_content) == png_bytes
    assert "attachment;" in response["Content-Disposition"]


OUTSIDERS = ["charlie", "rita", "mo", "stella"]


@pytest.mark.parametrize("who", OUTSIDERS)
def test_outsiders_get_404_on_every_party_page(client, dispute, who, request, png_bytes):
    from inbox.checks import AttachmentUpload

    entry = services.add_evidence(
        dispute=dispute,
        author=dispute.order.seller,
        body="Proof",
        upload=AttachmentUpload("p.png", png_bytes),
    )
    order = dispute.order
    client.force_login(request.getfixturevalue(who))
    assert client.get(_url("dispute", order)).status_code == 404
    assert client.get(_url("file", order, entry.pk)).status_code == 404
    assert client.post(_url("open", order), OPEN_FORM).status_code == 404
    assert client.post(_url("answer", order), {"body": "x"}).status_code == 404
    assert client.post(_url("evidence", order), {"body": "x"}).status_code == 404
    assert dispute.entries.count() == 2


def test_not_yours_looks_like_not_found(client, charlie, order):
    client.force_login(charlie)
    mine_not = client.get(_url("dispute", order))
    missing = client.get(reverse("disputes:dispute", args=[order.pk + 999]))
    assert mine_not.status_code == missing.status_code == 404


def test_anonymous_users_are_sent_to_log_in(client, order):
    response = client.get(_url("dispute", order))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_a_file_of_another_order_is_404(client, bob, dispute, png_bytes, db):
    from disputes.tests.conftest import order_in
    from inbox.checks import AttachmentUpload
    from marketplace.tests.factories import UserFactory

    other = order_in(
        Order.Status.IN_PROGRESS, seller=dispute.order.seller, buyer=UserFactory(username="dora")
    )
    other_dispute = services.open_dispute(
        order=other,
        opener=other.buyer,
        reason="late",
        requested_outcome="cancel",
        statement="Late.",
        upload=AttachmentUpload("d.png", png_bytes),
    )
    client.force_login(bob)
    assert (
        client.get(_url("file", dispute.order, other_dispute.entries.get().pk)).status_code == 404
    )


def test_the_order_page_links_to_the_dispute(client, bob, order):
    client.force_login(bob)
    html = client.get(order.get_absolute_url()).content.decode()
    assert "Open a dispute" in html and _url("dispute", order) in html


def test_a_disputed_order_page_shows_the_status_and_view_link(client, alice, dispute):
    client.force_login(alice)
    html = client.get(dispute.order.get_absolute_url()).content.decode()
    assert 'data-order-status="disputed"' in html and "View dispute" in html


def test_entries_kinds_are_labelled(dispute):
    assert DisputeEntry.Kind.STATEMENT.label == "Opening statement"
