"""Forms of the storefront pages: checkout answers, a gig's questions, FAQ and images, away."""

from __future__ import annotations

from django import forms

from marketplace.checkout import answer_field
from marketplace.file_again import FileAgainMixin
from marketplace.forms import NoColonMixin
from marketplace.gig_content import MAX_FAQ, MAX_QUESTIONS, FaqEntry, QuestionData
from marketplace.models import RequirementQuestion


class CheckoutForm(FileAgainMixin, NoColonMixin, forms.Form):
    """One field per requirement question of the gig (`answer_<id>`)."""

    def __init__(self, *args, questions: list[RequirementQuestion], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for question in questions:
            self.fields[answer_field(question)] = _answer_field(question)

    def texts(self) -> dict[str, str]:
        return {k: v for k, v in self.cleaned_data.items() if isinstance(v, str)}

    def uploads(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if v and not isinstance(v, str)}


def _answer_field(question: RequirementQuestion) -> forms.Field:
    label = question.prompt if question.required else f"{question.prompt} (optional)"
    common = {"label": label, "required": question.required}
    if question.kind == RequirementQuestion.Kind.CHOICE:
        choices = [(choice, choice) for choice in question.choice_list]
        return forms.ChoiceField(choices=choices, widget=forms.RadioSelect, **common)
    if question.kind == RequirementQuestion.Kind.FILE:
        return forms.FileField(help_text="Images, PDF, ZIP or documents.", **common)
    return forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), max_length=2000, **common)


class QuestionForm(NoColonMixin, forms.Form):
    prompt = forms.CharField(max_length=200, label="Question")
    kind = forms.ChoiceField(choices=RequirementQuestion.Kind.choices, label="Answer type")
    choices = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Multiple choice only: one choice a line.",
    )
    required = forms.BooleanField(required=False, initial=True, label="Required")

    def data_or_none(self) -> QuestionData | None:
        if not self.cleaned_data or self.cleaned_data.get("DELETE"):
            return None
        fields = {k: self.cleaned_data[k] for k in ("prompt", "kind", "choices", "required")}
        return QuestionData(**fields)


class FaqForm(NoColonMixin, forms.Form):
    question = forms.CharField(max_length=200)
    answer = forms.CharField(max_length=1000, widget=forms.Textarea(attrs={"rows": 3}))

    def entry_or_none(self) -> FaqEntry | None:
        if not self.cleaned_data or self.cleaned_data.get("DELETE"):
            return None
        return FaqEntry(self.cleaned_data["question"], self.cleaned_data["answer"])


QuestionFormSet = forms.formset_factory(
    QuestionForm, extra=1, max_num=MAX_QUESTIONS, can_delete=True, validate_max=True
)
FaqFormSet = forms.formset_factory(
    FaqForm, extra=1, max_num=MAX_FAQ, can_delete=True, validate_max=True
)


class ImageUploadForm(NoColonMixin, forms.Form):
    image = forms.FileField(label="Add an image", help_text="JPEG, PNG, WebP or GIF, up to 5 MB.")


class AwayForm(NoColonMixin, forms.Form):
    away_until = forms.DateField(
        required=False,
        label="Away until",
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="Leave empty when you are back. Your gigs are hidden from search meanwhile.",
    )
    away_message = forms.CharField(
        required=False,
        max_length=500,
        label="Away reply",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Sent once in each conversation a buyer starts while you are away.",
    )
