"""What the per-user moderation page shows (moderation.admin.users): one user's identity,
orders, conversations, flags, reports made and received, strikes, sanctions, appeals and staff
notes. Delivered text only; the email address is shown only after a recorded staff read."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q
from django.utils import timezone

from inbox.models import Conversation
from marketplace.models import Order
from moderation import labels
from moderation.models import (
    Appeal,
    Case,
    Flag,
    FlagReport,
    Sanction,
    StaffNote,
    Strike,
)

SHOWN = 50  # rows per section, newest first


@dataclass(frozen=True)
class ConversationRow:
    conversation: Conversation
    label: str
    flags: int
    counterpart: object  # the other participant (a user), linked to their moderation page


@dataclass(frozen=True)
class UserPage:
    orders: list[Order]
    conversations: list[ConversationRow]
    cases: list[Case]
    flags: list[Flag]
    reports_made: list[FlagReport]
    reports_received: list[FlagReport]
    strikes: list[Strike]
    sanctions: list[Sanction]
    appeals: list[Appeal]
    notes: list[StaffNote]
    now: object


def user_page(user) -> UserPage:
    conversations = (
        Conversation.objects.filter(Q(user_a=user) | Q(user_b=user))
        .select_related(*labels.CONVERSATION_RELATED)
        .order_by("-last_message_at")[:SHOWN]
    )
    conversations = list(conversations)
    flag_counts = dict(
        Flag.objects.filter(
            message__sender=user, message__conversation__in=[c.pk for c in conversations]
        )
        .values_list("message__conversation_id")
        .annotate(total=Count("id"))
        .order_by()
    )
    return UserPage(
        orders=list(
            Order.objects.filter(Q(buyer=user) | Q(seller=user))
            .select_related("buyer", "seller")
            .order_by("-created_at")[:SHOWN]
        ),
        conversations=[
            ConversationRow(
                c,
                labels.conversation_label(c),
                flag_counts.get(c.pk, 0),
                c.user_b if c.user_a_id == user.pk else c.user_a,
            )
            for c in conversations
        ],
        cases=list(
            Case.objects.filter(sender=user)
            .annotate(flag_total=Count("flags"))
            .select_related(*labels.related("conversation"))
            .order_by("-opened_at")[:SHOWN]
        ),
        flags=list(
            Flag.objects.filter(message__sender=user)
            .select_related("message")
            .order_by("-created_at")[:SHOWN]
        ),
        reports_made=list(
            FlagReport.objects.filter(reporter=user)
            .select_related("flag__message__sender")
            .order_by("-created_at")[:SHOWN]
        ),
        reports_received=list(
            FlagReport.objects.filter(flag__message__sender=user)
            .select_related("reporter", "flag")
            .order_by("-created_at")[:SHOWN]
        ),
        strikes=list(
            Strike.objects.filter(user=user)
            .select_related("moderator", "appeal")
            .order_by("-created_at")[:SHOWN]
        ),
        sanctions=list(
            Sanction.objects.filter(user=user)
            .select_related("created_by", "lifted_by")
            .order_by("-starts_at")[:SHOWN]
        ),
        appeals=list(
            Appeal.objects.filter(Q(strike__user=user) | Q(sanction__user=user))
            .select_related("strike", "sanction", "decided_by")
            .order_by("-created_at")[:SHOWN]
        ),
        notes=list(StaffNote.objects.filter(user=user).select_related("author")[:SHOWN]),
        now=timezone.now(),
    )
