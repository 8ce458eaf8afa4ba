"""Seller away periods: stretches of time in which response clocks do not run
(marketplace.availability writes them, deals.selectors reads them)."""

from __future__ import annotations

from django.db import models

from marketplace.models import User


class AwayPeriod(models.Model):
    """A stretch of time a seller was away: response clocks do not run during it."""

    seller = models.ForeignKey(User, on_delete=models.CASCADE, related_name="away_periods")
    started_at = models.DateTimeField()
    ends_at = models.DateTimeField()

    class Meta:
        ordering = ["seller", "started_at"]
        indexes = [models.Index(fields=["seller", "ends_at"])]

    def __str__(self) -> str:
        return f"{self.seller_id} away {self.started_at:%Y-%m-%d}–{self.ends_at:%Y-%m-%d}"
