"""Marketplace forms: they shape and check input; the services decide and write."""

from __future__ import annotations

import contextlib
import zoneinfo
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.forms.utils import ErrorDict

from marketplace.file_again import FileAgainMixin
from marketplace.models import Category, Gig, Package, SellerProfile
from marketplace.selectors import GigFilters, Sort
from marketplace.services import PackageData
from marketplace.time_zones import set_timezone

TIERS = [tier for tier, _ in Package.Tier.choices]


def attach_errors(form: forms.BaseForm, error: ValidationError) -> None:
    """Show a service's ValidationError on the form: on its field when the form has one."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


class NoColonMixin:
    """Labels without the trailing colon Django adds: the layout already separates them."""

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class SellerProfileForm(NoColonMixin, forms.ModelForm):
    class Meta:
        model = SellerProfile
        fields = ["display_name", "bio", "country", "languages", "skills"]
        labels = {"display_name": "Display name", "bio": "About you"}
        widgets = {"bio": forms.Textarea(attrs={"rows": 6})}


class GigForm(NoColonMixin, forms.ModelForm):
    class Meta:
        model = Gig
        fields = ["title", "category", "description", "tags"]
        widgets = {
            "title": forms.TextInput(
                attrs={"placeholder": "I will design a minimalist logo for your brand"}
            ),
            "description": forms.Textarea(attrs={"rows": 8}),
            "tags": forms.TextInput(attrs={"placeholder": "logo, branding, vector"}),
        }


class PackageForm(NoColonMixin, forms.ModelForm):
    """One tier's package. Basic is always offered; standard and premium only when ticked."""

    offered = forms.BooleanField(required=False, label="Offer this package")

    class Meta:
        model = Package
        fields = ["name", "description", "price", "delivery_days", "revisions"]
        labels = {"delivery_days": "Delivery (days)", "price": "Price (USD)"}

    def __init__(self, *args, tier: str, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.tier = tier
        self.tier_label = Package.Tier(tier).label
        if tier == Package.Tier.BASIC:
            del self.fields["offered"]
        elif not self.is_bound:
            self.fields["offered"].initial = bool(self.initial)

    @property
    def is_offered(self) -> bool:
        if self.tier == Package.Tier.BASIC:
            return True
        if self.is_bound:
            return self.fields["offered"].widget.value_from_datadict(
                self.data, self.files, self.add_prefix("offered")
            )
        return bool(self.initial)

    def full_clean(self) -> None:
        # A tier that is not offered is not validated: what is left in its fields is ignored.
        if not self.is_offered:
            self._errors, self.cleaned_data = ErrorDict(), {}
            return
        super().full_clean()

    def package_data(self) -> PackageData | None:
        if not self.is_offered:
            return None
        return PackageData(tier=self.tier, **{k: self.cleaned_data[k] for k in self.Meta.fields})


class BasePackageFormSet(forms.BaseFormSet):
    """Exactly three forms, one per tier in order: basic, standard, premium."""

    def get_form_kwargs(self, index: int) -> dict:
        return {**super().get_form_kwargs(index), "tier": TIERS[index]}

    def package_data(self) -> list[PackageData]:
        return [data for form in self.forms if (data := form.package_data()) is not None]


PackageFormSet = forms.formset_factory(
    PackageForm, formset=BasePackageFormSet, extra=0, min_num=3, max_num=3, validate_max=True
)


def package_formset(*, data=None, gig: Gig | None = None) -> BasePackageFormSet:
    existing = {p.tier: p for p in gig.packages.all()} if gig else {}
    initial = [
        {field: getattr(existing[tier], field) for field in PackageForm.Meta.fields}
        if tier in existing
        else {}
        for tier in TIERS
    ]
    return PackageFormSet(data=data, initial=initial, prefix="packages")


class GigFilterForm(NoColonMixin, forms.Form):
    """The gig list's search box, filters and sort; bad values are dropped, not fatal."""

    q = forms.CharField(required=False, max_length=200, label="Search")
    category = forms.ModelChoiceField(
        queryset=Category.objects.all(),
        required=False,
        to_field_name="slug",
        empty_label="All categories",
    )
    min_price = forms.DecimalField(
        required=False,
        min_value=0,
        decimal_places=2,
        label="Min price",
        widget=forms.NumberInput(attrs={"placeholder": "$"}),
    )
    max_price = forms.DecimalField(
        required=False,
        min_value=0,
        decimal_places=2,
        label="Max price",
        widget=forms.NumberInput(attrs={"placeholder": "$"}),
    )
    max_days = forms.IntegerField(
        required=False,
        min_value=1,
        max_value=90,
        label="Max days",
        widget=forms.NumberInput(attrs={"placeholder": "any"}),
    )
    min_rating = forms.TypedChoiceField(
        choices=[("", "Any rating"), ("4.5", "4.5 and up"), ("4", "4 and up"), ("3", "3 and up")],
        coerce=Decimal,
        empty_value=None,
        required=False,
        label="Rating",
    )
    online = forms.BooleanField(required=False, label="Seller online now")
    exact = forms.BooleanField(required=False, widget=forms.HiddenInput)  # "Search instead for"
    sort = forms.ChoiceField(
        choices=[("", "Default")] + Sort.CHOICES, required=False, label="Sort by"
    )

    def filters(self) -> GigFilters:
        self.is_valid()  # fields with bad values are left out of cleaned_data
        data = self.cleaned_data
        return GigFilters(
            query=data.get("q", ""),
            category=data.get("category"),
            min_price=data.get("min_price"),
            max_price=data.get("max_price"),
            max_days=data.get("max_days"),
            min_rating=data.get("min_rating"),
            online=bool(data.get("online")),
            sort=data.get("sort", ""),
            exact=bool(data.get("exact")),
        )


class RequirementsForm(NoColonMixin, forms.Form):
    requirements = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=5000,
        label="What do you need?",
        help_text="Describe the job: texts, colours, examples you like, deadlines.",
    )


class DeliveryForm(FileAgainMixin, NoColonMixin, forms.Form):
    note = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}), max_length=5000, label="Delivery note"
    )
    file = forms.FileField(
        required=False, help_text="Optional. Images, PDF, ZIP, audio, video or text."
    )


class RevisionForm(NoColonMixin, forms.Form):
    note = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), max_length=5000, label="What should change?"
    )


class CancelForm(NoColonMixin, forms.Form):
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), max_length=5000, label="Reason for cancelling"
    )


def _zone_choices() -> list[tuple[str, str]]:
    names = sorted(zoneinfo.available_timezones() - {"localtime", "Factory"})
    return [(name, name.replace("_", " ")) for name in names]


class TimeZoneForm(NoColonMixin, forms.Form):
    """The account settings page: the zone every page shows times in."""

    timezone = forms.ChoiceField(
        label="Time zone",
        choices=_zone_choices,
        help_text="Dates and times on every page are shown in this zone.",
    )


class SignupTimeZoneForm(forms.Form):
    """Extra sign-up field (allauth's ACCOUNT_SIGNUP_FORM_CLASS): the browser's time zone,
    filled in by static/js/timezone.js. A missing or unknown name leaves the default (UTC)."""

    timezone = forms.CharField(
        required=False,
        max_length=64,
        widget=forms.HiddenInput(attrs={"data-detect-timezone": ""}),
    )

    def signup(self, request, user) -> None:
        name = self.cleaned_data.get("timezone") or ""
        if not name:
            return
        # An unknown zone from the browser: the default stays; the settings page can fix it.
        with contextlib.suppress(ValidationError):
            set_timezone(user=user, name=name)
