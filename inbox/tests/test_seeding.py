"""The demo conversations load through the send path, are masked like live ones, and a
second load changes nothing."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command

from inbox.models import Conversation, Message
from inbox.verification import verify_conversation
from moderation.models import Flag

pytestmark = pytest.mark.django_db


def inbox_seed_client_ids() -> list[str]:
    data = json.loads((settings.BASE_DIR / "seeds" / "20_inbox.json").read_text())["data"]
    return [m["id"] for c in data["conversations"] for m in c["messages"]]


def test_seeding_twice_stores_the_demo_once():
    call_command("seed", stdout=StringIO())
    counts = (Conversation.objects.count(), Message.objects.count(), Flag.objects.count())
    assert Message.objects.filter(client_id__in=inbox_seed_client_ids()).count() == 23
    out = StringIO()
    call_command("seed", stdout=out)
    assert (Conversation.objects.count(), Message.objects.count(), Flag.objects.count()) == counts
    assert "inbox: 6 conversations, 0 new messages" in out.getvalue()  # other seed files: theirs
    for conversation in Conversation.objects.all():
        assert verify_conversation(conversation) is None


def test_the_demo_contact_attempts_are_masked():
    call_command("seed", stdout=StringIO())
    by_id = {m.client_id: m for m in Message.objects.exclude(client_id="")}
    for client_id in ["seed-buyer-seller-003", "seed-buyer-seller-005", "seed-buyer-lucas-005", "seed-emma-seller-003"]:
        message = by_id[client_id]
        assert message.findings, client_id
        assert "[contact hidden]" in message.delivered_body
    assert "718 555 0142" not in by_id["seed-buyer-seller-003"].delivered_body
    assert not by_id["seed-buyer-seller-001"].findings
