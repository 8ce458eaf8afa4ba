"""create_gig, update_gig, set_gig_status."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from marketplace import services
from marketplace.models import Gig, Package
from marketplace.services import PackageData
from marketplace.tests.factories import CategoryFactory

BASIC = PackageData(tier="basic", name="Starter", price=Decimal("25"), delivery_days=3, revisions=1)
PREMIUM = PackageData(
    tier="premium", name="Full brand", price=Decimal("180"), delivery_days=10, revisions=5
)


def make_gig(seller, **overrides) -> Gig:
    fields = dict(
        seller=seller,
        title="I will design a minimalist logo",
        description="Clean vector logos.",
        category=CategoryFactory(),
        tags="logo, branding",
        packages=[BASIC],
    )
    return services.create_gig(**{**fields, **overrides})


def test_alice_creates_a_gig_with_a_unique_slug_and_packages(alice):
    first = make_gig(alice, packages=[BASIC, PREMIUM])
    second = make_gig(alice)
    assert (first.slug, second.slug) == (
        "i-will-design-a-minimalist-logo",
        "i-will-design-a-minimalist-logo-2",
    )
    assert sorted(first.packages.values_list("tier", flat=True)) == ["basic", "premium"]
    assert first.status == Gig.Status.ACTIVE


def test_a_buyer_without_a_seller_profile_cannot_create_a_gig(bob):
    with pytest.raises(ValidationError, match="seller profile"):
        make_gig(bob)
    assert not Gig.objects.exists()


def test_the_basic_package_is_required(alice):
    with pytest.raises(ValidationError, match="Basic package"):
        make_gig(alice, packages=[PREMIUM])
    assert not Gig.objects.exists()  # the gig row was rolled back with the packages


def test_a_package_below_the_minimum_price_is_refused(alice):
    cheap = PackageData(
        tier="basic", name="Cheap", price=Decimal("1"), delivery_days=1, revisions=0
    )
    with pytest.raises(ValidationError):
        make_gig(alice, packages=[cheap])
    assert not Gig.objects.exists()


def test_more_than_five_tags_are_refused(alice):
    with pytest.raises(ValidationError, match="at most 5 tags"):
        make_gig(alice, tags="a, b, c, d, e, f")


def test_tags_are_tidied(alice):
    assert make_gig(alice, tags=" logo ,, Branding , ").tags == "logo, Branding"


@pytest.mark.parametrize(
    ("field", "text"),
    [
        ("title", "Logo design, sam@gmail.com"),
        ("description", "WhatsApp +1 415 555 0198"),
        ("tags", "logo, sam@gmail.com"),
    ],
)
def test_gig_texts_with_contact_details_are_refused(alice, field, text):
    with pytest.raises(ValidationError, match="Contact details are not allowed here") as caught:
        make_gig(alice, **{field: text})
    assert field in caught.value.message_dict
    assert not Gig.objects.exists()


def test_a_package_name_with_contact_details_is_refused(alice):
    bad = PackageData(
        tier="basic", name="Call +1 415 555 0198", price=Decimal("25"), delivery_days=3, revisions=1
    )
    with pytest.raises(ValidationError, match="Contact details"):
        make_gig(alice, packages=[bad])
    assert not Gig.objects.exists()


def test_update_keeps_the_slug_and_replaces_packages(alice):
    gig = make_gig(alice, packages=[BASIC, PREMIUM])
    basic_pk = gig.packages.get(tier="basic").pk
    cheaper = PackageData(
        tier="basic", name="Starter", price=Decimal("20"), delivery_days=2, revisions=1
    )
    services.update_gig(
        gig=gig,
        title="I will design a modern logo",
        description="New text.",
        category=gig.category,
        tags="logo",
        packages=[cheaper],
    )
    gig.refresh_from_db()
    assert (gig.title, gig.slug) == (
        "I will design a modern logo",
        "i-will-design-a-minimalist-logo",
    )
    assert list(gig.packages.values_list("pk", "tier", "price")) == [
        (basic_pk, "basic", Decimal("20.00"))
    ]


def test_a_refused_update_changes_nothing(alice):
    gig = make_gig(alice)
    with pytest.raises(ValidationError):
        services.update_gig(
            gig=gig,
            title="New title",
            description="Mail sam@gmail.com",
            category=gig.category,
            tags="",
            packages=[BASIC],
        )
    gig = Gig.objects.get(pk=gig.pk)
    assert gig.title == "I will design a minimalist logo"


def test_pause_and_resume(gig):
    services.set_gig_status(gig=gig, status=Gig.Status.PAUSED)
    assert Gig.objects.get(pk=gig.pk).status == "paused"
    services.set_gig_status(gig=gig, status=Gig.Status.ACTIVE)
    assert Gig.objects.get(pk=gig.pk).status == "active"
    with pytest.raises(ValidationError):
        services.set_gig_status(gig=gig, status="deleted")


def test_packages_are_tiers_of_their_gig(gig):
    assert list(gig.packages.values_list("tier", flat=True)) == [Package.Tier.BASIC]
