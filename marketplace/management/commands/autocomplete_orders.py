"""Complete orders whose delivery the buyer has not answered within GIGBOX_AUTO_COMPLETE_DAYS.

Run it hourly (cron or a systemd timer, see README); running it more often or twice is harmless.
"""

from django.core.management.base import BaseCommand

from marketplace.services import auto_complete_orders


class Command(BaseCommand):
    help = (
        "Complete delivered orders the buyer has not answered for GIGBOX_AUTO_COMPLETE_DAYS days."
    )

    def handle(self, *args, **options) -> None:
        count = auto_complete_orders()
        self.stdout.write(f"Auto-completed {count} delivered order{'' if count == 1 else 's'}.")
