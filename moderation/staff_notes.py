"""Staff notes on a user: append-only (StaffNote), written by moderators on the user's page."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from moderation.models import StaffNote
from moderation.staff_access import is_active_staff


@transaction.atomic
def add_staff_note(*, user, author, text: str) -> StaffNote:
    if not (is_active_staff(author) and author.has_perm("moderation.add_staffnote")):
        raise PermissionDenied(f"{author} lacks moderation.add_staffnote.")
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": "Write the note."})
    note = StaffNote(user=user, author=author, text=text)
    note.full_clean()
    note.save()
    return note
