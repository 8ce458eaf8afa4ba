"""The demo's storefront: each gig's pictures, FAQ and requirement questions, each seller's
photo, and a seller who is away (seeds/10_marketplace.json: `faq`, `questions`, `away`).

Called by marketplace.seeding after the gigs exist; like it, idempotent: a gig with images
keeps them, a seller with a photo keeps it.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from config import clock
from marketplace import availability, gig_content, media
from marketplace.gig_content import FaqEntry, QuestionData
from marketplace.models import Gig, User, split_list
from marketplace.seed_images import avatar_picture, gig_pictures

Spec = dict[str, Any]


def ensure_gig_extras(gig: Gig, spec: Spec) -> None:
    if not gig.images.exists():
        pictures = gig_pictures(
            title=gig.title,
            tags=split_list(spec.get("tags", "")),
            category=spec["category"],
            count=spec.get("images", 3),
        )
        for upload in pictures:
            media.add_gig_image(gig=gig, upload=upload)
    if spec.get("faq") and not gig.faq:
        gig_content.set_faq(gig=gig, entries=[FaqEntry(**entry) for entry in spec["faq"]])
    if spec.get("questions") and not gig.questions.exists():
        questions = [QuestionData(**question) for question in spec["questions"]]
        gig_content.set_requirement_questions(gig=gig, questions=questions)


def ensure_seller_extras(user: User, spec: Spec, gig_specs: list[Spec]) -> None:
    profile = user.seller_profile
    if not profile.avatar:
        category = next((g["category"] for g in gig_specs if g["seller"] == user.username), "")
        media.set_avatar(
            profile=profile, upload=avatar_picture(name=profile.display_name, category=category)
        )
    away = spec.get("away")
    if away and not profile.is_away(clock.now()):
        availability.set_away(
            profile=profile,
            until=clock.now() + timedelta(days=away["days"]),
            message=away.get("message", ""),
        )
