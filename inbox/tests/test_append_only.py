"""Messages and attachments are evidence: no update, no delete, from code, admin or SQL."""

from __future__ import annotations

import pytest
from django.contrib.admin.sites import site
from django.db import DatabaseError, connection, transaction
from django.test import RequestFactory

from core.append_only import AppendOnlyError
from inbox.checks import AttachmentUpload
from inbox.models import Attachment, Message

pytestmark = pytest.mark.django_db


@pytest.fixture
def message(conversation, bob, send, png_bytes):
    return send(
        conversation, bob, "the original", attachments=[AttachmentUpload("logo.png", png_bytes)]
    ).message


def test_the_model_refuses_to_update_a_message(message):
    message.body = "rewritten"
    with pytest.raises(AppendOnlyError):
        message.save()
    assert Message.objects.get(pk=message.pk).body == "the original"


def test_the_model_refuses_to_delete_a_message(message):
    with pytest.raises(AppendOnlyError):
        message.delete()
    with pytest.raises(AppendOnlyError):
        Message.objects.filter(pk=message.pk).delete()
    with pytest.raises(AppendOnlyError):
        Message.objects.filter(pk=message.pk).update(body="rewritten")
    assert Message.objects.filter(pk=message.pk, body="the original").exists()


def test_the_model_refuses_to_change_an_attachment(message):
    attachment = Attachment.objects.get(message=message)
    attachment.name = "other.png"
    with pytest.raises(AppendOnlyError):
        attachment.save()
    with pytest.raises(AppendOnlyError):
        attachment.delete()
    with pytest.raises(AppendOnlyError):
        Attachment.objects.all().update(name="x")


def test_the_admin_offers_no_change_or_delete(message, stella):
    request = RequestFactory().get("/admin/")
    stella.is_superuser = True  # even a superuser
    request.user = stella
    admin = site._registry[Message]
    assert not admin.has_change_permission(request, message)
    assert not admin.has_delete_permission(request, message)
    assert not admin.has_add_permission(request)


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the trigger exists on PostgreSQL only"
)
@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE inbox_message SET body = 'rewritten' WHERE id = %s",
        "DELETE FROM inbox_message WHERE id = %s",
        "UPDATE inbox_attachment SET name = 'x' WHERE message_id = %s",
        "DELETE FROM inbox_attachment WHERE message_id = %s",
    ],
)
def test_on_postgresql_the_database_refuses_raw_update_and_delete(message, sql):
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql, [message.pk])
    assert Message.objects.get(pk=message.pk).body == "the original"
