"""The send path follows the site's contact policy (core.contact_policy): its own hosts, its
history window, its words. Bob writes to Alice; the site runs on gigbox.io."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.test import override_settings

from config import clock
from core.contact_policy import ContactPolicy
from inbox.checks import AttachmentUpload, SendError
from inbox.models import Attachment, Message
from moderation.models import Flag

pytestmark = pytest.mark.django_db

SUPPORT = "write to support@gigbox.io please"
ON_GIGBOX_IO = override_settings(GIGBOX_SITE_HOSTS=["gigbox.io"])


class TerseNotices(ContactPolicy):
    notice_text = "Removed: {listed}."
    kind_labels = {**ContactPolicy.kind_labels, "email": "mail address"}


class ShortMemory(ContactPolicy):
    history_window = timedelta(minutes=1)


def test_the_sites_own_address_reaches_the_other_side(conversation, bob, send):
    with ON_GIGBOX_IO:
        sent = send(conversation, bob, SUPPORT)
    assert sent.message.delivered_body == SUPPORT and sent.message.findings == []
    assert sent.ack["masked"] is False and sent.ack["notice"] is None
    assert not Flag.objects.exists()


def test_an_address_on_a_host_the_site_does_not_name_is_masked(conversation, bob, send):
    sent = send(conversation, bob, SUPPORT)
    assert sent.message.delivered_body == "write to [contact hidden] please"
    assert sent.ack["notice"].startswith("We hid an email address")
    with ON_GIGBOX_IO:
        other = send(conversation, bob, "or sam@gmail.com")
    assert other.message.delivered_body == "or [contact hidden]"


def test_a_file_named_with_the_sites_address_is_accepted(conversation, bob, send, png_bytes):
    upload = AttachmentUpload("brief for support@gigbox.io.png", png_bytes)
    with pytest.raises(SendError, match="contact details"):
        send(conversation, bob, "see attached", attachments=[upload])
    assert not Attachment.objects.exists()
    with ON_GIGBOX_IO:
        send(conversation, bob, "see attached", attachments=[upload])
    assert Attachment.objects.get().name == "brief for support@gigbox.io.png"


@override_settings(GIGBOX_CONTACT_POLICY=f"{__name__}.TerseNotices")
def test_a_swapped_policy_writes_the_senders_notice(conversation, bob, send):
    sent = send(conversation, bob, "mail me at sam@gmail.com")
    assert sent.ack["notice"] == "Removed: a mail address."
    assert sent.message.delivered_body == "mail me at [contact hidden]"


@pytest.mark.parametrize(("policy", "found"), [(ContactPolicy, True), (ShortMemory, False)])
def test_split_detection_reads_the_policys_window(conversation, bob, send, policy, found):
    start = clock.now()
    with override_settings(GIGBOX_CONTACT_POLICY=f"{policy.__module__}.{policy.__name__}"):
        with time_machine.travel(start, tick=False):
            send(conversation, bob, "my number is 0151")
            send(conversation, bob, "2345")
        with time_machine.travel(start + timedelta(minutes=2), tick=False):
            last = send(conversation, bob, "6789")
    assert bool(last.message.findings) is found
    assert Message.objects.filter(sender=bob).count() == 3
