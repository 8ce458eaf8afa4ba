"""Deals forms: they shape and check input; deals.services decides and writes."""

from __future__ import annotations

from decimal import Decimal

from django import forms

from deals.models import MAX_PRICE, MIN_PRICE, Review, SavedReply
from deals.services import MAX_EXPIRY_DAYS, MAX_MILESTONES, MILESTONE_TITLE_CHARS, MilestoneData
from marketplace.forms import NoColonMixin
from marketplace.models import Gig
from marketplace.selectors import seller_gigs

MILESTONE_ROWS = range(1, MAX_MILESTONES + 1)


class OfferForm(NoColonMixin, forms.Form):
    gig = forms.ModelChoiceField(queryset=Gig.objects.none(), label="Gig", empty_label=None)
    description = forms.CharField(
        max_length=2000, widget=forms.Textarea(attrs={"rows": 4}), label="What you will deliver"
    )
    price = forms.DecimalField(
        min_value=MIN_PRICE, max_value=MAX_PRICE, decimal_places=2, label="Price (USD)"
    )
    delivery_days = forms.IntegerField(min_value=1, max_value=90, label="Delivery (days)")
    revisions = forms.IntegerField(min_value=0, max_value=20, initial=1, label="Revisions")
    expires_in_days = forms.IntegerField(
        min_value=1, max_value=MAX_EXPIRY_DAYS, initial=3, label="Offer open for (days)"
    )

    def __init__(self, *args, seller, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["gig"].queryset = (
            seller_gigs(seller=seller).filter(status=Gig.Status.ACTIVE).order_by("title")
        )
        for n in MILESTONE_ROWS:
            self.fields[f"milestone_{n}_title"] = forms.CharField(
                max_length=MILESTONE_TITLE_CHARS, required=False, label=f"Milestone {n}"
            )
            self.fields[f"milestone_{n}_amount"] = forms.DecimalField(
                min_value=Decimal("0.01"), decimal_places=2, required=False, label="Amount (USD)"
            )
            self.fields[f"milestone_{n}_due_days"] = forms.IntegerField(
                min_value=1, max_value=90, required=False, label="Due on day"
            )

    def milestone_rows(self) -> list[tuple[forms.BoundField, forms.BoundField, forms.BoundField]]:
        return [
            (
                self[f"milestone_{n}_title"],
                self[f"milestone_{n}_amount"],
                self[f"milestone_{n}_due_days"],
            )
            for n in MILESTONE_ROWS
        ]

    def clean(self) -> dict:
        data = super().clean()
        milestones = []
        for n in MILESTONE_ROWS:
            row = [data.get(f"milestone_{n}_{part}") for part in ("title", "amount", "due_days")]
            if all(value in (None, "") for value in row):
                continue
            if any(value in (None, "") for value in row):
                self.add_error(
                    f"milestone_{n}_title", f"Milestone {n} needs a title, an amount and a due day."
                )
                continue
            milestones.append(MilestoneData(title=row[0], amount=row[1], due_days=row[2]))
        data["milestones"] = milestones
        return data

    def service_arguments(self) -> dict:
        data = self.cleaned_data
        names = (
            "gig",
            "description",
            "price",
            "delivery_days",
            "revisions",
            "expires_in_days",
            "milestones",
        )
        return {name: data[name] for name in names}


class ReviewForm(NoColonMixin, forms.ModelForm):
    rating = forms.TypedChoiceField(
        choices=[(n, f"{n} star{'s' if n > 1 else ''}") for n in range(5, 0, -1)],
        coerce=int,
        widget=forms.RadioSelect,
    )

    class Meta:
        model = Review
        fields = ["rating", "text"]
        labels = {"text": "Your review"}
        widgets = {"text": forms.Textarea(attrs={"rows": 4})}


class SavedReplyForm(NoColonMixin, forms.ModelForm):
    class Meta:
        model = SavedReply
        fields = ["title", "body"]
        labels = {"body": "Text"}
        widgets = {"body": forms.Textarea(attrs={"rows": 5})}
