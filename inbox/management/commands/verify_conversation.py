"""Recompute conversations' hash chains and check their signed head checkpoints; exit 1
naming the first bad seq (or the contradicted checkpoint) of each broken one."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError, CommandParser

from inbox.models import Conversation
from inbox.verification import check_conversation


class Command(BaseCommand):
    help = "Verify the hash chain of conversations (IDs, or --all). Exit 0 when all are intact."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("ids", nargs="*", type=int, help="conversation ids")
        parser.add_argument("--all", action="store_true", help="verify every conversation")

    def handle(self, *args, ids: list[int], all: bool, **options) -> None:
        if not ids and not all:
            raise CommandError("Name conversation ids, or pass --all.")
        conversations = Conversation.objects.order_by("pk")
        if not all:
            conversations = conversations.filter(pk__in=ids)
            missing = set(ids) - set(conversations.values_list("pk", flat=True))
            if missing:
                raise CommandError(
                    f"No conversation with id {', '.join(map(str, sorted(missing)))}."
                )
        broken = 0
        checked = 0
        for conversation in conversations.iterator():
            checked += 1
            status = check_conversation(conversation)
            if status.intact:
                plural = "s" if status.checkpoints != 1 else ""
                anchors = f"{status.checkpoints} signed checkpoint{plural} hold"
                self.stdout.write(
                    f"conversation {conversation.pk}: ok ({status.head_seq} messages); {anchors}"
                )
            else:
                broken += 1
                self.stdout.write(f"conversation {conversation.pk}: {status.describe()}")
        if broken:
            raise CommandError(
                f"{broken} of {checked} conversations failed verification.", returncode=1
            )
        self.stdout.write(self.style.SUCCESS(f"{checked} conversations verified."))
