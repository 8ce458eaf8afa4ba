"""Recompute every seller's response rate and average first-response time (run hourly).

Pages read the stored ResponseStats row; this job is the only reader of the message log
for these figures, one query per seller (deals.selectors.openings_of).
"""

from __future__ import annotations

from django.core.management.base import BaseCommand

from deals.services import update_all_response_stats


class Command(BaseCommand):
    help = "Recompute sellers' response figures from the last 60 days of messages (run hourly)."

    def handle(self, *args, **options) -> None:
        count = update_all_response_stats()
        self.stdout.write(f"Updated response figures of {count} seller{'s' if count != 1 else ''}.")
