"""Marketplace test fixtures; the personas, `stella` and alice's logo `gig` are the root
conftest's."""

from __future__ import annotations

import pytest

from marketplace.tests.factories import OrderFactory


@pytest.fixture
def staff(stella):
    """Staff in no group (the root conftest's stella)."""
    return stella


@pytest.fixture
def order(gig, bob):
    """Bob has ordered Alice's logo gig and not sent requirements yet."""
    return OrderFactory(gig=gig, buyer=bob)
