"""The case file (the dispute's admin page): who may open it, what it shows, what it logs."""

from __future__ import annotations

import uuid

import pytest
from django.urls import reverse

from disputes import services
from inbox.conversations import get_or_start_conversation
from inbox.models import Message
from inbox.send import send_message
from moderation.models import StaffAccess


def _url(dispute) -> str:
    return reverse("admin:disputes_dispute_change", args=[dispute.pk])


REASON = "Assigned to me: deciding the refund"


def open_case(client, dispute, reason: str = REASON):
    """Give the reason (asked once per login session), then open the case file."""
    client.post(reverse("admin:disputes_dispute_open", args=[dispute.pk]), {"reason": reason})
    return client.get(_url(dispute))


@pytest.fixture
def general_conversation(alice, bob):
    conversation = get_or_start_conversation(starter=bob, other=alice)
    send_message(
        conversation=conversation,
        sender=bob,
        body="Before ordering: <b>bold</b> & <script>x()</script>",
        client_id=uuid.uuid4().hex,
    )
    return conversation


def test_a_reviewer_opens_the_case_file_and_it_is_logged(
    client, rita, dispute, order_conversation, general_conversation
):
    client.force_login(rita)
    response = open_case(client, dispute)
    assert response.status_code == 200
    [row] = StaffAccess.objects.filter(staff=rita, action="case_file")  # one row, not one each
    shown = f"{order_conversation.pk}, {general_conversation.pk}"
    assert row.reason == f"dispute #{dispute.pk} case file (conversations {shown}): {REASON}"
    assert row.reference == f"dispute:{dispute.pk}"


def test_the_first_opening_in_a_session_asks_for_a_reason_and_logs_nothing_before(
    client, rita, dispute, order_conversation
):
    client.force_login(rita)
    open_url = reverse("admin:disputes_dispute_open", args=[dispute.pk])

    first = client.get(_url(dispute))
    assert first.status_code == 302 and first["Location"] == open_url
    form = client.get(open_url)
    assert (
        form.status_code == 200
        and b'name="reason"' in form.content
        and b"+49 151" not in form.content
    )
    refused = client.post(open_url, {"reason": "   "})
    assert refused.status_code == 400 and client.get(_url(dispute)).status_code == 302
    assert not StaffAccess.objects.exists()

    assert client.post(open_url, {"reason": "Checking <b>the</b> phone number"})[
        "Location"
    ] == _url(dispute)
    page = client.get(_url(dispute))
    assert (
        page.status_code == 200 and b"Checking &lt;b&gt;the&lt;/b&gt; phone number" in page.content
    )
    client.get(_url(dispute))  # later openings in the session reuse the reason: no new row
    assert list(StaffAccess.objects.values_list("reason", flat=True)) == [
        f"dispute #{dispute.pk} case file (conversations {order_conversation.pk}): "
        "Checking <b>the</b> phone number"
    ]


def test_the_reason_is_asked_again_in_a_new_login_session(
    client, rita, dispute, order_conversation
):
    client.force_login(rita)
    open_case(client, dispute)
    client.logout()
    client.force_login(rita)
    assert client.get(_url(dispute)).status_code == 302


def test_one_record_per_reason_and_session_not_per_reload(
    client, rita, dispute, order_conversation
):
    """Problem 4 (issue 18): each reload of a case file added a row per conversation."""
    client.force_login(rita)
    open_case(client, dispute)
    for _ in range(3):
        assert client.get(_url(dispute)).status_code == 200
    assert StaffAccess.objects.filter(staff=rita, action="case_file").count() == 1
    open_case(client, dispute, reason="Second look: the seller's answer")  # a new reason
    assert StaffAccess.objects.filter(staff=rita, action="case_file").count() == 2
    client.logout()
    client.force_login(rita)  # a new login session asks, and records, again
    open_case(client, dispute)
    assert StaffAccess.objects.filter(staff=rita, action="case_file").count() == 3


def test_a_short_reason_is_refused_with_a_clear_error(client, rita, dispute, order_conversation):
    """Problem 4 (issue 18): a one-character reason ("x") was accepted."""
    client.force_login(rita)
    refused = client.post(
        reverse("admin:disputes_dispute_open", args=[dispute.pk]), {"reason": "x"}
    )
    assert refused.status_code == 400
    assert b"at least 10 characters" in refused.content
    assert client.get(_url(dispute)).status_code == 302 and not StaffAccess.objects.exists()


def test_it_shows_both_conversations_in_time_order(
    client, rita, dispute, order_conversation, general_conversation
):
    client.force_login(rita)
    html = open_case(client, dispute).content.decode()
    first = html.index("The logo is not what we agreed")  # the statement section comes first
    assert first > 0
    # Chronological: the order's messages, the dispute system message, then the general one.
    colours = html.index("the logo colours are wrong")
    before = html.index("Before ordering")
    assert colours < before
    assert "Order " + dispute.order.reference in html and "General" in html


def test_originals_and_delivered_text_side_by_side_with_findings_highlighted(
    client, rita, dispute, order_conversation
):
    client.force_login(rita)
    html = open_case(client, dispute).content.decode()
    assert '<mark class="finding" title="phone:' in html
    assert ">+49 151 23456789</mark>" in html
    assert "Call me on [contact hidden] and we sort it out." in html


def test_user_text_is_escaped_everywhere(
    client, rita, dispute, order_conversation, general_conversation
):
    client.force_login(rita)
    html = open_case(client, dispute).content.decode()
    assert "<script>x()</script>" not in html and "<b>bold</b>" not in html
    assert "&lt;script&gt;x()&lt;/script&gt;" in html


def test_a_highlighted_finding_cannot_inject_markup(
    client, rita, dispute, alice, order_conversation
):
    send_message(
        conversation=order_conversation,
        sender=alice,
        body="<i>call</i> +49 151 23456789 <img src=x onerror=y>",
        client_id=uuid.uuid4().hex,
    )
    client.force_login(rita)
    html = open_case(client, dispute).content.decode()
    assert "<img src=x" not in html and "<i>call</i>" not in html
    assert "&lt;img src=x onerror=y&gt;" in html


def test_it_shows_the_chain_check(client, rita, dispute, order_conversation):
    client.force_login(rita)
    html = open_case(client, dispute).content.decode()
    assert 'data-chain="ok"' in html and 'data-chain="broken"' not in html


def test_a_tampered_conversation_shows_as_broken(client, rita, dispute, order_conversation, db):
    from inbox.tests.test_chain import tamper  # the DB-admin attacker, as the chain tests model it

    message = Message.objects.get(conversation=order_conversation, seq=2)
    tamper("UPDATE inbox_message SET body = %s WHERE id = %s", ["edited later", message.pk])
    client.force_login(rita)
    html = open_case(client, dispute).content.decode()
    assert 'data-chain="broken"' in html and "BROKEN at seq 2" in html


def test_it_shows_the_order_timeline_notes_and_flags(client, rita, dispute, order_conversation):
    services.add_dispute_note(dispute=dispute, author=rita, body="Check seq 2 <phone>.")
    client.force_login(rita)
    html = open_case(client, dispute).content.decode()
    assert "Dispute opened" in html  # the timeline
    assert "Check seq 2 &lt;phone&gt;." in html  # notes, escaped
    assert "Flags (1)" in html and "alice, Contact detector" in html


def test_the_case_file_is_not_an_edit_form(client, rita, dispute):
    client.force_login(rita)
    assert client.post(_url(dispute), {"status": "resolved"}).status_code == 405
    dispute.refresh_from_db()
    assert dispute.is_open


@pytest.mark.parametrize("who", ["mo", "stella"])
def test_other_staff_get_403_and_no_row(client, dispute, who, request):
    client.force_login(request.getfixturevalue(who))
    assert client.get(_url(dispute)).status_code == 403
    assert (
        client.post(
            reverse("admin:disputes_dispute_open", args=[dispute.pk]), {"reason": "Curious."}
        ).status_code
        == 403
    )
    assert client.get(reverse("admin:disputes_dispute_changelist")).status_code == 403
    assert not StaffAccess.objects.exists()


def test_non_staff_are_sent_to_the_admin_login(client, bob, dispute):
    client.force_login(bob)
    response = client.get(_url(dispute))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_a_missing_dispute_is_404(client, rita, dispute):
    client.force_login(rita)
    assert (
        client.get(reverse("admin:disputes_dispute_change", args=[dispute.pk + 100])).status_code
        == 404
    )


def test_the_queue_lists_disputes_for_reviewers(client, rita, dispute):
    client.force_login(rita)
    response = client.get(reverse("admin:disputes_dispute_changelist"), {"assigned": "nobody"})
    assert response.status_code == 200 and f"#{dispute.pk}" in response.content.decode()


def test_moderators_do_not_see_disputes_on_the_admin_index(client, mo, rita, dispute):
    client.force_login(mo)
    assert "/admin/disputes/" not in client.get(reverse("admin:index")).content.decode()
    client.force_login(rita)
    assert "/admin/disputes/dispute/" in client.get(reverse("admin:index")).content.decode()


def test_it_shows_the_strikes_of_both_parties(client, rita, mo, alice, charlie, dispute):
    from datetime import timedelta

    from django.utils import timezone

    from moderation.models import Strike

    now = timezone.now()
    for user in (alice, charlie):
        Strike.objects.create(
            user=user,
            kind="contact_sharing",
            moderator=mo,
            note="Shared a phone number.",
            created_at=now,
            expires_at=now + timedelta(days=90),
        )
    client.force_login(rita)
    html = open_case(client, dispute).content.decode()
    assert "Strikes (1)" in html and "alice, Sharing contact details" in html
    assert "charlie" not in html  # not a party


def test_it_shows_the_requirements_and_the_deliveries_with_a_logged_download(
    client, rita, dispute, order, png_bytes
):
    from django.core.files.base import ContentFile

    from marketplace.models import Delivery, Order

    Order.objects.filter(pk=order.pk).update(
        requirements="A <b>blue</b> logo, SVG source included."
    )
    delivery = Delivery(
        order=order,
        note="Here is the logo & the <i>source</i>.",
        file_name="logo.png",
        content_type="image/png",
    )
    delivery.file.save("logo.png", ContentFile(png_bytes), save=False)
    delivery.save()
    Delivery.objects.create(order=order, note="Second try, no file.")
    client.force_login(rita)

    html = open_case(client, dispute).content.decode()

    assert "A &lt;b&gt;blue&lt;/b&gt; logo, SVG source included." in html
    assert (
        "Here is the logo &amp; the &lt;i&gt;source&lt;/i&gt;." in html
        and "Second try, no file." in html
    )
    assert "Deliveries (2)" in html
    url = reverse("admin:disputes_dispute_delivery", args=[dispute.pk, delivery.pk])
    assert f'href="{url}"' in html
    before = StaffAccess.objects.count()
    response = client.get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == png_bytes
    assert (
        "attachment;" in response["Content-Disposition"]
        and response["X-Content-Type-Options"] == "nosniff"
    )
    assert StaffAccess.objects.count() == before + 1
    row = StaffAccess.objects.order_by("-id").first()
    assert (row.staff, row.action, row.reference) == (
        rita,
        "case_file",
        f"dispute:{dispute.pk}",
    ) and "logo.png" in row.reason


def test_a_delivery_file_is_refused_to_other_staff_and_404_for_another_order(
    client, rita, mo, dispute, png_bytes
):
    from django.core.files.base import ContentFile

    from disputes.tests.conftest import order_in
    from marketplace.models import Delivery, Order

    other_order = order_in(
        Order.Status.DELIVERED, seller=dispute.order.seller, buyer=dispute.order.buyer
    )
    foreign = Delivery(
        order=other_order, note="Other order.", file_name="x.png", content_type="image/png"
    )
    foreign.file.save("x.png", ContentFile(png_bytes), save=False)
    foreign.save()
    own = Delivery(order=dispute.order, note="Logo.", file_name="y.png", content_type="image/png")
    own.file.save("y.png", ContentFile(png_bytes), save=False)
    own.save()

    client.force_login(rita)
    assert (
        client.get(
            reverse("admin:disputes_dispute_delivery", args=[dispute.pk, foreign.pk])
        ).status_code
        == 404
    )
    client.force_login(mo)
    assert (
        client.get(
            reverse("admin:disputes_dispute_delivery", args=[dispute.pk, own.pk])
        ).status_code
        == 403
    )
    assert not StaffAccess.objects.exists()
