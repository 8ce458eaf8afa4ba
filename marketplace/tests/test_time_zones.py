"""Time zones: taken from the browser at sign-up, editable (IANA names only) in settings, and
active for every page the user reads (marketplace/time_zones.py)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.utils import timezone

from marketplace.models import User
from marketplace.tests.factories import OrderFactory, SellerFactory, UserFactory

pytestmark = pytest.mark.django_db

SIGNUP = {"email": "erin@example.com", "username": "erin", "password1": "a-long-passphrase-9"}


def sign_up(client, **extra):
    return client.post("/accounts/signup/", {**SIGNUP, "password2": SIGNUP["password1"], **extra})


def test_sign_up_keeps_the_browsers_time_zone(client):
    assert sign_up(client, timezone="America/New_York").status_code == 302
    assert User.objects.get(username="erin").timezone == "America/New_York"


@pytest.mark.parametrize("sent", ["", "Mars/Olympus_Mons", "<script>"])
def test_sign_up_without_a_known_zone_keeps_utc(client, sent):
    assert sign_up(client, timezone=sent).status_code == 302
    assert User.objects.get(username="erin").timezone == "UTC"


def test_the_settings_page_changes_the_zone_and_refuses_unknown_names(client):
    user = UserFactory(timezone="UTC")
    client.force_login(user)
    page = client.get("/account/settings/")
    assert page.status_code == 200 and b"Time zone" in page.content
    response = client.post("/account/settings/", {"timezone": "Asia/Tokyo"})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.timezone == "Asia/Tokyo"
    refused = client.post("/account/settings/", {"timezone": "Asia/Atlantis"})
    assert refused.status_code == 200 and b"errorlist" in refused.content
    user.refresh_from_db()
    assert user.timezone == "Asia/Tokyo"


def test_the_seller_dashboard_shows_due_times_in_the_viewers_zone(client):
    alice = SellerFactory(username="alice", timezone="Asia/Kolkata")
    order = OrderFactory(gig__seller=alice, status="in_progress")
    due = datetime(2026, 12, 8, 13, 0, tzinfo=UTC)
    type(order).objects.filter(pk=order.pk).update(due_at=due)
    client.force_login(alice)
    html = client.get("/seller/dashboard/").content.decode()
    assert "Dec 8, 18:30" in html and "Dec 8, 13:00" not in html
    assert timezone.get_current_timezone_name() == "UTC"  # the request's zone did not leak
