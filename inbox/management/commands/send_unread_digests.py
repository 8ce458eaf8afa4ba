"""Email digests of unread messages to people who were offline (run every 5 minutes)."""

from datetime import timedelta

from django.core.management.base import BaseCommand, CommandParser

from inbox.digests import send_unread_digests


class Command(BaseCommand):
    help = (
        "Email each offline user one digest per conversation with unread messages "
        "older than --minutes."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--minutes", type=int, default=10, help="How old the oldest unread message must be."
        )

    def handle(self, *args, minutes: int, **options) -> None:
        sent = send_unread_digests(older_than=timedelta(minutes=max(minutes, 0)))
        self.stdout.write(f"{sent} digest email(s) sent.")
