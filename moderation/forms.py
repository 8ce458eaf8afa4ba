"""Forms of moderation: the user's report and appeal, and the moderators' decisions in admin."""

from __future__ import annotations

from django import forms

from moderation.models import Appeal, FlagReport, Sanction, Strike
from moderation.staff_access import (
    SHOWN_TO_USER,
    appeal_rule,
    appeal_validator,
    reason_rule,
    reason_validator,
)

# An empty reason the user would read: the 10-character rule's words, not "This field is required."
USER_REASON_ERRORS = {"required": reason_rule(SHOWN_TO_USER)}


class ReportForm(forms.Form):
    """A participant's report of a message they received (moderation.views.report)."""

    reason = forms.ChoiceField(choices=FlagReport.Reason.choices, widget=forms.RadioSelect)
    note = forms.CharField(
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Optional: what should the moderator know?",
    )


class AppealForm(forms.Form):
    text = forms.CharField(
        label="Why should this strike be removed?",
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=Appeal._meta.get_field("text").max_length,
        validators=[appeal_validator],
        error_messages={"required": appeal_rule()},
    )


class RevealForm(forms.Form):
    reason = forms.CharField(
        label="Why do you need the original text?",
        max_length=1000,
        help_text="Recorded in the staff access log with your name and the time.",
    )


class DismissForm(forms.Form):
    note = forms.CharField(label="Note for moderators (optional)", required=False, max_length=2000)


class ConfirmForm(forms.Form):
    kind = forms.ChoiceField(label="Strike for", choices=Strike.Kind.choices)
    note = forms.CharField(
        label="Note to the user",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text="The user reads this in their inbox, email and account health page.",
        validators=[reason_validator],
        error_messages=USER_REASON_ERRORS,
    )
    decision_note = forms.CharField(
        label="Note for moderators (optional)", required=False, max_length=2000
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text="Shown to the user (10 characters at least).",
        validators=[reason_validator],
        error_messages=USER_REASON_ERRORS,
    )


class AppealDecisionForm(forms.Form):
    # An empty first choice: the moderator picks a decision, none is preselected.
    decision = forms.ChoiceField(
        choices=[
            ("", "Choose a decision…"),
            ("uphold", "Uphold: remove the strike, or lift the sanction"),
            ("reject", "Reject"),
        ]
    )
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text="Shown to the user (10 characters at least).",
        validators=[reason_validator],
        error_messages=USER_REASON_ERRORS,
    )


class UserStrikeForm(forms.Form):
    """A strike from the user's page: no flag needed (behaviour reported outside chat)."""

    kind = forms.ChoiceField(label="Strike for", choices=Strike.Kind.choices)
    note = forms.CharField(
        label="Reason (shown to the user)",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text="The user reads this in their inbox, email and account health page.",
        validators=[reason_validator],
        error_messages=USER_REASON_ERRORS,
    )
    evidence = forms.CharField(
        label="Evidence links (staff only)",
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
        help_text="One link a line: an order, a dispute, a report, a ticket.",
    )


class StaffNoteForm(forms.Form):
    text = forms.CharField(
        label="Staff note",
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
        help_text="Moderators only; kept for good (a correction is a new note).",
    )


class EmailReadForm(forms.Form):
    reason = forms.CharField(
        label="Why do you need the email address?",
        min_length=10,
        max_length=1000,
        help_text="Recorded in the staff access log with your name and the time.",
    )


class UserSanctionForm(forms.Form):
    kind = forms.ChoiceField(choices=Sanction.Kind.choices)
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
        help_text="Shown to the user (10 characters at least).",
        validators=[reason_validator],
        error_messages=USER_REASON_ERRORS,
    )
    ends_at = forms.DateTimeField(
        label="Ends at (UTC)",
        required=False,
        help_text="YYYY-MM-DD HH:MM. Empty: until a moderator lifts it.",
    )


class SanctionForm(UserSanctionForm):
    """The sanction admin's add form: the same terms, for a user named by username."""

    username = forms.CharField(label="User name", max_length=150)
    field_order = ["username", "kind", "reason", "ends_at"]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reason"].widget.attrs["rows"] = 3  # a full page, not the user page's panel


class LiftForm(forms.Form):
    sanction = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
        help_text="Shown to the user (10 characters at least).",
        validators=[reason_validator],
        error_messages=USER_REASON_ERRORS,
    )
