"""Mark pending custom offers past their expiry as expired (run every few minutes).

Accepting an offer checks the clock itself, so a late run never lets an expired offer
through: this job only writes the state down and tells both sides in the thread.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand

from deals.services import expire_offers


class Command(BaseCommand):
    help = "Mark pending custom offers past their expiry as expired."

    def handle(self, *args, **options) -> None:
        count = expire_offers()
        self.stdout.write(f"Expired {count} offer{'s' if count != 1 else ''}.")
