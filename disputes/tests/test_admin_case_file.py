"""The case file (the dispute's admin page): who may open it, what it shows, what it logs."""

from __future__ import annotations

import uuid

import pytest
from django.urls import reverse

from disputes import services
from inbox import services as inbox_services
from inbox.models import Message
from moderation.models import StaffAccess


def _url(dispute) -> str:
    return reverse("admin:disputes_dispute_change", args=[dispute.pk])


@pytest.fixture
def general_conversation(alice, bob):
    conversation = inbox_services.get_or_start_conversation(starter=bob, other=alice)
    inbox_services.send_message(
        conversation=conversation, sender=bob, body="Before ordering: <b>bold</b> & <script>x()</script>",
        client_id=uuid.uuid4().hex,
    )
    return conversation


def test_a_reviewer_opens_the_case_file_and_it_is_logged(client, rita, dispute, order_conversation, general_conversation):
    client.force_login(rita)
    response = client.get(_url(dispute))
    assert response.status_code == 200
    rows = StaffAccess.objects.filter(staff=rita, action="case_file")
    assert {row.conversation_id for row in rows} == {order_conversation.pk, general_conversation.pk}
    assert {row.reason for row in rows} == {f"dispute #{dispute.pk} case file"}


def test_each_opening_is_logged_again(client, rita, dispute, order_conversation):
    client.force_login(rita)
    client.get(_url(dispute))
    client.get(_url(dispute))
    assert StaffAccess.objects.filter(staff=rita, action="case_file").count() == 2


def test_it_shows_both_conversations_in_time_order(client, rita, dispute, order_conversation, general_conversation):
    client.force_login(rita)
    html = client.get(_url(dispute)).content.decode()
    first = html.index("The logo is not what we agreed")  # the statement section comes first
    assert first > 0
    # Chronological: the order's messages, the dispute system message, then the general one.
    colours = html.index("the logo colours are wrong")
    before = html.index("Before ordering")
    assert colours < before
    assert "Order " + dispute.order.reference in html and "General" in html


def test_originals_and_delivered_text_side_by_side_with_findings_highlighted(client, rita, dispute, order_conversation):
    client.force_login(rita)
    html = client.get(_url(dispute)).content.decode()
    assert '<mark class="finding" title="phone:' in html
    assert ">+49 151 23456789</mark>" in html
    assert "Call me on [contact hidden] and we sort it out." in html


def test_user_text_is_escaped_everywhere(client, rita, dispute, order_conversation, general_conversation):
    client.force_login(rita)
    html = client.get(_url(dispute)).content.decode()
    assert "<script>x()</script>" not in html and "<b>bold</b>" not in html
    assert "&lt;script&gt;x()&lt;/script&gt;" in html


def test_a_highlighted_finding_cannot_inject_markup(client, rita, dispute, alice, order_conversation):
    inbox_services.send_message(
        conversation=order_conversation, sender=alice, body="<i>call</i> +49 151 23456789 <img src=x onerror=y>",
        client_id=uuid.uuid4().hex,
    )
    client.force_login(rita)
    html = client.get(_url(dispute)).content.decode()
    assert "<img src=x" not in html and "<i>call</i>" not in html
    assert "&lt;img src=x onerror=y&gt;" in html


def test_it_shows_the_chain_check(client, rita, dispute, order_conversation):
    client.force_login(rita)
    html = client.get(_url(dispute)).content.decode()
    assert 'data-chain="ok"' in html and 'data-chain="broken"' not in html


def test_a_tampered_conversation_shows_as_broken(client, rita, dispute, order_conversation, db):
    from inbox.tests.test_chain import tamper  # the DB-admin attacker, as the chain tests model it

    message = Message.objects.get(conversation=order_conversation, seq=2)
    tamper("UPDATE inbox_message SET body = %s WHERE id = %s", ["edited later", message.pk])
    client.force_login(rita)
    html = client.get(_url(dispute)).content.decode()
    assert 'data-chain="broken"' in html and "BROKEN at seq 2" in html


def test_it_shows_the_order_timeline_notes_and_flags(client, rita, dispute, order_conversation):
    services.add_dispute_note(dispute=dispute, author=rita, body="Check seq 2 <phone>.")
    client.force_login(rita)
    html = client.get(_url(dispute)).content.decode()
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
    assert client.get(reverse("admin:disputes_dispute_changelist")).status_code == 403
    assert not StaffAccess.objects.exists()


def test_non_staff_are_sent_to_the_admin_login(client, bob, dispute):
    client.force_login(bob)
    response = client.get(_url(dispute))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_a_missing_dispute_is_404(client, rita, dispute):
    client.force_login(rita)
    assert client.get(reverse("admin:disputes_dispute_change", args=[dispute.pk + 100])).status_code == 404


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
            user=user, kind="contact_sharing", moderator=mo, note="Shared a phone number.",
            created_at=now, expires_at=now + timedelta(days=90),
        )
    client.force_login(rita)
    html = client.get(_url(dispute)).content.decode()
    assert "Strikes (1)" in html and "alice, Sharing contact details" in html
    assert "charlie" not in html  # not a party
