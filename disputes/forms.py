"""Forms of the dispute pages (parties) and of the case file (reviewers).

They check shape only; the rules (who, when, contact details, files) are the services'.
"""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile

from disputes.models import Dispute, Outcome
from disputes.services import require_reason
from inbox.checks import AttachmentUpload
from marketplace.forms import NoColonMixin


def upload_of(file: UploadedFile | None) -> AttachmentUpload | None:
    """An uploaded file as the inbox's file check takes it (read up to one byte over the limit,
    so an oversized file is refused without being read whole)."""
    if file is None:
        return None
    return AttachmentUpload(
        name=file.name or "", content=file.read(settings.GIGBOX_ATTACHMENT_MAX_BYTES + 1)
    )


def _file_field() -> forms.FileField:
    return forms.FileField(
        label="File (optional)",
        required=False,
        help_text="Screenshots, PDFs, documents or plain text, up to 25 MB. No contact details.",
    )


class EntryForm(NoColonMixin, forms.Form):
    body = forms.CharField(
        label="Your message", max_length=5000, widget=forms.Textarea(attrs={"rows": 4})
    )
    file = _file_field()


class OpenDisputeForm(NoColonMixin, forms.Form):
    reason = forms.ChoiceField(choices=Dispute.Reason.choices)
    requested_outcome = forms.ChoiceField(
        label="What do you want to happen?", choices=Outcome.choices
    )
    refund_percent = forms.IntegerField(
        label="Refund percentage (for a partial refund)", min_value=1, max_value=99, required=False
    )
    extra_days = forms.IntegerField(
        label="Extra days (for more time)", min_value=1, max_value=30, required=False
    )
    body = forms.CharField(
        label="What happened?",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="Both the other party and the Gigbox reviewer read this. No contact details.",
    )
    file = _file_field()


def _staff_reason(value: str) -> str:
    """A staff read's reason, checked as the access log checks it (10 characters at least)."""
    try:
        return require_reason(value)
    except ValidationError as error:
        raise ValidationError(error.messages) from None


class CaseFileReasonForm(forms.Form):
    reason = forms.CharField(
        label="Why do you open this case file?",
        max_length=500,
        help_text="Kept in the staff access log with your name, once for this session, "
        'e.g. "assigned to me: deciding the refund".',
    )

    def clean_reason(self) -> str:
        return _staff_reason(self.cleaned_data["reason"])


class NoteForm(forms.Form):
    body = forms.CharField(
        label="Internal note (staff only)",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ResolveForm(forms.Form):
    # An empty first choice: the reviewer picks a decision, none is preselected.
    resolution = forms.ChoiceField(choices=[("", "Choose a decision…"), *Outcome.choices])
    refund_percent = forms.IntegerField(
        label="Refund % (partial refund)", min_value=1, max_value=99, required=False
    )
    extra_days = forms.IntegerField(
        label="Extra days (more time)", min_value=1, max_value=30, required=False
    )
    note = forms.CharField(
        label="Note to both parties",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Posted as a system message in the order's conversation.",
    )
    # Set by the confirmation page: the first POST only shows what the decision will do.
    confirmed = forms.BooleanField(required=False, widget=forms.HiddenInput)


def asked_terms(dispute: Dispute) -> dict[str, int]:
    """The resolve form's first values: the percentage or the days the opener asked for."""
    asked = {
        "refund_percent": dispute.requested_refund_percent,
        "extra_days": dispute.requested_extra_days,
    }
    return {name: value for name, value in asked.items() if value}


class ExportForm(forms.Form):
    FORMATS = [("json", "Signed JSON (verifiable)"), ("html", "Printable page")]

    conversation = forms.TypedChoiceField(coerce=int, choices=[])
    output = forms.ChoiceField(label="Format", choices=FORMATS)
    reason = forms.CharField(
        label="Reason for the export",
        max_length=500,
        help_text=(
            'Kept in the staff access log with your name, e.g. "evidence for the payment provider".'
        ),
    )

    def clean_reason(self) -> str:
        return _staff_reason(self.cleaned_data["reason"])

    def __init__(self, *args, conversations: list, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["conversation"].choices = [
            (c.pk, f"{label} (conversation {c.pk})") for label, c in conversations
        ]
