"""Append-only rows (evidence): once inserted, a row is never updated or deleted.

The model refuses `save()` of a stored row and `delete()`; its queryset refuses bulk
`update()` and `delete()`. On PostgreSQL a trigger refuses raw SQL too (core.triggers).
Used by inbox (messages, attachments), moderation (staff access log) and disputes
(entries, notes, head checkpoints).
"""

from __future__ import annotations

from typing import ClassVar

from django.db import models

__all__ = ["AppendOnlyError", "AppendOnlyQuerySet", "AppendOnlyModel"]


class AppendOnlyError(Exception):
    """An attempt to change or remove a stored append-only row."""


class AppendOnlyQuerySet(models.QuerySet):
    """Evidence rows: bulk updates and deletes are refused like single ones."""

    def update(self, **kwargs):
        raise AppendOnlyError(
            f"{self.model.__name__} rows are append-only: they cannot be updated."
        )

    def delete(self):
        raise AppendOnlyError(
            f"{self.model.__name__} rows are append-only: they cannot be deleted."
        )


class AppendOnlyModel(models.Model):
    """A model whose rows are inserted once, then only read.

    `append_only_message` names the rows in the refusal; `{}` becomes "updated" or "deleted".
    """

    append_only_message: ClassVar[str] = "Rows are append-only: they cannot be {}."

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs) -> None:
        if not self._state.adding:
            raise AppendOnlyError(self.append_only_message.format("updated"))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError(self.append_only_message.format("deleted"))
