"""A staff member who is not a party downloads an inbox attachment: only through a flag, a
report or a dispute that holds its message (the staff evidence sources of inbox.extensions),
with a reason of their own, recorded before the bytes go out (the staff read recorders).
Any other staff member gets the same 404 as an outsider.
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from config.security import refused
from inbox.extensions import record_staff_read, staff_evidence_references
from inbox.files import content_disposition
from inbox.models import Attachment

__all__ = ["staff_download", "file_response"]


class StaffReadForm(forms.Form):
    reference = forms.ChoiceField(label="Through", choices=[])
    reason = forms.CharField(
        label="Why do you download this file?",
        max_length=500,
        help_text="Kept in the staff access log with your name and the time (10 characters at "
        "least).",
    )

    def __init__(self, *args, references: list[str], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reference"].choices = [(ref, ref) for ref in references]


def file_response(item: Attachment) -> FileResponse:
    response = FileResponse(
        item.file.open("rb"), content_type=item.content_type or "application/octet-stream"
    )
    response["Content-Disposition"] = content_disposition(item.name)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Length"] = str(item.size)
    return response


def staff_download(request: HttpRequest, item: Attachment) -> HttpResponse:
    """GET: the reason form; POST: record, then the file."""
    references = staff_evidence_references(staff=request.user, message=item.message)
    if not references:
        refused("attachment", item.pk)
        raise Http404("No such file.")
    form = StaffReadForm(request.POST or None, references=references)
    if request.method == "POST" and form.is_valid():
        try:
            record_staff_read(
                staff=request.user,
                message=item.message,
                reason=form.cleaned_data["reason"],
                reference=f"{form.cleaned_data['reference']} attachment:{item.pk}",
                action="attachment",
            )
        except ValidationError as error:
            form.add_error("reason", ValidationError(error.messages))
        else:
            return file_response(item)
    response = render(
        request,
        "staff_read.html",
        {"form": form, "what": f"the file {item.name}", "button": "Record and download"},
        status=400 if form.errors else 200,
    )
    response["Cache-Control"] = "no-store"
    return response
