"""Cancel, with a full refund, the orders of sellers still suspended three days after their
buyers were told (marketplace.seller_suspension; docs/moderation.md).

Run it hourly (cron or a systemd timer, see README); running it more often or twice is harmless.
"""

from django.core.management.base import BaseCommand

from marketplace.seller_suspension import cancel_orders_of_suspended_sellers


class Command(BaseCommand):
    help = "Cancel and refund the undelivered orders of sellers suspended for three days."

    def handle(self, *args, **options) -> None:
        count = cancel_orders_of_suspended_sellers()
        self.stdout.write(
            f"Cancelled {count} order{'' if count == 1 else 's'} of suspended sellers."
        )
