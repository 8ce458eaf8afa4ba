"""Personas and one small world for the security tests.

alice sells, bob bought her gig (delivered; an order thread with messages, an attachment, a
custom offer, a dispute with an evidence file, a review-able order, a strike, a saved reply),
charlie is a logged-in outsider to all of it, mo moderates, rita reviews disputes, stella is
staff in no group.
"""

from __future__ import annotations

import io
import uuid
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from deals import services as deals_services
from deals.models import Review
from disputes import services as dispute_services
from inbox.checks import AttachmentUpload
from inbox.conversations import get_or_start_conversation
from inbox.send import send_message
from marketplace import media
from marketplace import services as marketplace_services
from marketplace.models import Order, OrderAnswer
from marketplace.roles import DISPUTE_REVIEWERS, MODERATORS
from marketplace.tests.factories import GigFactory, OrderFactory, SellerFactory, UserFactory
from moderation import services as moderation_services
from tests.factories import PNG_BYTES, StaffFactory

PNG = PNG_BYTES


def staff(username: str, group: str | None):
    return StaffFactory(username=username, groups=[group] if group else [])


@dataclass
class World:
    alice: object
    bob: object
    charlie: object
    mo: object
    rita: object
    stella: object
    gig: object
    order: object
    conversation: object
    general: object
    message: object
    attachment: object
    offer: object
    dispute: object
    entry: object
    delivery: object
    strike: object
    sanction: object  # imposed directly (no strike) on a user of its own: appealable
    saved_reply: object
    image: object
    answer: object
    review: object


def _picture() -> bytes:
    """A small real PNG (gig images are decoded and re-encoded)."""
    buffer = io.BytesIO()
    Image.new("RGB", (32, 20), (30, 120, 90)).save(buffer, "PNG")
    return buffer.getvalue()


def build_world() -> World:
    alice = SellerFactory(username="alice", email="alice@example.com")
    bob = UserFactory(username="bob", email="bob@example.com")
    charlie = UserFactory(username="charlie", email="charlie@example.com")
    mo, rita, stella = (
        staff("mo", MODERATORS),
        staff("rita", DISPUTE_REVIEWERS),
        staff("stella", None),
    )
    gig = GigFactory(seller=alice)
    now = timezone.now()
    order = OrderFactory(
        gig=gig,
        buyer=bob,
        status=Order.Status.IN_PROGRESS,
        started_at=now - timedelta(days=2),
        due_at=now + timedelta(days=1),
    )
    conversation = get_or_start_conversation(starter=bob, other=alice, order=order)
    general = get_or_start_conversation(starter=bob, other=alice, gig=gig)
    sent = send_message(
        conversation=conversation,
        sender=alice,
        body="Here is the sketch",
        client_id=uuid.uuid4().hex,
        attachments=[AttachmentUpload(name="sketch.png", content=PNG)],
    )
    send_message(
        conversation=conversation, sender=bob, body="Thanks, looks good", client_id=uuid.uuid4().hex
    )
    delivery = marketplace_services.deliver_order(
        order=order,
        actor=alice,
        note="Final files",
        file=SimpleUploadedFile("final.png", PNG, content_type="image/png"),
    )
    order.refresh_from_db()
    offer = deals_services.send_offer(
        conversation=general,
        seller=alice,
        gig=gig,
        description="A second logo, three concepts.",
        price=Decimal("40.00"),
        delivery_days=3,
        revisions=1,
    )
    dispute = dispute_services.open_dispute(
        order=order,
        opener=bob,
        reason="not_as_described",
        requested_outcome="refund",
        statement="The logo is not what we agreed.",
        upload=AttachmentUpload(name="proof.png", content=PNG),
    )
    entry = dispute.entries.exclude(file="").first()
    strike = moderation_services.give_strike(
        user=bob, kind="spam", moderator=mo, note="Repeated spam"
    )
    sanction = moderation_services.impose_sanction(
        user=UserFactory(username="dora", email="dora@example.com"),
        kind="restrict",
        moderator=mo,
        reason="Restricted after repeated spam",
    )
    saved_reply = deals_services.create_saved_reply(
        user=alice, title="Thanks", body="Thank you for your order!"
    )
    image = media.add_gig_image(gig=gig, upload=SimpleUploadedFile("work.png", _picture()))
    answer = OrderAnswer(order=order, prompt="Your old logo", kind="file", file_name="old.png")
    answer.file.save("old.png", ContentFile(PNG), save=False)
    answer.save()
    review = Review.objects.create(
        order=order,
        side="buyer",
        author=bob,
        subject=alice,
        rating=5,
        text="Lovely work.",
        created_at=now,
    )
    conversation.refresh_from_db()
    return World(
        alice=alice,
        bob=bob,
        charlie=charlie,
        mo=mo,
        rita=rita,
        stella=stella,
        gig=gig,
        order=order,
        conversation=conversation,
        general=general,
        message=sent.message,
        attachment=sent.message.attachments.get(),
        offer=offer,
        dispute=dispute,
        entry=entry,
        delivery=delivery,
        strike=strike,
        sanction=sanction,
        saved_reply=saved_reply,
        image=image,
        answer=answer,
        review=review,
    )


@pytest.fixture
def world(db, settings, tmp_path) -> World:
    return build_world()
