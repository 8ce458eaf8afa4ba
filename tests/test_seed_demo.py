"""`manage.py seed` across the apps: the demo's orders follow their pre-sale chats (marketplace
and inbox), and a second load stores nothing twice, flags included (inbox and moderation).
Moved from marketplace/tests/test_seed_command.py and inbox/tests/test_seeding.py, which may
not import the apps above them."""

from __future__ import annotations

import json
from datetime import timedelta
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db.models import Max
from django.utils import timezone

from inbox.models import Conversation, Message
from inbox.verification import check_conversation, verify_conversation
from marketplace.models import Order
from moderation.models import Flag

pytestmark = pytest.mark.django_db

# Two writes of one seeded step: apart by the time the code between them takes.
SAME_MOMENT = timedelta(seconds=5)


def seed() -> str:
    out = StringIO()
    call_command("seed", stdout=out)
    return out.getvalue()


def inbox_seed_client_ids() -> list[str]:
    data = json.loads((settings.BASE_DIR / "seeds" / "20_inbox.json").read_text())["data"]
    return [m["id"] for c in data["conversations"] for m in c["messages"]]


def test_orders_are_placed_after_their_pre_sale_chat_with_matching_dates():
    """An order the buyer discussed first (a dated chat of seeds/20_inbox.json about its gig)
    is placed after that chat, and its events and conversation carry the order's dates."""
    seed()
    chats = json.loads((settings.BASE_DIR / "seeds" / "20_inbox.json").read_text())["data"][
        "conversations"
    ]
    checked = 0
    for chat in (c for c in chats if c.get("gig") and "days_ago" in c):
        order = (
            Order.objects.filter(buyer__username__in=chat["between"], gig__title=chat["gig"])
            .order_by("pk")
            .first()
        )
        if order is None:
            continue
        chat_ended = Message.objects.filter(
            client_id__in=[m["id"] for m in chat["messages"]]
        ).aggregate(Max("created_at"))
        # Soon after the chat, not days later on the day of seeding.
        assert (
            timedelta(0) < order.created_at - chat_ended["created_at__max"] < timedelta(days=2)
        ), order.reference
        event_times = list(order.events.order_by("pk").values_list("created_at", flat=True))
        assert abs(event_times[0] - order.created_at) < SAME_MOMENT and event_times == sorted(
            event_times
        )
        thread = Conversation.objects.get(order=order)
        system_times = list(
            thread.messages.filter(kind=Message.Kind.SYSTEM)
            .order_by("seq")
            .values_list("created_at", flat=True)
        )
        assert abs(thread.created_at - order.created_at) < SAME_MOMENT, order.reference
        assert all(
            abs(m - e) < SAME_MOMENT for m, e in zip(system_times, event_times, strict=True)
        ), order.reference
        assert check_conversation(thread).intact
        checked += 1
    assert checked >= 3
    assert not Order.objects.filter(created_at__gt=timezone.now()).exists()


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
