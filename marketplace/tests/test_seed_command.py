"""`manage.py seed`: loads seeds/*.json through the services; twice changes nothing."""

from __future__ import annotations

import json
from datetime import timedelta
from io import StringIO

import pytest
from allauth.account.models import EmailAddress
from django.core.management import CommandError, call_command

from marketplace.models import Category, Gig, Order, OrderEvent, Package, SellerProfile, User
from marketplace.roles import DISPUTE_REVIEWERS, MODERATORS
from marketplace.seeding import DEMO_PASSWORD

pytestmark = pytest.mark.django_db

# Two writes of one seeded step: apart by the time the code between them takes.
SAME_MOMENT = timedelta(seconds=5)

MODELS = [User, SellerProfile, Category, Gig, Package, Order, OrderEvent, EmailAddress]


def seed() -> str:
    out = StringIO()
    call_command("seed", stdout=out)
    return out.getvalue()


def counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in MODELS}


def test_seeding_twice_changes_nothing():
    seed()
    first = counts()
    second_output = seed()
    assert counts() == first
    assert "(0 new)" in second_output


def test_the_demo_has_enough_to_look_at():
    seed()
    assert Category.objects.count() >= 5
    assert Gig.objects.count() >= 15
    sellers = SellerProfile.objects.all()
    assert sellers.count() >= 6 and len({p.country.code for p in sellers}) >= 6
    states = set(Order.objects.values_list("status", flat=True))
    assert {"pending_requirements", "in_progress", "delivered", "completed", "cancelled"} <= states
    assert all(gig.packages.filter(tier="basic").exists() for gig in Gig.objects.all())
    assert len(set(User.objects.values_list("timezone", flat=True))) >= 6


def test_the_demo_logins_work_and_are_printed(client):
    output = seed()
    assert f"password for all: {DEMO_PASSWORD}" in output
    login_lines = [line.split()[0] for line in output.splitlines() if line.startswith("  ")]
    for username in ("buyer", "seller", "moderator", "reviewer", "admin"):
        assert login_lines.count(username) == 1, f"{username} is listed once"
        response = client.post("/accounts/login/", {"login": username, "password": DEMO_PASSWORD})
        assert response.status_code == 302 and "_auth_user_id" in client.session, username
        client.post("/accounts/logout/")
        assert EmailAddress.objects.get(user__username=username).verified
    assert User.objects.get(username="moderator").groups.filter(name=MODERATORS).exists()
    assert User.objects.get(username="reviewer").groups.filter(name=DISPUTE_REVIEWERS).exists()
    assert User.objects.get(username="moderator").is_staff
    assert User.objects.get(username="admin").is_superuser
    assert User.objects.get(username="seller").is_seller


def test_orders_were_walked_through_the_services():
    seed()
    completed = Order.objects.filter(status="completed").first()
    kinds = list(completed.events.values_list("kind", flat=True))
    assert kinds == ["placed", "requirements_sent", "delivered", "completed"]


def test_each_file_names_its_loader(tmp_path):
    (tmp_path / "20_extra.json").write_text(
        json.dumps(
            {"loader": "marketplace.tests.test_seed_command.sample_loader", "data": {"name": "x"}}
        )
    )
    out = StringIO()
    call_command("seed", dir=str(tmp_path), stdout=out)
    assert "sample loader got x" in out.getvalue() and "  zed  " in out.getvalue()


def test_an_empty_folder_is_an_error(tmp_path):
    with pytest.raises(CommandError, match="No seed files"):
        call_command("seed", dir=str(tmp_path))


def sample_loader(data, stdout):
    stdout.write(f"sample loader got {data['name']}\n")
    return [("zed", "a demo login from another app")]
