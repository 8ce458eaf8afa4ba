"""The staff access log: record_staff_access, append-only model, read-only admin, trigger."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import DatabaseError, connection, transaction
from django.test import Client

from core.append_only import AppendOnlyError
from inbox.checks import AttachmentUpload
from inbox.models import Attachment
from moderation.flagging import report_message
from moderation.models import StaffAccess
from moderation.services import record_staff_access

pytestmark = pytest.mark.django_db


@pytest.fixture
def message(conversation, send, bob):
    return send(conversation, bob, "call me on 0151 2345 6789").message


def test_it_records_who_what_and_why(mona, message):
    access = record_staff_access(
        staff=mona,
        action=StaffAccess.Action.REVEAL_ORIGINAL,
        reason="  checking a report ",
        message=message,
    )

    stored = StaffAccess.objects.get()
    assert stored == access
    assert (stored.staff, stored.action, stored.reason) == (
        mona,
        "reveal_original",
        "checking a report",
    )
    assert stored.message_id == message.pk
    assert stored.conversation_id == message.conversation_id  # filled from the message


def test_it_keeps_a_reference_without_a_message(mona):
    record_staff_access(
        staff=mona,
        action=StaffAccess.Action.CASE_FILE,
        reason="case review",
        reference="dispute:12",
    )

    assert StaffAccess.objects.get().reference == "dispute:12"


@pytest.mark.parametrize("reason", ["", "   \n "])
def test_it_refuses_an_empty_reason(mona, reason):
    with pytest.raises(ValidationError):
        record_staff_access(staff=mona, action=StaffAccess.Action.OTHER, reason=reason)

    assert not StaffAccess.objects.exists()


def test_it_refuses_an_unknown_action(mona):
    with pytest.raises(ValidationError):
        record_staff_access(staff=mona, action="peek", reason="curious about it")


def test_it_refuses_non_staff(bob):
    with pytest.raises(ValidationError):
        record_staff_access(staff=bob, action=StaffAccess.Action.OTHER, reason="curious about it")

    assert not StaffAccess.objects.exists()


def test_rows_cannot_be_updated_or_deleted_through_the_model(mona):
    access = record_staff_access(
        staff=mona, action=StaffAccess.Action.OTHER, reason="audit of the log"
    )

    access.reason = "nothing to see"
    with pytest.raises(AppendOnlyError):
        access.save()
    with pytest.raises(AppendOnlyError):
        access.delete()
    with pytest.raises(AppendOnlyError):
        StaffAccess.objects.filter(pk=access.pk).update(reason="x")
    with pytest.raises(AppendOnlyError):
        StaffAccess.objects.all().delete()
    assert StaffAccess.objects.get().reason == "audit of the log"


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the trigger exists on PostgreSQL only"
)
def test_the_database_refuses_raw_updates_and_deletes(mona):
    access = record_staff_access(
        staff=mona, action=StaffAccess.Action.OTHER, reason="audit of the log"
    )

    for sql in (
        "UPDATE moderation_staffaccess SET reason = 'x' WHERE id = %s",
        "DELETE FROM moderation_staffaccess WHERE id = %s",
    ):
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql, [access.pk])
    assert StaffAccess.objects.get().reason == "audit of the log"


class TestAdmin:
    URL = "/admin/moderation/staffaccess/"

    def test_superusers_read_the_log(self, client, root, mona):
        record_staff_access(staff=mona, action=StaffAccess.Action.OTHER, reason="<b>audit</b>")
        client.force_login(root)

        response = client.get(self.URL)

        assert response.status_code == 200
        assert b"&lt;b&gt;audit&lt;/b&gt;" in response.content
        assert b"Add staff access" not in response.content

    def test_nobody_changes_or_deletes_a_row(self, client, root, mona):
        access = record_staff_access(
            staff=mona, action=StaffAccess.Action.OTHER, reason="audit of the log"
        )
        client.force_login(root)

        assert client.get(f"{self.URL}add/").status_code == 403
        assert client.post(f"{self.URL}{access.pk}/delete/", {"post": "yes"}).status_code == 403
        client.post(f"{self.URL}{access.pk}/change/", {"reason": "edited"})
        assert StaffAccess.objects.get().reason == "audit of the log"

    @pytest.mark.parametrize("persona", ["mona", "rita", "stella"])
    def test_other_staff_cannot_read_it(self, client, persona, request):
        client.force_login(request.getfixturevalue(persona))

        assert client.get(self.URL).status_code == 403

    def test_non_staff_are_sent_to_the_login_page(self, client, bob):
        client.force_login(bob)

        response = client.get(self.URL)

        assert response.status_code == 302
        assert "/admin/login/" in response["Location"]


# The inbox's staff reads (inbox.extensions: moderation's staff read recorder) -----------------


@pytest.fixture
def attachment(conversation, bob, send):
    send(
        conversation,
        bob,
        "the brief",
        attachments=[AttachmentUpload('Brief \u00e9t\u00e9 "v2".txt', b"The brief, in words.\n")],
    )
    return Attachment.objects.get()


def client_for(user) -> Client:
    client = Client()
    client.force_login(user, backend="moderation.auth.NotSuspendedModelBackend")
    return client


def test_a_staff_download_needs_a_flag_or_report_and_a_reason_and_leaves_one_record(
    attachment, alice, bob, mona, stella
):
    """Problem 4 (issue 18): any staff member downloaded any inbox attachment by its id, with
    a fixed reason and none asked. Now: a party downloads with no record; staff reach it only
    through a flag or report on its message (others get the outsider's 404), give a reason of
    10 characters at least, and each download leaves exactly one record."""
    url = f"/inbox/attachments/{attachment.pk}/"
    assert client_for(bob).get(url).status_code == 200
    assert not StaffAccess.objects.exists()

    assert client_for(stella).get(url).status_code == 404  # no flag, report or dispute
    assert client_for(mona).get(url).status_code == 404
    report = report_message(reporter=alice, message=attachment.message, reason="spam")

    moderator = client_for(mona)
    form = moderator.get(url)
    assert form.status_code == 200 and b'name="reason"' in form.content
    assert b"The brief, in words." not in form.content
    refused = moderator.post(url, {"reference": f"flag:{report.flag_id}", "reason": "x"})
    assert refused.status_code == 400 and b"at least 10 characters" in refused.content
    assert client_for(stella).get(url).status_code == 404  # a flag, but stella may not view flags
    assert not StaffAccess.objects.exists()

    response = moderator.post(
        url, {"reference": f"flag:{report.flag_id}", "reason": "Checking the reported brief"}
    )
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"The brief, in words.\n"
    access = StaffAccess.objects.get()
    assert (access.staff, access.action, access.reason) == (
        mona,
        "attachment",
        "Checking the reported brief",
    )
    assert (access.message_id, access.conversation_id) == (
        attachment.message_id,
        attachment.conversation_id,
    )
    assert access.reference == f"flag:{report.flag_id} attachment:{attachment.pk}"
