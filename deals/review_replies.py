"""A seller's public answer to a buyer's review: once, after the review is visible, checked
for contact details like every text on the site."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from config import clock
from deals.models import Review
from deals.selectors import visible_reviews
from marketplace.models import User

__all__ = ["reply_to_review"]


@transaction.atomic
def reply_to_review(*, review: Review, author: User, text: str) -> Review:
    """`author` (the reviewed seller) answers the review; a second answer is refused."""
    review = Review.objects.select_for_update().get(pk=review.pk)
    if review.subject_id != author.pk or review.side != Review.Side.BUYER:
        raise ValidationError("Only the seller who was reviewed can reply.", code="not_yours")
    if not visible_reviews(now=clock.now()).filter(pk=review.pk).exists():
        raise ValidationError("You can reply once the review is published.", code="hidden")
    if review.reply:
        raise ValidationError("You have already replied to this review.", code="replied")
    if not text.strip():
        raise ValidationError({"reply": "Write a reply."})
    review.reply, review.replied_at = text.strip(), clock.now()
    review.full_clean()
    review.save(update_fields=["reply", "replied_at"])
    return review
