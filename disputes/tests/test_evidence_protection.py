"""Issue 18, problem 3: evidence at dispute time.

The pair's general thread (where contact details are usually shared) is checkpointed when
the dispute opens and whenever the case file is opened, not only the order's thread; a
rewrite of it with every later hash recomputed is then caught by verify_conversation and
the case file, which marks every row it no longer proves; and an export of a conversation
whose check fails is refused with the reason, nothing signed.
"""

from __future__ import annotations

import uuid

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from disputes import services
from disputes.checkpoints import checkpoints_of
from disputes.export import ExportRefused, build_export, export_key
from disputes.tests.test_admin_case_file import REASON, open_case
from disputes.tests.test_head_checkpoints import fresh, recompute_from
from inbox.conversations import get_or_start_conversation
from inbox.send import send_message
from inbox.verification import check_conversation, verify_conversation
from inbox.withdrawals import withdraw_message
from moderation.models import StaffAccess


@pytest.fixture
def general(alice, bob):
    """The pair's general thread: contact details shared before the order."""
    conversation = get_or_start_conversation(starter=bob, other=alice)
    for sender, body in [
        (bob, "Can we talk outside Gigbox?"),
        (alice, "Sure, mail me at alice.design@gmail.com"),
        (bob, "Sent you a mail."),
    ]:
        send_message(
            conversation=conversation, sender=sender, body=body, client_id=uuid.uuid4().hex
        )
    return fresh(conversation)


@pytest.fixture
def case(general, order_conversation, order, bob):
    return services.open_dispute(
        order=order,
        opener=bob,
        reason="not_as_described",
        requested_outcome="refund",
        statement="Wrong colours, and the seller wanted to be paid outside.",
    )


def test_opening_a_dispute_checkpoints_the_general_thread_too(case, general, order_conversation):
    """Problem 3: only the order's thread got a signed head checkpoint."""
    [checkpoint] = checkpoints_of(general.pk)
    assert (checkpoint.seq, checkpoint.head_hash) == (general.last_seq, general.last_hash)
    assert len(checkpoints_of(order_conversation.pk)) == 1


def test_a_recomputed_general_thread_is_caught_after_the_dispute_opened(case, general):
    """Problem 3: rewriting the general thread and recomputing every hash after it passed
    verify_conversation."""
    recompute_from(general, 2, "Sure, let us keep talking here.")
    status = check_conversation(fresh(general))
    assert not status.intact
    assert "rewritten at or before seq 3" in status.describe()
    assert verify_conversation(fresh(general)) == 3


def test_the_case_file_marks_every_row_from_the_first_unproven_one(
    client, rita, case, general, order_conversation
):
    """Problem 3: the case file showed the altered text with no mark on its row."""
    recompute_from(general, 2, "Sure, let us keep talking here.")
    client.force_login(rita)
    html = open_case(client, case).content.decode()
    assert 'data-chain="broken"' in html
    # No earlier checkpoint holds: every row of the general thread is unproven, in words.
    for seq in (1, 2, 3):
        row = html.split(f'data-seq="{seq}" data-conversation="{general.pk}"')[1].split("</tr>")[0]
        assert 'data-unproven="true"' in row and "NOT PROVEN: from seq 1 on, General" in row
    order_rows = html.split(f'data-conversation="{order_conversation.pk}"')[1:]
    assert order_rows and all("NOT PROVEN" not in r.split("</tr>")[0] for r in order_rows)


def test_only_rows_after_the_last_holding_checkpoint_are_marked(
    client, rita, case, general, alice, bob
):
    for n in range(2):
        send_message(
            conversation=general, sender=bob, body=f"later {n}", client_id=uuid.uuid4().hex
        )
    client.force_login(rita)
    open_case(client, case)  # opening the case file signs the moved head (seq 5)
    assert [c.seq for c in checkpoints_of(general.pk)] == [3, 5]
    recompute_from(general, 4, "rewritten after the second checkpoint")
    html = client.get(reverse("admin:disputes_dispute_change", args=[case.pk])).content.decode()
    marked = [
        seq
        for seq in range(1, 6)
        if "NOT PROVEN"
        in html.split(f'data-seq="{seq}" data-conversation="{general.pk}"')[1].split("</tr>")[0]
    ]
    assert marked == [4, 5]  # seq 1-3 are still proven by the checkpoint of seq 3


def test_opening_the_case_file_signs_heads_that_moved(client, rita, case, general, bob):
    send_message(conversation=general, sender=bob, body="one more", client_id=uuid.uuid4().hex)
    client.force_login(rita)
    open_case(client, case)
    assert checkpoints_of(general.pk)[-1].seq == fresh(general).last_seq
    client.get(reverse("admin:disputes_dispute_change", args=[case.pk]))
    assert len(checkpoints_of(general.pk)) == 2  # an unchanged head is not signed again


def test_an_export_of_a_broken_conversation_is_refused_with_the_reason(client, rita, case, general):
    """Problem 3: a conversation whose chain check failed could still be exported and signed."""
    recompute_from(general, 2, "Sure, let us keep talking here.")
    with pytest.raises(ExportRefused, match="fails its chain check"):
        build_export(dispute=case, conversation=fresh(general), staff=rita, key=export_key())

    client.force_login(rita)
    open_case(client, case)
    response = client.post(
        reverse("admin:disputes_dispute_export", args=[case.pk]),
        {"conversation": general.pk, "output": "json", "reason": "evidence for the bank"},
    )
    assert response.status_code == 302 and "Content-Disposition" not in response
    [text] = [str(m) for m in get_messages(response.wsgi_request)]
    assert text.startswith(f"Not exported: conversation {general.pk} fails its chain check")
    assert "rewritten at or before seq 3" in text
    assert not StaffAccess.objects.filter(action="export").exists()


def test_an_intact_conversation_still_exports(client, rita, case, general):
    client.force_login(rita)
    open_case(client, case)
    response = client.post(
        reverse("admin:disputes_dispute_export", args=[case.pk]),
        {"conversation": general.pk, "output": "json", "reason": "evidence for the bank"},
    )
    assert response.status_code == 200 and "attachment;" in response["Content-Disposition"]
    assert StaffAccess.objects.filter(action="export").count() == 1


def test_the_case_file_shows_a_hidden_message_in_original_with_the_hide_marked(
    client, rita, mo, case, general
):
    """Problem 7 (hiding): the original stays evidence; the reviewer sees both."""
    message = general.messages.get(seq=2)
    withdraw_message(message=message, staff=mo, reason="Contact details, confirmed")
    client.force_login(rita)
    html = open_case(client, case, reason=REASON).content.decode()
    row = html.split(f'data-seq="2" data-conversation="{general.pk}"')[1].split("</tr>")[0]
    assert "alice.design@gmail.com" in row  # the original, highlighted
    assert "HIDDEN from the parties" in row and "Contact details, confirmed" in row
    assert check_conversation(fresh(general)).intact  # hiding changed no stored message
