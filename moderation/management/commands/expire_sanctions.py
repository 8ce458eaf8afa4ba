"""End sanctions whose time has passed: mark them, tell each user, refresh their fields.

Sanctions already stop at their end (every check compares the time); run this every few
minutes (cron, a systemd timer) so users hear that it ended and the state stays tidy.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand

from moderation.services import expire_sanctions


class Command(BaseCommand):
    help = "Close sanctions whose end date has passed and notify their users."

    def handle(self, *args, **options) -> None:
        ended = expire_sanctions()
        self.stdout.write(f"{ended} sanction(s) ended.")
