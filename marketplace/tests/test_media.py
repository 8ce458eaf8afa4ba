"""Gig images and avatars: only images, re-encoded clean, thumbnails made, nothing half-stored."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from marketplace import media
from marketplace.models import GigImage

pytestmark = pytest.mark.django_db

SCRIPT = b"<script>alert(document.cookie)</script>"


def jpeg_with_exif_script(size=(800, 600)) -> bytes:
    """A real JPEG whose EXIF (an ImageDescription and a GPS tag) carries a script."""
    image = Image.new("RGB", size, (30, 120, 200))
    exif = Image.Exif()
    exif[0x010E] = SCRIPT.decode()  # ImageDescription
    exif[0x8825] = {2: (52.0, 31.0, 0.0)}  # GPSInfo: a latitude
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif.tobytes(), comment=SCRIPT)
    return buffer.getvalue()


def png_polyglot() -> bytes:
    """A PNG followed by an HTML page: valid for image viewers and for browsers that sniff."""
    buffer = io.BytesIO()
    Image.new("RGBA", (64, 64), (255, 0, 0, 128)).save(buffer, "PNG")
    return buffer.getvalue() + b"<html><body>" + SCRIPT + b"</body></html>"


def upload(content: bytes, name="photo.jpg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


def stored_bytes(field) -> bytes:
    with field.open("rb") as f:
        return f.read()


def media_files(settings) -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def test_an_image_with_a_script_in_exif_is_stored_without_it(gig):
    image = media.add_gig_image(gig=gig, upload=upload(jpeg_with_exif_script()))
    for field in (image.image, image.large, image.small):
        data = stored_bytes(field)
        assert SCRIPT not in data and b"Exif" not in data
        assert Image.open(io.BytesIO(data)).format == "JPEG"
    assert (image.width, image.height) == (800, 600)


def test_a_polyglot_is_re_encoded_to_pixels_only(gig):
    image = media.add_gig_image(gig=gig, upload=upload(png_polyglot(), "cat.png"))
    data = stored_bytes(image.image)
    assert b"<html" not in data and SCRIPT not in data
    assert Image.open(io.BytesIO(data)).mode == "RGB"


def test_thumbnails_are_made_in_two_sizes(gig):
    image = media.add_gig_image(gig=gig, upload=upload(jpeg_with_exif_script((2000, 900))))
    assert Image.open(image.large.open("rb")).size == media.LARGE
    assert Image.open(image.small.open("rb")).size == media.SMALL
    assert max(Image.open(image.image.open("rb")).size) == 1600


@pytest.mark.parametrize(
    ("content", "name"),
    [
        (b"<svg xmlns='http://www.w3.org/2000/svg'><script>x()</script></svg>", "logo.svg"),
        (b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n", "brief.pdf"),
        (b"just some text, renamed", "photo.jpg"),
        (b"\x89PNG\r\n\x1a\n" + b"\0" * 64, "broken.png"),
    ],
)
def test_a_non_image_is_refused_with_a_clear_error_and_nothing_is_stored(
    gig, settings, content, name
):
    with pytest.raises(ValidationError) as error:
        media.add_gig_image(gig=gig, upload=upload(content, name))
    assert error.value.messages == [media.NOT_AN_IMAGE]
    assert not GigImage.objects.exists() and media_files(settings) == []


def test_a_failure_after_the_files_are_written_leaves_none_behind(gig, settings, monkeypatch):
    def fail(self, *args, **kwargs):
        raise ValidationError("the database said no")

    monkeypatch.setattr(GigImage, "full_clean", fail)
    with pytest.raises(ValidationError):
        media.add_gig_image(gig=gig, upload=upload(jpeg_with_exif_script()))
    assert not GigImage.objects.exists() and media_files(settings) == []


def test_an_image_over_the_size_limit_is_refused(gig, settings):
    settings.GIGBOX_IMAGE_MAX_BYTES = 1000
    with pytest.raises(ValidationError, match="too large"):
        media.add_gig_image(gig=gig, upload=upload(jpeg_with_exif_script()))


def test_at_most_five_images_and_the_first_is_the_cover(gig):
    images = [media.add_gig_image(gig=gig, upload=upload(png_polyglot())) for _ in range(5)]
    with pytest.raises(ValidationError, match="5 images"):
        media.add_gig_image(gig=gig, upload=upload(png_polyglot()))
    media.make_cover(image=images[3])
    assert list(gig.images.values_list("pk", flat=True)) == [
        images[3].pk,
        images[0].pk,
        images[1].pk,
        images[2].pk,
        images[4].pk,
    ]
    media.remove_gig_image(image=images[3])
    assert list(gig.images.values_list("position", flat=True)) == [0, 1, 2, 3]


def test_an_avatar_is_square_in_two_sizes(alice):
    profile = media.set_avatar(
        profile=alice.seller_profile, upload=upload(jpeg_with_exif_script((900, 500)))
    )
    assert Image.open(profile.avatar.open("rb")).size == media.AVATAR
    assert Image.open(profile.avatar_small.open("rb")).size == media.AVATAR_SMALL
    assert SCRIPT not in stored_bytes(profile.avatar)


def test_public_images_are_served_with_long_cache_headers(client, gig):
    image = media.add_gig_image(gig=gig, upload=upload(png_polyglot()))
    response = client.get(image.large.url)
    assert response.status_code == 200
    assert response["Cache-Control"] == "public, max-age=31536000, immutable"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] == "image/jpeg"


def test_private_files_are_not_reachable_through_the_public_path(client, settings):
    private = Path(settings.MEDIA_ROOT) / "deliveries" / "1" / "secret"
    private.parent.mkdir(parents=True)
    private.write_bytes(b"secret")
    for path in ("/media/public/../deliveries/1/secret", "/media/deliveries/1/secret"):
        response = client.get(path)
        assert response.status_code in (400, 404)  # a traversal is a suspicious operation
        assert b"secret" not in response.content


def test_alice_uploads_on_her_images_page_and_bob_sees_them_on_the_card(client, gig, bob):
    client.force_login(gig.seller)
    url = reverse("marketplace:gig_images", args=[gig.pk])
    response = client.post(url, {"image": upload(jpeg_with_exif_script())})
    assert response.status_code == 302
    cover = gig.images.get()
    assert cover.large.url in client.get(reverse("marketplace:gig_list")).content.decode()
    assert cover.image.url in client.get(gig.get_absolute_url()).content.decode()


def test_the_images_page_says_what_was_wrong(client, gig):
    client.force_login(gig.seller)
    url = reverse("marketplace:gig_images", args=[gig.pk])
    response = client.post(url, {"image": upload(b"%PDF-1.4\n%%EOF\n", "x.pdf")})
    assert response.status_code == 400
    assert "Only images can be uploaded here" in response.content.decode()


def test_bob_cannot_manage_alices_images(client, gig, bob):
    client.force_login(bob)
    response = client.post(reverse("marketplace:gig_images", args=[gig.pk]))
    assert response.status_code in (302, 404)
    assert not GigImage.objects.exists()
