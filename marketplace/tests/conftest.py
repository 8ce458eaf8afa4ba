"""Personas for marketplace tests: alice sells, bob buys from her, charlie is a stranger."""

from __future__ import annotations

import pytest

from marketplace.tests.factories import GigFactory, OrderFactory, UserFactory


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    """Hashing with the production hasher costs ~0.2 s per user; these tests make many users."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]




@pytest.fixture
def staff(db):
    return UserFactory(username="stella", email="stella@example.com", is_staff=True)


@pytest.fixture
def gig(alice):
    return GigFactory(seller=alice, title="I will design a minimalist logo", slug="minimalist-logo")


@pytest.fixture
def order(gig, bob):
    """Bob has ordered Alice's logo gig and not sent requirements yet."""
    return OrderFactory(gig=gig, buyer=bob)

