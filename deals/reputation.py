"""A seller's reputation as the marketplace shows it on cards: each gig's rating and the
seller's level, written onto Gig and SellerProfile (the record stays deals.Review).

Recomputed when a review is submitted (deals.services.submit_review) and with the hourly
response figures (update_all_response_stats), because a review becomes visible by time
too: when its review window closes. Levels, from completed orders and the rating:

    Top Rated  10 completed orders or more, rating 4.8 or higher
    Level 2     5 or more, 4.5 or higher
    Level 1     1 or more, 4.0 or higher
    (none)      a new seller
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from django.db.models import Avg, Count

from config import clock
from deals.models import Review
from deals.selectors import rating_summary, reviews_of_seller, visible_reviews
from marketplace.models import Gig, Order, SellerProfile, User

__all__ = ["LEVELS", "level_for", "refresh_reputation"]

LEVELS = (
    ("Top Rated", 10, Decimal("4.8")),
    ("Level 2", 5, Decimal("4.5")),
    ("Level 1", 1, Decimal("4.0")),
)


def level_for(completed: int, rating: Decimal | None) -> str:
    """The seller level for these figures ("" for a new seller)."""
    for name, orders, minimum in LEVELS:
        if completed >= orders and rating is not None and rating >= minimum:
            return name
    return ""


def refresh_reputation(*, seller: User, now: datetime | None = None) -> None:
    """Write the ratings of the seller's gigs and the seller's level (three queries)."""
    now = now or clock.now()
    per_gig = {
        row["order__gig"]: row
        for row in visible_reviews(now=now)
        .filter(subject=seller, side=Review.Side.BUYER)
        .values("order__gig")
        .annotate(average=Avg("rating"), count=Count("pk"))
    }
    for gig in Gig.objects.filter(seller=seller).only("pk", "rating_average", "rating_count"):
        row = per_gig.get(gig.pk)
        average = None if row is None else Decimal(str(row["average"])).quantize(Decimal("0.01"))
        count = 0 if row is None else row["count"]
        if (gig.rating_average, gig.rating_count) != (average, count):
            Gig.objects.filter(pk=gig.pk).update(rating_average=average, rating_count=count)
    completed = Order.objects.filter(seller=seller, status=Order.Status.COMPLETED).count()
    rating = rating_summary(reviews_of_seller(seller, now=now)).average
    SellerProfile.objects.filter(user=seller).update(level=level_for(completed, rating))
