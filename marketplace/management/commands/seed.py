"""Load the demo data: every seeds/*.json file, in file-name order, through its loader.

Each file names the function that loads it, so any app can add demo data without touching
this command:

    {"loader": "inbox.seeding.load", "data": {...}}

The loader is called as `load(data, stdout)` inside one transaction per file and may return
demo logins as (username, description) pairs; they are printed at the end (`make run` shows
them). Loaders must be idempotent: running `seed` twice changes nothing.
"""

from __future__ import annotations

import json
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.module_loading import import_string

from marketplace.seeding import DEMO_PASSWORD


class Command(BaseCommand):
    help = "Load demo data from seeds/*.json through the services (idempotent)."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--dir", default=str(settings.BASE_DIR / "seeds"), help="folder of seed files"
        )

    def handle(self, *args, dir: str, **options) -> None:
        files = sorted(Path(dir).glob("*.json"))
        if not files:
            raise CommandError(f"No seed files in {dir}.")
        logins: list[tuple[str, str]] = []
        for path in files:
            spec = json.loads(path.read_text(encoding="utf-8"))
            self.stdout.write(f"Loading {path.name} ({spec['loader']})")
            loader = import_string(spec["loader"])
            with transaction.atomic():
                logins.extend(loader(spec["data"], self.stdout) or [])
        self._print_logins(logins)

    def _print_logins(self, logins: list[tuple[str, str]]) -> None:
        if not logins:
            return
        # Several seed files may describe the same login: one line each, descriptions joined.
        described: dict[str, list[str]] = {}
        for username, description in logins:
            described.setdefault(username, []).append(description)
        self.stdout.write(self.style.SUCCESS(f"\nDemo logins (password for all: {DEMO_PASSWORD}):"))
        width = max(len(username) for username in described)
        for username, descriptions in described.items():
            self.stdout.write(f"  {username.ljust(width)}  {'; '.join(descriptions)}")
