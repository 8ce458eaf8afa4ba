"""Files across a refused form: a browser never refills a file input, so a form shown again
after a refusal (contact details in the note, a missing answer) has lost the file the user
chose. `FileAgainMixin` names that file next to its field ("choose mockup.png again") and
refuses the next submit without it, so an optional file is not dropped by a second click.

The names travel in a hidden field of the form (`dropped_files`, JSON {field: file name});
nothing is stored on the server."""

from __future__ import annotations

import json

from django import forms
from django.core.files.uploadedfile import UploadedFile

__all__ = ["DROPPED", "FileAgainMixin"]

DROPPED = "dropped_files"
_MAX_NAME = 100


def _choose_again(name: str) -> str:
    return f"Choose “{name}” again: a form sent back keeps no file."


class FileAgainMixin:
    """For a forms.Form with FileFields: call `note_dropped_files(request.FILES)` before
    showing the bound form again."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields[DROPPED] = forms.CharField(required=False, widget=forms.HiddenInput)

    def _file_fields(self) -> list[str]:
        return [name for name, field in self.fields.items() if isinstance(field, forms.FileField)]

    def dropped(self) -> dict[str, str]:
        """{field: file name} chosen in an earlier, refused submit of this form."""
        try:
            names = json.loads(self.data.get(DROPPED) or "{}")
        except (TypeError, ValueError):
            return {}
        if not isinstance(names, dict):
            return {}
        files = set(self._file_fields())
        return {k: str(v)[:_MAX_NAME] for k, v in names.items() if k in files and v}

    def clean(self) -> dict:
        cleaned = super().clean()
        cleaned.pop(DROPPED, None)  # a hint for the page, not input for the service
        for field, name in self.dropped().items():
            if not cleaned.get(field) and field not in self.errors:
                self.add_error(field, _choose_again(name))
        return cleaned

    def note_dropped_files(self, files: dict[str, UploadedFile]) -> None:
        """The form is shown again: remember the files this submit carried, say so."""
        names = {**self.dropped()}
        for field in self._file_fields():
            upload = files.get(field)
            if upload is not None:
                names[field] = (upload.name or "your file")[:_MAX_NAME]
        if not names:
            return
        self.data = self.data.copy()
        self.data[DROPPED] = json.dumps(names)
        for field, name in names.items():
            if field not in self.errors:
                self.add_error(field, _choose_again(name))
