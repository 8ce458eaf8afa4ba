"""Issue 20 walkthrough: a delivered image showed only as a "Download mockup.png" link. The
order page now shows a preview, made by the attachments' thumbnail code (marketplace.previews)
and served through the delivery file's access check: the two parties only."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from marketplace import services

pytestmark = pytest.mark.django_db


def png(size=(800, 600)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, "teal").save(out, "PNG")
    return out.getvalue()


def delivered(order, alice, bob, name, data):
    services.submit_requirements(order=order, actor=bob, requirements="A logo.")
    return services.deliver_order(
        order=order, actor=alice, note="Here.", file=SimpleUploadedFile(name, data)
    )


def test_the_buyer_sees_a_preview_of_a_delivered_image(client, order, alice, bob):
    delivery = delivered(order, alice, bob, "mockup.png", png())
    client.force_login(bob)
    page = client.get(f"/orders/{order.pk}/").content.decode()
    thumb = f"/orders/{order.pk}/deliveries/{delivery.pk}/thumb"
    assert f'src="{thumb}"' in page and "Download mockup.png" in page
    response = client.get(thumb)
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    with Image.open(io.BytesIO(response.content)) as preview:
        assert max(preview.size) <= 320
    assert response["Cache-Control"].startswith("private")


def test_outsiders_and_staff_get_no_preview(client, order, alice, bob, charlie, staff):
    delivery = delivered(order, alice, bob, "mockup.png", png())
    thumb = f"/orders/{order.pk}/deliveries/{delivery.pk}/thumb"
    client.force_login(charlie)
    assert client.get(thumb).status_code == 404
    client.force_login(staff)
    assert client.get(thumb).status_code == 404  # staff open the file through its gate
    client.logout()
    assert client.get(thumb)["Location"].startswith("/accounts/login/")


def test_a_delivered_pdf_has_no_preview(client, order, alice, bob):
    delivery = delivered(order, alice, bob, "brief.pdf", b"%PDF-1.4\n%%EOF\n")
    client.force_login(bob)
    page = client.get(f"/orders/{order.pk}/").content.decode()
    assert "/thumb" not in page
    assert client.get(f"/orders/{order.pk}/deliveries/{delivery.pk}/thumb").status_code == 404
