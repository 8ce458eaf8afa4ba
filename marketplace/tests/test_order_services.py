"""Order services: each step from the table, its event, and refusals that change nothing."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from marketplace import services
from marketplace.models import Gig, Order, OrderEvent, Package
from marketplace.order_flow import OrderTransitionError
from marketplace.tests.factories import GigFactory, OrderFactory, PackageFactory

S = Order.Status
PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 64


def events(order: Order) -> list[str]:
    return list(order.events.values_list("kind", flat=True))


def in_progress(order: Order, bob) -> Order:
    return services.submit_requirements(
        order=order, actor=bob, requirements="Logo for Bob's Bakery, warm colours."
    )


def delivered(order: Order, alice, bob) -> Order:
    in_progress(order, bob)
    services.deliver_order(order=order, actor=alice, note="Three concepts attached.")
    return order


# place_order -------------------------------------------------------------------------------


def test_bob_orders_a_package_and_the_terms_are_copied(gig, bob):
    standard = PackageFactory(
        gig=gig, tier=Package.Tier.STANDARD, price=Decimal("60"), delivery_days=5, revisions=3
    )
    order = services.place_order(buyer=bob, package=standard)
    assert (order.status, order.buyer, order.seller) == (S.PENDING_REQUIREMENTS, bob, gig.seller)
    assert (order.price, order.delivery_days, order.revisions_included, order.tier) == (
        Decimal("60.00"),
        5,
        3,
        "standard",
    )
    assert events(order) == [OrderEvent.Kind.PLACED]
    assert "simulated payment" in order.events.get().note
    standard.price = Decimal("99")
    standard.save()
    order.refresh_from_db()
    assert order.price == Decimal("60.00")


def test_alice_cannot_order_her_own_gig(gig, alice):
    with pytest.raises(OrderTransitionError, match="own gig"):
        services.place_order(buyer=alice, package=gig.packages.get())
    assert not Order.objects.exists()


def test_a_paused_gig_cannot_be_ordered(gig, bob):
    services.set_gig_status(gig=gig, status=Gig.Status.PAUSED)
    with pytest.raises(OrderTransitionError, match="not available"):
        services.place_order(buyer=bob, package=gig.packages.get())
    assert not Order.objects.exists()


# submit_requirements -----------------------------------------------------------------------


def test_requirements_start_the_clock(order, bob):
    services.submit_requirements(order=order, actor=bob, requirements="  A logo for a bakery.  ")
    order.refresh_from_db()
    assert order.status == S.IN_PROGRESS
    assert order.requirements == "A logo for a bakery."
    assert order.due_at - order.started_at == timedelta(days=order.delivery_days)
    assert events(order) == [OrderEvent.Kind.REQUIREMENTS_SENT]


def test_empty_requirements_are_refused(order, bob):
    with pytest.raises(ValidationError):
        services.submit_requirements(order=order, actor=bob, requirements="   ")
    order.refresh_from_db()
    assert order.status == S.PENDING_REQUIREMENTS and not order.events.exists()


def test_requirements_with_contact_details_are_refused(order, bob):
    with pytest.raises(ValidationError, match="Contact details are not allowed here"):
        services.submit_requirements(
            order=order, actor=bob, requirements="mail me at sam@gmail.com"
        )
    order.refresh_from_db()
    assert order.status == S.PENDING_REQUIREMENTS and order.requirements == ""
    assert not order.events.exists()


def test_the_seller_cannot_send_requirements(order, alice):
    with pytest.raises(OrderTransitionError, match="Only the buyer"):
        services.submit_requirements(order=order, actor=alice, requirements="x")


# deliver_order -----------------------------------------------------------------------------


def test_alice_delivers_with_a_file_stored_under_a_server_name(order, alice, bob):
    in_progress(order, bob)
    upload = SimpleUploadedFile("../../etc/Final logo.png", PNG, content_type="text/html")
    delivery = services.deliver_order(order=order, actor=alice, note="Here it is.", file=upload)
    order.refresh_from_db()
    assert order.status == S.DELIVERED and order.delivered_at is not None
    assert delivery.file_name == "Final_logo.png"
    assert delivery.content_type == "image/png"  # judged by content, not by what the browser said
    assert "Final" not in delivery.file.name and delivery.file.name.startswith(
        f"deliveries/{order.pk}/"
    )
    assert delivery.file.read() == PNG
    assert events(order)[-1] == OrderEvent.Kind.DELIVERED


def test_a_file_whose_content_is_not_accepted_is_refused(order, alice, bob):
    in_progress(order, bob)
    upload = SimpleUploadedFile("logo.png", b"MZ\x90\x00\x03" + b"\x00\xff" * 50)
    with pytest.raises(ValidationError, match="file type is not accepted"):
        services.deliver_order(order=order, actor=alice, note="Here.", file=upload)
    order.refresh_from_db()
    assert order.status == S.IN_PROGRESS and not order.deliveries.exists()


def test_a_plain_text_file_is_accepted(order, alice, bob):
    in_progress(order, bob)
    upload = SimpleUploadedFile("notes.md", b"# Brand notes\nUse green.")
    delivery = services.deliver_order(order=order, actor=alice, note="Notes.", file=upload)
    assert (delivery.file_name, delivery.content_type) == ("notes.md", "text/plain")


def test_a_file_over_the_limit_is_refused(order, alice, bob, settings):
    settings.GIGBOX_DELIVERY_MAX_BYTES = 10
    in_progress(order, bob)
    with pytest.raises(ValidationError, match="too large"):
        services.deliver_order(
            order=order, actor=alice, note="x", file=SimpleUploadedFile("a.png", PNG)
        )
    assert not order.deliveries.exists()


def test_a_file_name_with_contact_details_is_refused(order, alice, bob):
    in_progress(order, bob)
    upload = SimpleUploadedFile("sam@gmail.com.png", PNG)
    with pytest.raises(ValidationError, match="Contact details"):
        services.deliver_order(order=order, actor=alice, note="Logo", file=upload)
    assert not order.deliveries.exists()


def test_a_delivery_note_with_contact_details_is_refused_and_no_file_is_kept(
    order, alice, bob, settings
):
    in_progress(order, bob)
    upload = SimpleUploadedFile("logo.png", PNG)
    with pytest.raises(ValidationError, match="Contact details"):
        services.deliver_order(order=order, actor=alice, note="call +1 415 555 0198", file=upload)
    order.refresh_from_db()
    assert order.status == S.IN_PROGRESS and not order.deliveries.exists()
    media = settings.MEDIA_ROOT / "deliveries"
    assert not media.exists() or not any(media.rglob("*"))


def test_the_buyer_cannot_deliver(order, bob):
    in_progress(order, bob)
    with pytest.raises(OrderTransitionError):
        services.deliver_order(order=order, actor=bob, note="x")


def test_nobody_delivers_before_requirements(order, alice):
    with pytest.raises(OrderTransitionError, match="pending requirements"):
        services.deliver_order(order=order, actor=alice, note="x")
    assert not order.deliveries.exists()


# accept / revision -------------------------------------------------------------------------


def test_bob_accepts_and_the_order_is_completed(order, alice, bob):
    delivered(order, alice, bob)
    services.accept_delivery(order=order, actor=bob)
    order.refresh_from_db()
    assert order.status == S.COMPLETED and order.closed_at is not None
    assert events(order)[-1] == OrderEvent.Kind.COMPLETED


def test_the_seller_cannot_accept(order, alice, bob):
    delivered(order, alice, bob)
    with pytest.raises(OrderTransitionError):
        services.accept_delivery(order=order, actor=alice)
    order.refresh_from_db()
    assert order.status == S.DELIVERED


def test_a_revision_uses_one_and_the_seller_delivers_again(order, alice, bob):
    delivered(order, alice, bob)
    services.request_revision(order=order, actor=bob, note="Make the icon bigger.")
    order.refresh_from_db()
    assert (order.status, order.revisions_used) == (S.REVISION_REQUESTED, 1)
    assert order.events.last().note == "Make the icon bigger."
    services.deliver_order(order=order, actor=alice, note="Bigger icon.")
    order.refresh_from_db()
    assert order.status == S.DELIVERED and order.deliveries.count() == 2


def test_no_revision_once_they_are_used_up(order, alice, bob):
    delivered(order, alice, bob)
    services.request_revision(order=order, actor=bob, note="Bigger.")
    services.deliver_order(order=order, actor=alice, note="Bigger.")
    with pytest.raises(OrderTransitionError, match="No revisions are left"):
        services.request_revision(order=order, actor=bob, note="Again.")
    order.refresh_from_db()
    assert (order.status, order.revisions_used) == (S.DELIVERED, 1)


def test_a_revision_note_with_contact_details_is_refused(order, alice, bob):
    delivered(order, alice, bob)
    with pytest.raises(ValidationError, match="Contact details"):
        services.request_revision(order=order, actor=bob, note="ping me +1 415 555 0198")
    order.refresh_from_db()
    assert order.status == S.DELIVERED and order.revisions_used == 0


# cancel_order ------------------------------------------------------------------------------


def test_bob_cancels_before_sending_requirements(order, bob):
    services.cancel_order(order=order, actor=bob, reason="Ordered the wrong package.")
    order.refresh_from_db()
    assert order.status == S.CANCELLED and order.closed_at is not None
    event = order.events.get()
    assert (event.kind, event.actor, event.note) == (
        OrderEvent.Kind.CANCELLED,
        bob,
        "Ordered the wrong package.",
    )


def test_bob_cannot_cancel_once_work_started(order, bob):
    in_progress(order, bob)
    with pytest.raises(OrderTransitionError, match="Only the seller can cancel"):
        services.cancel_order(order=order, actor=bob, reason="Changed my mind.")
    order.refresh_from_db()
    assert order.status == S.IN_PROGRESS


@pytest.mark.parametrize("steps", ["pending", "in_progress", "revision"])
def test_alice_may_cancel_until_she_delivers(order, alice, bob, steps):
    if steps != "pending":
        in_progress(order, bob)
    if steps == "revision":
        services.deliver_order(order=order, actor=alice, note="v1")
        services.request_revision(order=order, actor=bob, note="v2 please")
    services.cancel_order(order=order, actor=alice, reason="I am ill this week, sorry.")
    order.refresh_from_db()
    assert order.status == S.CANCELLED


def test_nobody_cancels_a_delivered_order(order, alice, bob):
    delivered(order, alice, bob)
    for user in (alice, bob):
        with pytest.raises(OrderTransitionError):
            services.cancel_order(order=order, actor=user, reason="No.")
    order.refresh_from_db()
    assert order.status == S.DELIVERED


def test_a_cancel_needs_a_reason(order, bob):
    with pytest.raises(ValidationError):
        services.cancel_order(order=order, actor=bob, reason=" ")
    order.refresh_from_db()
    assert order.status == S.PENDING_REQUIREMENTS


@pytest.mark.parametrize("status", [S.COMPLETED, S.CANCELLED, S.DISPUTED])
def test_closed_and_disputed_orders_take_no_party_step(alice, bob, status):
    order = OrderFactory(gig=GigFactory(seller=alice), buyer=bob, status=status)
    attempts = [
        lambda: services.submit_requirements(order=order, actor=bob, requirements="x"),
        lambda: services.deliver_order(order=order, actor=alice, note="x"),
        lambda: services.accept_delivery(order=order, actor=bob),
        lambda: services.request_revision(order=order, actor=bob, note="x"),
        lambda: services.cancel_order(order=order, actor=alice, reason="x"),
        lambda: services.cancel_order(order=order, actor=bob, reason="x"),
    ]
    for attempt in attempts:
        with pytest.raises(OrderTransitionError):
            attempt()
    order.refresh_from_db()
    assert order.status == status and not order.events.exists()
