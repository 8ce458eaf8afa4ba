"""Delivery file download: parties and staff only, always an attachment, never sniffed."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile

from marketplace import services

PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 64


def delivered_with_file(order, alice, bob, name="Final logo.png"):
    services.submit_requirements(order=order, actor=bob, requirements="A logo.")
    return services.deliver_order(
        order=order, actor=alice, note="Here.", file=SimpleUploadedFile(name, PNG)
    )


def test_the_buyer_downloads_the_file(client, order, alice, bob):
    delivery = delivered_with_file(order, alice, bob)
    client.force_login(bob)
    response = client.get(f"/orders/{order.pk}/deliveries/{delivery.pk}/file")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PNG
    assert response["Content-Disposition"] == 'attachment; filename="Final_logo.png"'
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_the_seller_and_staff_download_it_too(client, order, alice, bob, staff):
    delivery = delivered_with_file(order, alice, bob)
    for user in (alice, staff):
        client.force_login(user)
        assert client.get(f"/orders/{order.pk}/deliveries/{delivery.pk}/file").status_code == 200


def test_others_get_404_and_anonymous_visitors_a_login(client, order, alice, bob, charlie):
    delivery = delivered_with_file(order, alice, bob)
    url = f"/orders/{order.pk}/deliveries/{delivery.pk}/file"
    assert client.get(url).status_code == 302
    client.force_login(charlie)
    assert client.get(url).status_code == 404


def test_a_delivery_of_another_order_or_without_file_is_404(client, order, alice, bob):
    delivery = delivered_with_file(order, alice, bob)
    services.request_revision(order=order, actor=bob, note="Bigger.")
    no_file = services.deliver_order(order=order, actor=alice, note="Bigger, no file.")
    client.force_login(bob)
    assert client.get(f"/orders/{order.pk}/deliveries/{no_file.pk}/file").status_code == 404
    assert client.get(f"/orders/{order.pk + 1}/deliveries/{delivery.pk}/file").status_code == 404


def test_a_non_ascii_file_name_is_encoded_safely(client, order, alice, bob):
    delivery = delivered_with_file(order, alice, bob, name='logo "final" ü.png')
    client.force_login(bob)
    disposition = client.get(f"/orders/{order.pk}/deliveries/{delivery.pk}/file")[
        "Content-Disposition"
    ]
    assert disposition.startswith("attachment;") and '"final"' not in disposition
