"""Sign the head of every conversation whose head moved since its last checkpoint (daily:
deploy/systemd/gigbox-checkpoint-heads.timer). Exit 1 when a chain did not verify."""

from __future__ import annotations

import logging

from django.core.management.base import BaseCommand, CommandError, CommandParser

from disputes.checkpoints import BATCH, checkpoint_moved_heads
from disputes.export import ExportRefused, export_key

logger = logging.getLogger("disputes.checkpoints")


class Command(BaseCommand):
    help = (
        "Sign a head checkpoint for each conversation whose head moved since its last one. "
        "Safe to run twice."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--batch-size",
            type=int,
            default=BATCH,
            help=f"conversations per query (default {BATCH})",
        )

    def handle(self, *args, batch_size: int, **options) -> None:
        try:
            key = export_key()
        except ExportRefused as error:
            raise CommandError(f"No checkpoint signed: {error}") from None
        run = checkpoint_moved_heads(key=key, batch_size=max(batch_size, 1))
        # The total goes to the journal, outside the database: a total lower than the day
        # before means checkpoint rows were deleted past the append-only guard.
        summary = (
            f"checkpoint_heads: {run.written} signed, {run.already_signed} already signed, "
            f"{len(run.refused)} refused; {run.total} checkpoints in all (key {key.key_id})"
        )
        logger.info(summary)
        self.stdout.write(summary)
        for status in run.refused:
            self.stdout.write(f"conversation {status.conversation_id}: {status.describe()}")
        if run.refused:
            raise CommandError(
                f"{len(run.refused)} conversations not checkpointed: their chain does not verify.",
                returncode=1,
            )
