"""Case-file actions in admin, per group: reviewers may, moderators and plain staff get 403,
non-staff the admin login. Each action goes through disputes.services."""

from __future__ import annotations

import json
import uuid

import pytest
from django.urls import reverse

from disputes import services
from disputes.models import Dispute, DisputeNote
from disputes.tests.conftest import TEST_KEY_ID
from disputes.tests.test_admin_case_file import REASON, open_case
from inbox.checks import AttachmentUpload
from inbox.conversations import get_or_start_conversation
from inbox.send import send_message
from marketplace.models import Order
from moderation.models import StaffAccess

PERSONAS_REFUSED = ["mo", "stella"]


def _post(client, name, dispute, data=None):
    return client.post(reverse(f"admin:disputes_dispute_{name}", args=[dispute.pk]), data or {})


def _export_data(conversation, output="json", reason="evidence for the payment provider"):
    return {"conversation": conversation.pk, "output": output, "reason": reason}


# Assign -------------------------------------------------------------------------------------------


def test_a_reviewer_assigns_the_dispute_to_herself(client, rita, dispute):
    client.force_login(rita)
    response = _post(client, "assign", dispute)
    assert response.status_code == 302
    dispute.refresh_from_db()
    assert dispute.assigned_to == rita


@pytest.mark.parametrize("who", PERSONAS_REFUSED)
def test_others_cannot_assign(client, dispute, who, request):
    client.force_login(request.getfixturevalue(who))
    assert _post(client, "assign", dispute).status_code == 403
    dispute.refresh_from_db()
    assert dispute.assigned_to is None


def test_assign_is_post_only(client, rita, dispute):
    client.force_login(rita)
    assert (
        client.get(reverse("admin:disputes_dispute_assign", args=[dispute.pk])).status_code == 405
    )


# Notes --------------------------------------------------------------------------------------------


def test_a_reviewer_adds_a_note(client, rita, dispute):
    client.force_login(rita)
    assert (
        _post(client, "note", dispute, {"body": "Asked the seller for the brief."}).status_code
        == 302
    )
    assert DisputeNote.objects.get().body == "Asked the seller for the brief."


@pytest.mark.parametrize("who", PERSONAS_REFUSED)
def test_others_cannot_add_notes(client, dispute, who, request):
    client.force_login(request.getfixturevalue(who))
    assert _post(client, "note", dispute, {"body": "hi"}).status_code == 403
    assert not DisputeNote.objects.exists()


def test_notes_are_never_shown_to_the_parties(client, rita, bob, dispute):
    services.add_dispute_note(
        dispute=dispute, author=rita, body="Internal: the seller looks honest."
    )
    client.force_login(bob)
    html = client.get(reverse("disputes:dispute", args=[dispute.order_id])).content.decode()
    assert "Internal: the seller looks honest." not in html


# Resolve ------------------------------------------------------------------------------------------


def test_a_reviewer_resolves_with_a_partial_refund_after_a_confirmation_step(
    client, rita, dispute, order_conversation
):
    client.force_login(rita)
    data = {
        "resolution": "partial_refund",
        "refund_percent": "20",
        "note": "Half the work <b>was</b> usable.",
    }

    confirmation = _post(client, "resolve", dispute, data)

    assert (
        confirmation.status_code == 200
        and b'data-confirm-resolution="partial_refund"' in confirmation.content
    )
    assert (
        b"20%" in confirmation.content
        and b"Half the work &lt;b&gt;was&lt;/b&gt; usable." in confirmation.content
    )
    assert Dispute.objects.get(pk=dispute.pk).is_open  # nothing decided yet
    assert b'name="confirmed" value="True"' in confirmation.content
    response = _post(client, "resolve", dispute, {**data, "confirmed": "True"})
    assert response.status_code == 302
    order = Order.objects.get(pk=dispute.order_id)
    assert (order.status, str(order.refunded_amount)) == (Order.Status.COMPLETED, "5.00")
    last = order_conversation.messages.order_by("-seq").first()
    assert "Half the work <b>was</b> usable." in last.body


def test_a_bad_resolution_form_changes_nothing_and_says_why(client, rita, dispute):
    client.force_login(rita)
    response = _post(
        client,
        "resolve",
        dispute,
        {"resolution": "partial_refund", "note": "x"},
    )
    assert response.status_code == 302
    _post(
        client, "open", dispute, {"reason": "Deciding the refund."}
    )  # the case file asks once per session
    page = client.get(response["Location"]).content.decode()
    assert "percentage" in page
    dispute.refresh_from_db()
    assert dispute.is_open


@pytest.mark.parametrize("who", PERSONAS_REFUSED)
def test_others_cannot_resolve(client, dispute, who, request):
    client.force_login(request.getfixturevalue(who))
    assert (
        _post(
            client, "resolve", dispute, {"resolution": "refund", "note": "x", "confirmed": "True"}
        ).status_code
        == 403
    )
    assert Dispute.objects.get(pk=dispute.pk).is_open


def test_the_resolve_form_preselects_no_decision(client, rita, dispute):
    client.force_login(rita)
    _post(client, "open", dispute, {"reason": "Deciding the refund."})
    page = client.get(reverse("admin:disputes_dispute_change", args=[dispute.pk])).content.decode()
    assert '<option value="" selected>Choose a decision…</option>' in page
    response = _post(
        client, "resolve", dispute, {"resolution": "", "note": "x", "confirmed": "True"}
    )
    # Refused: the case file again, input kept (t18w), nothing resolved.
    assert response.status_code == 400 and Dispute.objects.get(pk=dispute.pk).is_open


def test_non_staff_are_sent_to_the_admin_login_for_every_action(
    client, bob, dispute, order_conversation
):
    client.force_login(bob)
    for name, data in [
        ("assign", {}),
        ("note", {"body": "x"}),
        ("resolve", {"resolution": "refund", "note": "x"}),
        ("export", _export_data(order_conversation)),
    ]:
        response = _post(client, name, dispute, data)
        assert response.status_code == 302 and "/admin/login/" in response["Location"], name
    assert Dispute.objects.get(pk=dispute.pk).is_open and not StaffAccess.objects.exists()


# Export -------------------------------------------------------------------------------------------


def test_a_reviewer_exports_signed_json_and_it_is_logged(client, rita, dispute, order_conversation):
    client.force_login(rita)
    response = _post(client, "export", dispute, _export_data(order_conversation))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert "attachment;" in response["Content-Disposition"]
    document = json.loads(response.content)
    assert document["manifest"]["conversation_id"] == order_conversation.pk
    assert document["manifest"]["count"] == order_conversation.messages.count()
    row = StaffAccess.objects.get(action="export")
    assert (row.staff, row.conversation) == (rita, order_conversation)
    assert "evidence for the payment provider" in row.reason


def test_the_printable_page_is_escaped_and_logged(
    client, rita, dispute, alice, order_conversation, settings, export_signing_key
):
    settings.DEBUG, settings.GIGBOX_EXPORT_SIGNING_KEY = True, ""  # the development key, labelled
    # The checkpoint signed at dispute opening (the test key) must still verify, or the
    # export is refused: the test key becomes a retired one.
    settings.GIGBOX_EXPORT_RETIRED_PUBLIC_KEYS = f"{TEST_KEY_ID}={export_signing_key}"
    send_message(
        conversation=order_conversation,
        sender=alice,
        body="<script>alert(1)</script>",
        client_id=uuid.uuid4().hex,
    )
    client.force_login(rita)
    response = _post(client, "export", dispute, _export_data(order_conversation, output="html"))
    html = response.content.decode()
    assert response.status_code == 200 and "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "export_print.css" in html and "development key" in html
    assert StaffAccess.objects.filter(action="export").count() == 1


def test_an_export_without_a_reason_is_refused_and_not_logged(
    client, rita, dispute, order_conversation
):
    client.force_login(rita)
    response = _post(client, "export", dispute, _export_data(order_conversation, reason=""))
    assert response.status_code == 302
    assert not StaffAccess.objects.filter(action="export").exists()


def test_an_export_of_a_conversation_outside_the_case_is_refused(
    client, rita, dispute, charlie, alice
):
    other = get_or_start_conversation(starter=charlie, other=alice)
    client.force_login(rita)
    response = _post(
        client, "export", dispute, {"conversation": other.pk, "output": "json", "reason": "x"}
    )
    assert response.status_code == 302
    assert not StaffAccess.objects.filter(action="export").exists()


@pytest.mark.parametrize("who", PERSONAS_REFUSED)
def test_others_cannot_export(client, dispute, order_conversation, who, request):
    client.force_login(request.getfixturevalue(who))
    assert _post(client, "export", dispute, _export_data(order_conversation)).status_code == 403
    assert not StaffAccess.objects.exists()


def test_with_debug_off_and_no_key_exports_are_refused_with_a_clear_message(
    client, rita, dispute, order_conversation, settings
):
    settings.DEBUG = False
    settings.GIGBOX_EXPORT_SIGNING_KEY = ""
    client.force_login(rita)
    response = _post(client, "export", dispute, _export_data(order_conversation))
    assert response.status_code == 302
    _post(
        client, "open", dispute, {"reason": "Deciding the refund."}
    )  # the case file asks once per session
    page = client.get(response["Location"]).content.decode()
    assert "Exports are switched off" in page
    assert not StaffAccess.objects.filter(action="export").exists()


# Files --------------------------------------------------------------------------------------------


@pytest.fixture
def attachment(order_conversation, bob, png_bytes):
    sent = send_message(
        conversation=order_conversation,
        sender=bob,
        body="Screenshot",
        client_id=uuid.uuid4().hex,
        attachments=[AttachmentUpload("screen.png", png_bytes)],
    )
    return sent.message.attachments.get()


def test_a_reviewer_downloads_an_attachment_and_it_is_logged(
    client, rita, dispute, attachment, png_bytes
):
    client.force_login(rita)
    url = reverse("admin:disputes_dispute_attachment", args=[dispute.pk, attachment.pk])
    assert client.get(url).status_code == 403  # reached from the case file, after its reason
    open_case(client, dispute)
    before = StaffAccess.objects.count()
    response = client.get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == png_bytes
    assert (
        "attachment;" in response["Content-Disposition"]
        and response["X-Content-Type-Options"] == "nosniff"
    )
    [row] = StaffAccess.objects.order_by("-id")[: StaffAccess.objects.count() - before]
    assert row.conversation_id == attachment.conversation_id and "screen.png" in row.reason
    assert row.reason.endswith(REASON)  # the reviewer's own reason, not a fixed one


def test_an_attachment_of_another_conversation_is_404(
    client, rita, dispute, charlie, alice, png_bytes
):
    other = get_or_start_conversation(starter=charlie, other=alice)
    sent = send_message(
        conversation=other,
        sender=charlie,
        body="x",
        client_id=uuid.uuid4().hex,
        attachments=[AttachmentUpload("c.png", png_bytes)],
    )
    client.force_login(rita)
    url = reverse(
        "admin:disputes_dispute_attachment", args=[dispute.pk, sent.message.attachments.get().pk]
    )
    assert client.get(url).status_code == 404
    assert not StaffAccess.objects.exists()


@pytest.mark.parametrize("who", PERSONAS_REFUSED)
def test_others_cannot_download_case_files(client, dispute, attachment, who, request):
    client.force_login(request.getfixturevalue(who))
    assert (
        client.get(
            reverse("admin:disputes_dispute_attachment", args=[dispute.pk, attachment.pk])
        ).status_code
        == 403
    )


def test_a_reviewer_downloads_evidence_files(client, rita, dispute, alice, png_bytes):
    entry = services.add_evidence(
        dispute=dispute, author=alice, body="Mock-up", upload=AttachmentUpload("m.png", png_bytes)
    )
    client.force_login(rita)
    open_case(client, dispute)
    response = client.get(reverse("admin:disputes_dispute_evidence", args=[dispute.pk, entry.pk]))
    assert response.status_code == 200 and b"".join(response.streaming_content) == png_bytes
    assert StaffAccess.objects.filter(reason__contains="m.png").exists()


def test_the_queue_filters_disputes_by_assignment(client, rita, dispute):
    client.force_login(rita)
    url = reverse("admin:disputes_dispute_changelist")

    def listed(assigned: str) -> list[int]:
        return [row.pk for row in client.get(url, {"assigned": assigned}).context["cl"].result_list]

    assert listed("me") == [] and listed("nobody") == [dispute.pk]
    _post(client, "assign", dispute)
    assert listed("me") == [dispute.pk] and listed("nobody") == []
    assert b"Assigned to me" in client.get(url).content
