"""Marketplace admin pages load for staff, with orders read-only."""

from __future__ import annotations

import pytest

from marketplace import services
from marketplace.tests.factories import UserFactory


@pytest.fixture
def admin_client(client, db):
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    return client


@pytest.mark.parametrize("model", ["user", "sellerprofile", "category", "gig", "order"])
def test_changelists_load_and_search(admin_client, order, model):
    response = admin_client.get(f"/admin/marketplace/{model}/", {"q": "alice"})
    assert response.status_code == 200


def test_gig_page_has_its_packages_inline(admin_client, gig):
    html = admin_client.get(f"/admin/marketplace/gig/{gig.pk}/change/").content.decode()
    assert "packages-TOTAL_FORMS" in html


def test_order_page_is_read_only_with_its_timeline(admin_client, order, bob):
    services.cancel_order(order=order, actor=bob, reason="Wrong package <b>oops</b>")
    html = admin_client.get(f"/admin/marketplace/order/{order.pk}/change/").content.decode()
    assert 'name="status"' not in html  # no editable status field
    assert "Wrong package &lt;b&gt;oops&lt;/b&gt;" in html
    assert admin_client.get("/admin/marketplace/order/add/").status_code == 403


def test_non_staff_are_sent_to_the_admin_login(client, bob):
    client.force_login(bob)
    assert client.get("/admin/marketplace/order/").status_code == 302
