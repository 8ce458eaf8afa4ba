"""answer_dispute and add_evidence: who may add what, contact details refused, files checked."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from core.append_only import AppendOnlyError
from disputes import services
from disputes.models import DisputeEntry
from inbox.checks import AttachmentUpload


def test_the_other_party_answers_once(dispute, alice):
    entry = services.answer_dispute(
        dispute=dispute, author=alice, body="The colours match the brief."
    )
    assert entry.kind == DisputeEntry.Kind.ANSWER and entry.author == alice
    assert dispute.answered_at is not None
    with pytest.raises(ValidationError, match="already answered"):
        services.answer_dispute(dispute=dispute, author=alice, body="And another thing.")
    assert dispute.entries.filter(kind=DisputeEntry.Kind.ANSWER).count() == 1


def test_the_opener_does_not_answer_their_own_dispute(dispute, bob):
    with pytest.raises(ValidationError, match="You opened this dispute"):
        services.answer_dispute(dispute=dispute, author=bob, body="Answering myself")
    assert dispute.entries.count() == 1


def test_an_outsider_can_neither_answer_nor_add_evidence(dispute, charlie):
    with pytest.raises(PermissionDenied):
        services.answer_dispute(dispute=dispute, author=charlie, body="I was there")
    with pytest.raises(PermissionDenied):
        services.add_evidence(dispute=dispute, author=charlie, body="Me too")
    assert dispute.entries.count() == 1


@pytest.mark.parametrize("who", ["alice", "bob"])
def test_both_parties_add_evidence(dispute, who, request):
    author = request.getfixturevalue(who)
    entry = services.add_evidence(dispute=dispute, author=author, body="See the brief, page 2.")
    assert entry.kind == DisputeEntry.Kind.EVIDENCE and entry.author == author


@pytest.mark.parametrize(
    "body",
    [
        "Write to me at alice.design@example.com instead",
        "Call +49 151 23456789, it is faster",
        "Add me on whatsapp: wa.me/4915123456789",
    ],
)
def test_evidence_with_contact_details_is_refused_with_a_clear_error(dispute, alice, body):
    with pytest.raises(ValidationError) as caught:
        services.add_evidence(dispute=dispute, author=alice, body=body)
    message = " ".join(caught.value.messages)
    assert "Contact details are not allowed here" in message
    assert dispute.entries.count() == 1


def test_an_answer_with_contact_details_is_refused_and_leaves_it_unanswered(dispute, alice):
    with pytest.raises(ValidationError):
        services.answer_dispute(dispute=dispute, author=alice, body="Mail alice.design@example.com")
    dispute.refresh_from_db()
    assert dispute.answered_at is None


def test_evidence_carries_a_file_checked_by_content(dispute, alice, png_bytes):
    entry = services.add_evidence(
        dispute=dispute,
        author=alice,
        body="The approved mock-up",
        upload=AttachmentUpload("mockup.png", png_bytes),
    )
    assert (entry.file_name, entry.content_type) == ("mockup.png", "image/png")


@pytest.mark.parametrize(
    ("name", "content", "words"),
    [
        (
            "run.exe",
            b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" * 8,
            "only images",
        ),
        ("empty.txt", b"", "empty"),
        ("call-me-+4915123456789.txt", b"hello", "contact details"),
    ],
)
def test_refused_files_say_why_and_store_nothing(dispute, alice, name, content, words, settings):
    with pytest.raises(ValidationError) as caught:
        services.add_evidence(
            dispute=dispute, author=alice, body="A file", upload=AttachmentUpload(name, content)
        )
    assert words in " ".join(caught.value.message_dict["file"])
    assert dispute.entries.count() == 1
    stored = settings.MEDIA_ROOT / "disputes"
    assert not stored.exists() or not any(path.is_file() for path in stored.rglob("*"))


def test_an_oversized_file_is_refused(dispute, alice, settings):
    settings.GIGBOX_ATTACHMENT_MAX_BYTES = 10
    with pytest.raises(ValidationError, match="over"):
        services.add_evidence(
            dispute=dispute, author=alice, body="Big", upload=AttachmentUpload("a.txt", b"x" * 11)
        )


def test_nothing_can_be_added_once_resolved(dispute, alice, rita):
    services.resolve_dispute(
        dispute=dispute, reviewer=rita, resolution="release", note="Delivered as agreed."
    )
    with pytest.raises(ValidationError, match="resolved"):
        services.add_evidence(dispute=dispute, author=alice, body="Late evidence")
    with pytest.raises(ValidationError, match="resolved"):
        services.answer_dispute(dispute=dispute, author=alice, body="Late answer")


def test_entries_are_append_only(dispute):
    entry = dispute.entries.get()
    entry.body = "changed"
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        DisputeEntry.objects.filter(pk=entry.pk).delete()
