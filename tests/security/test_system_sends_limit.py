"""R10: system and moderator messages are outside the per-user send limit (docs/decisions.md
13a): order events, offer cards, moderation notices and any post_system_message are stored
and pushed however many sends their actor has left, and they spend nothing of the actor's
budget. A user who has used up the window is still refused, and their counter is unchanged.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from decimal import Decimal

import pytest
import time_machine
from django.conf import settings
from django.core.cache import cache

from deals import services as deals_services
from inbox import ratelimit
from inbox import send as inbox_send
from inbox.checks import SendError
from inbox.models import Conversation, Message
from inbox.send import send_message
from moderation import services as moderation_services
from moderation.notices import system_account

LIMIT, WINDOW = 2, 60
MID_WINDOW = datetime(2026, 11, 24, 16, 0, 30, tzinfo=UTC)  # 30 s into an aligned window


@pytest.fixture
def small_limit(settings):
    settings.GIGBOX_SEND_RATE_LIMIT, settings.GIGBOX_SEND_RATE_WINDOW = LIMIT, WINDOW


def counter(user_id: int) -> int | None:
    return cache.get(
        ratelimit._key(user_id, int(MID_WINDOW.timestamp() // settings.GIGBOX_SEND_RATE_WINDOW))
    )


def send(conversation, user, body: str = "hello") -> None:
    send_message(conversation=conversation, sender=user, body=body, client_id=uuid.uuid4().hex)


def use_up_the_window(conversation, user) -> None:
    for _ in range(LIMIT):
        send(conversation, user)
    with pytest.raises(SendError) as refused:
        send(conversation, user, "one too many")
    assert refused.value.code == "rate_limited"


@pytest.mark.django_db
def test_system_messages_and_order_events_pass_and_spend_nothing(world, small_limit):
    with time_machine.travel(MID_WINDOW, tick=False):
        use_up_the_window(world.general, world.bob)
        spent = counter(world.bob.pk)
        before = Message.objects.filter(kind=Message.Kind.SYSTEM).count()
        for i in range(5):  # more than the limit, announcing bob's own actions
            inbox_send.post_system_message(
                conversation=world.general, body=f"Event {i}", actor=world.bob
            )
        deals_services.accept_offer(offer=world.offer, buyer=world.bob)  # an order and its events
        assert Message.objects.filter(kind=Message.Kind.SYSTEM).count() >= before + 6
        assert counter(world.bob.pk) == spent  # nothing of bob's budget
        with pytest.raises(SendError) as still:
            send(world.general, world.bob, "still limited")
        assert still.value.code == "rate_limited"


@pytest.mark.django_db
def test_moderation_notices_are_never_limited(world, small_limit):
    """The system account sends every notice; a moderator's actions post as many as needed."""
    with time_machine.travel(MID_WINDOW, tick=False):
        use_up_the_window(world.general, world.bob)
        for _ in range(LIMIT + 3):
            moderation_services.give_strike(
                user=world.bob, kind="spam", moderator=world.mo, note="Repeated spam"
            )
        notices = Conversation.objects.filter(
            user_a_id__in=[system_account().pk, world.bob.pk],
            user_b_id__in=[system_account().pk, world.bob.pk],
        )
        assert (
            Message.objects.filter(conversation__in=notices, kind=Message.Kind.SYSTEM).count()
            >= LIMIT + 3
        )
        assert (
            counter(system_account().pk) is None and counter(world.mo.pk) is None
        )  # no budget kept at all


@pytest.mark.django_db
def test_a_sellers_custom_offers_count_against_the_send_limit(world, small_limit):
    from deals.models import Offer

    with time_machine.travel(MID_WINDOW, tick=False):
        use_up_the_window(world.general, world.alice)
        with pytest.raises(deals_services.DealError, match="too fast"):
            deals_services.send_offer(
                conversation=world.general,
                seller=world.alice,
                gig=world.gig,
                description="Another offer",
                price=Decimal("40.00"),
                delivery_days=3,
                revisions=1,
            )
    assert not Offer.objects.filter(description="Another offer").exists()


def test_the_limit_applies_to_the_send_path_only():
    """The rule's one place: the writer's batch (_apply_rate_limit) is the only caller of
    admit_sends; post_system_message writes its draft without it."""
    import inspect
    from pathlib import Path

    source = inspect.getsource(inbox_send)
    assert source.count("admit_sends(") == 1
    assert "admit_sends(" in inspect.getsource(inbox_send._apply_rate_limit)
    others = [
        path.name
        for path in Path(inbox_send.__file__).parent.glob("*.py")
        if path.name not in {"send.py", "ratelimit.py"} and "admit_sends(" in path.read_text()
    ]
    assert others == []
    assert "admit_sends" not in inspect.getsource(inbox_send.post_system_message)
