"""The one clock of deals (offer expiry, review windows, response figures): a seam for tests."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone


def now() -> datetime:
    return timezone.now()
