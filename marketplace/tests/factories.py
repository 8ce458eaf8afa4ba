"""factory-boy factories for marketplace models; other apps' tests import these.

They write rows directly (no services) so a test can set up any state in one line; tests of
the services themselves call the services.
"""

from __future__ import annotations

from decimal import Decimal

import factory
from allauth.account.models import EmailAddress
from factory.django import DjangoModelFactory

from marketplace.models import Category, Gig, Order, Package, SellerProfile, User

PASSWORD = "correct-horse-battery"


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    timezone = "Europe/Berlin"
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def verified_email(obj, create, extracted, **kwargs):
        """A verified primary address, as after the confirmation link (pass False to skip)."""
        if create and extracted is not False:
            obj.save()
            EmailAddress.objects.get_or_create(
                user=obj, email=obj.email, defaults={"verified": True, "primary": True}
            )


class SellerProfileFactory(DjangoModelFactory):
    class Meta:
        model = SellerProfile

    user = factory.SubFactory(UserFactory)
    display_name = factory.LazyAttribute(lambda p: f"{p.user.username.title()} Studio")
    bio = "Designer and developer with ten years of client work."
    country = "DE"
    languages = "English, German"
    skills = "Logo design, Branding"


class SellerFactory(UserFactory):
    """A user with a seller profile."""

    profile = factory.RelatedFactory(SellerProfileFactory, factory_related_name="user")


class CategoryFactory(DjangoModelFactory):
    class Meta:
        model = Category
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Category {n}")
    slug = factory.Sequence(lambda n: f"category-{n}")


class PackageFactory(DjangoModelFactory):
    class Meta:
        model = Package

    gig = factory.SubFactory("marketplace.tests.factories.GigFactory", basic_package=None)
    tier = Package.Tier.BASIC
    name = factory.LazyAttribute(lambda p: p.tier.title() if isinstance(p.tier, str) else "Basic")
    description = "One concept, source file included."
    price = Decimal("25.00")
    delivery_days = 3
    revisions = 1


class GigFactory(DjangoModelFactory):
    """An active gig with a Basic package ($25, 3 days, 1 revision)."""

    class Meta:
        model = Gig
        skip_postgeneration_save = True

    seller = factory.SubFactory(SellerFactory)
    title = factory.Sequence(lambda n: f"I will design a minimalist logo {n}")
    slug = factory.Sequence(lambda n: f"gig-{n}")
    description = "A clean, modern logo for your business, with source files."
    category = factory.SubFactory(CategoryFactory)
    tags = "logo, branding"
    status = Gig.Status.ACTIVE
    basic_package = factory.RelatedFactory(PackageFactory, factory_related_name="gig")


class OrderFactory(DjangoModelFactory):
    """A pending-requirements order of a gig's Basic package, terms copied as place_order does."""

    class Meta:
        model = Order

    buyer = factory.SubFactory(UserFactory)
    gig = factory.SubFactory(GigFactory)
    seller = factory.LazyAttribute(lambda o: o.gig.seller)
    package = factory.LazyAttribute(lambda o: o.gig.packages.order_by("price").first())
    title = factory.LazyAttribute(lambda o: o.gig.title)
    tier = factory.LazyAttribute(lambda o: o.package.tier)
    price = factory.LazyAttribute(lambda o: o.package.price)
    delivery_days = factory.LazyAttribute(lambda o: o.package.delivery_days)
    revisions_included = factory.LazyAttribute(lambda o: o.package.revisions)
    status = Order.Status.PENDING_REQUIREMENTS
