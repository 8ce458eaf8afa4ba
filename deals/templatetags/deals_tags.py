"""Deals blocks for other apps' pages: the offers of a thread, reviews and responsiveness.

Each tag reads through deals.selectors; the page that includes it needs no extra context.
"""

from __future__ import annotations

from datetime import timedelta

from django import template
from django.core.paginator import Paginator
from django.urls import reverse

from config import clock
from deals import selectors
from deals.forms import OfferForm
from deals.models import ResponseStats
from deals.person_panel import panel_for
from deals.responsiveness import describe_duration

register = template.Library()

REVIEWS_SHOWN = 10


@register.inclusion_tag("deals/_thread_offers.html", takes_context=True)
def thread_offers(context) -> dict:
    """The thread's offers as data for offers.js, and the seller's "Send a custom offer" form,
    opened by the composer's "Create an offer" button: the form is drawn exactly when that
    button is (offer_composer_actions decides), so a seller has one way to make an offer."""
    conversation, user = context["conversation"], context["request"].user
    now = clock.now()
    offers = [
        selectors.offer_object(offer, now=now)
        for offer in selectors.offers_in_conversation(conversation)
    ]
    offer_url = reverse("deals:offer_new", args=[conversation.pk])
    offered = any(action.url == offer_url for action in context.get("composer_actions", ()))
    form = OfferForm(seller=user, initial={"gig": conversation.gig_id}) if offered else None
    return {
        "offers": offers,
        "form": form,
        "conversation": conversation,
        "user": user,
        "csrf_token": context.get("csrf_token"),
    }


@register.inclusion_tag("deals/_reputation.html")
def seller_reputation(seller) -> dict:
    """Average rating (visible reviews only) and response figures of a seller."""
    stats = ResponseStats.objects.filter(seller=seller).first()
    return {
        "rating": selectors.rating_summary(selectors.reviews_of_seller(seller, now=clock.now())),
        "stats": stats,
        "response_time": describe_duration(stats.average_response_seconds) if stats else "",
    }


GIG_REVIEWS_PER_PAGE = 5


@register.inclusion_tag("deals/_reviews.html", takes_context=True)
def gig_reviews(context, gig) -> dict:
    """The gig's reviews, GIG_REVIEWS_PER_PAGE a page (`?reviews=<n>`), with the seller's
    replies; the seller gets a reply form under each review they have not answered."""
    request = context["request"]
    reviews = selectors.reviews_of_gig(gig, now=clock.now())
    page = Paginator(reviews.select_related("author"), GIG_REVIEWS_PER_PAGE).get_page(
        request.GET.get("reviews")
    )
    return {
        "heading": "Reviews of this gig",
        "rating": selectors.rating_summary(reviews),
        "reviews": page.object_list,
        "reviews_page": page,
        "viewer": request.user,
        "here": request.get_full_path(),
        "csrf_token": context.get("csrf_token"),
    }


@register.inclusion_tag("deals/_reviews.html")
def seller_reviews(seller) -> dict:
    reviews = selectors.reviews_of_seller(seller, now=clock.now())
    return _reviews_block(
        reviews, heading="Reviews", all_url=reverse("deals:seller_reviews", args=[seller.username])
    )


def _reviews_block(reviews, *, heading: str, all_url: str | None = None) -> dict:
    """The newest REVIEWS_SHOWN reviews; a link to all of them (`all_url`) when there are more."""
    rating = selectors.rating_summary(reviews)
    return {
        "heading": heading,
        "rating": rating,
        "reviews": list(reviews.select_related("author")[:REVIEWS_SHOWN]),
        "more_url": all_url if rating.count > REVIEWS_SHOWN else None,
    }


@register.filter
def duration(seconds: int | None) -> str:
    return describe_duration(seconds)


@register.inclusion_tag("deals/_review_prompt.html", takes_context=True)
def order_review_prompt(context, order) -> dict:
    """On a completed order's page: "Leave a review" while the viewer may still review it,
    a link to the reviews once they have."""
    user = context["request"].user
    if order.status != order.Status.COMPLETED or not order.is_party(user):
        return {"show": False}
    now = clock.now()
    waiting = selectors.orders_awaiting_review(user, now=now).filter(pk=order.pk).exists()
    return {
        "show": True,
        "waiting": waiting,
        "url": reverse("deals:order_review", kwargs={"pk": order.pk}),
        "other": order.seller if user.pk == order.buyer_id else order.buyer,
    }


@register.inclusion_tag("deals/_person_panel.html", takes_context=True)
def person_panel(context) -> dict:
    """The inbox thread's side panel (deals/person_panel.py)."""
    user = context["request"].user
    return {
        "panel": panel_for(user, context["conversation"], other=context.get("other")),
        "user": user,
        "csrf_token": context.get("csrf_token"),
        "request": context["request"],
    }


REMIND_AFTER = timedelta(days=3)


@register.inclusion_tag("deals/_review_reminder.html", takes_context=True)
def review_reminder(context) -> dict:
    """In the inbox, a few days after an order ended: the orders still waiting for your review."""
    user = context["request"].user
    now = clock.now()
    due = list(
        selectors.orders_awaiting_review(user, now=now).filter(closed_at__lte=now - REMIND_AFTER)[
            :3
        ]
    )
    return {"orders": due, "user": user}
