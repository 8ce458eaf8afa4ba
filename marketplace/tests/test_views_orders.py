"""Order pages: placing, the list, the order page and each step as a POST."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile

from marketplace.models import Gig, Order
from marketplace.tests.factories import GigFactory, OrderFactory, SellerFactory

S = Order.Status
PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 64


def test_bob_orders_from_the_gig_page(client, gig, bob):
    client.force_login(bob)
    response = client.post(f"/gigs/{gig.slug}/order/", {"package": gig.packages.get().pk})
    order = Order.objects.get()
    assert response.status_code == 302 and response.url == f"/orders/{order.pk}/"
    assert (order.buyer, order.status) == (bob, S.PENDING_REQUIREMENTS)
    page = client.get(response.url).content.decode()
    assert "Payment is simulated" in page and "Send requirements" in page


def test_the_order_page_has_no_messages_link_before_the_thread_exists(client, order, bob):
    client.force_login(bob)
    page = client.get(f"/orders/{order.pk}/").content.decode()
    assert "data-order-thread" not in page


def test_alice_cannot_order_her_own_gig(client, gig, alice):
    client.force_login(alice)
    response = client.post(
        f"/gigs/{gig.slug}/order/", {"package": gig.packages.get().pk}, follow=True
    )
    assert "You cannot order your own gig." in response.content.decode()
    assert not Order.objects.exists()


def test_ordering_needs_login_post_and_a_package_of_that_gig(client, gig, bob):
    other = GigFactory()
    assert (
        client.post(f"/gigs/{gig.slug}/order/", {"package": gig.packages.get().pk}).status_code
        == 302
    )
    client.force_login(bob)
    assert client.get(f"/gigs/{gig.slug}/order/").status_code == 405
    assert (
        client.post(f"/gigs/{gig.slug}/order/", {"package": other.packages.get().pk}).status_code
        == 404
    )
    assert client.post(f"/gigs/{gig.slug}/order/", {"package": "x"}).status_code == 404
    assert not Order.objects.exists()


def test_a_paused_gig_cannot_be_ordered(client, gig, bob):
    gig.status = Gig.Status.PAUSED
    gig.save()
    client.force_login(bob)
    assert (
        client.post(f"/gigs/{gig.slug}/order/", {"package": gig.packages.get().pk}).status_code
        == 404
    )


def test_order_list_shows_buying_and_selling_with_filters(client, order, alice, bob):
    bought = OrderFactory(
        buyer=alice, gig=GigFactory(title="Voice over for a podcast"), status=S.COMPLETED
    )
    client.force_login(alice)
    page = client.get("/orders/").content.decode()
    assert order.title in page and bought.title in page
    page = client.get("/orders/", {"role": "buying"}).content.decode()
    assert order.title not in page and bought.title in page
    page = client.get("/orders/", {"status": "pending_requirements"}).content.decode()
    assert order.title in page and bought.title not in page


def test_order_list_empty_state(client, charlie):
    client.force_login(charlie)
    assert b"No orders yet" in client.get("/orders/").content


def test_order_list_is_paginated(client, alice, bob):
    gig = GigFactory(seller=alice)
    for _ in range(23):
        OrderFactory(gig=gig, buyer=bob)
    client.force_login(bob)
    response = client.get("/orders/", {"page": 2})
    assert len(response.context["page"].object_list) == 3


def test_only_the_parties_and_staff_see_an_order(client, order, alice, bob, charlie, staff):
    url = f"/orders/{order.pk}/"
    client.force_login(charlie)
    assert client.get(url).status_code == 404
    assert client.get("/orders/999999/").status_code == 404
    for user in (alice, bob, staff):
        client.force_login(user)
        assert client.get(url).status_code == 200


def test_a_stranger_cannot_take_any_step(client, order, charlie):
    client.force_login(charlie)
    for step in ("requirements", "deliver", "accept", "revision", "cancel"):
        assert (
            client.post(
                f"/orders/{order.pk}/{step}/", {"requirements": "x", "note": "x", "reason": "x"}
            ).status_code
            == 404
        )
    order.refresh_from_db()
    assert order.status == S.PENDING_REQUIREMENTS


def test_the_whole_flow_through_the_pages(client, order, alice, bob):
    url = f"/orders/{order.pk}/"
    client.force_login(bob)
    assert (
        client.post(url + "requirements/", {"requirements": "A logo for Bob's Bakery."}).status_code
        == 302
    )
    client.force_login(alice)
    page = client.get(url).content.decode()
    assert "Deliver your work" in page and "Bob&#x27;s Bakery" in page
    upload = SimpleUploadedFile("logo.png", PNG)
    assert (
        client.post(url + "deliver/", {"note": "Three concepts.", "file": upload}).status_code
        == 302
    )
    client.force_login(bob)
    page = client.get(url).content.decode()
    assert (
        "Download logo.png" in page
        and "Accept delivery" in page
        and "Request a revision (1 left)" in page
    )
    assert client.post(url + "revision/", {"note": "Bigger icon please."}).status_code == 302
    client.force_login(alice)
    client.post(url + "deliver/", {"note": "Bigger icon."})
    client.force_login(bob)
    page = client.get(url).content.decode()
    assert "No revisions left" in page
    assert client.post(url + "accept/").status_code == 302
    order.refresh_from_db()
    assert order.status == S.COMPLETED
    kinds = list(order.events.values_list("kind", flat=True))
    assert kinds == [
        "requirements_sent",
        "delivered",
        "revision_requested",
        "delivered",
        "completed",
    ]


def test_bad_input_re_renders_the_form_and_loses_nothing(client, order, bob):
    client.force_login(bob)
    response = client.post(
        f"/orders/{order.pk}/requirements/", {"requirements": "Email me: sam@gmail.com"}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert (
        "Contact details are not allowed here" in html
        and "Email me: sam@gmail.com</textarea>" in html
    )
    order.refresh_from_db()
    assert order.status == S.PENDING_REQUIREMENTS


def test_a_refused_step_is_a_message_not_an_error_page(client, order, bob):
    client.force_login(bob)
    response = client.post(f"/orders/{order.pk}/deliver/", {"note": "x"}, follow=True)
    assert "You cannot deliver an order that is pending requirements." in response.content.decode()
    order.refresh_from_db()
    assert order.status == S.PENDING_REQUIREMENTS


def test_cancel_needs_a_reason_and_then_cancels(client, order, bob):
    client.force_login(bob)
    assert client.post(f"/orders/{order.pk}/cancel/", {"reason": ""}).status_code == 400
    client.post(f"/orders/{order.pk}/cancel/", {"reason": "Wrong package."})
    order.refresh_from_db()
    assert order.status == S.CANCELLED


def test_staff_can_read_but_not_act(client, order, staff):
    client.force_login(staff)
    page = client.get(f"/orders/{order.pk}/").content.decode()
    assert "Send requirements" not in page and "Cancel this order" not in page
    client.post(f"/orders/{order.pk}/cancel/", {"reason": "x"})
    order.refresh_from_db()
    assert order.status == S.PENDING_REQUIREMENTS


def test_an_order_shows_no_actions_to_another_seller(client, order):
    client.force_login(SellerFactory(username="dora"))
    assert client.get(f"/orders/{order.pk}/").status_code == 404
