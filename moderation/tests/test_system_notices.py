"""Trust & Safety notices reach the user whatever the block state: the system account
cannot be blocked (service, page, API), the thread with it offers no block button, and a
block from before that rule does not stop a notice."""

from __future__ import annotations

import json

import pytest

from inbox import services as inbox_services
from inbox.checks import SendError
from inbox.conversations import get_or_start_conversation
from inbox.models import Block
from moderation import notices, services
from moderation.models import Sanction

pytestmark = pytest.mark.django_db


def test_the_service_refuses_to_block_the_system_account(bob):
    with pytest.raises(SendError, match="cannot be blocked") as refused:
        inbox_services.block_user(blocker=bob, blocked=notices.system_account())
    assert refused.value.code == "invalid_frame"
    assert not Block.objects.exists()


def test_the_page_and_the_api_refuse_with_a_clear_error(client, bob):
    notices.system_account()
    client.force_login(bob)

    page = client.post("/inbox/users/gigbox/block/", {"action": "block"}, follow=True)
    api = client.post("/api/inbox/users/gigbox/block/")

    assert "Gigbox Trust &amp; Safety cannot be blocked" in page.content.decode()
    assert api.status_code == 400
    assert (
        json.loads(api.content)["code"] == "invalid_frame"
        and "cannot be blocked" in json.loads(api.content)["message"]
    )
    assert not Block.objects.exists()


def test_the_thread_with_the_system_account_has_no_block_button(
    client, bob, alice, mona, conversation
):
    services.impose_sanction(
        user=bob, kind=Sanction.Kind.RESTRICT, moderator=mona, reason="Spam sent to buyers."
    )
    notice_thread = get_or_start_conversation(starter=notices.system_account(), other=bob)
    client.force_login(bob)

    system_page = client.get(f"/inbox/{notice_thread.pk}/").content.decode()
    other_page = client.get(f"/inbox/{conversation.pk}/").content.decode()

    assert 'value="block"' not in system_page
    assert 'value="block"' in other_page  # alice can still be blocked


def test_a_block_from_before_the_rule_does_not_stop_a_notice(bob, mona, system_messages):
    Block.objects.create(blocker=bob, blocked=notices.system_account())

    services.impose_sanction(
        user=bob, kind=Sanction.Kind.RESTRICT, moderator=mona, reason="Spam again."
    )

    assert "Spam again." in system_messages(bob)[-1]
    assert not Block.objects.filter(blocker=bob).exists()
