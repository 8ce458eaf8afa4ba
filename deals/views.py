"""Deals pages. Views are thin: selectors read (and decide who may see), services write.

The offer endpoints answer JSON to static/js/offers.js (Accept: application/json) and
redirect with a flash message otherwise, so every step also works without JavaScript.
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from config import clock
from config.security import refused
from deals import selectors, services
from deals.forms import OfferForm, ReviewForm, SavedReplyForm
from deals.models import Offer, Review
from deals.review_replies import reply_to_review
from inbox.selectors import ConversationNotFound, conversation_for_user
from marketplace.checkout import summary_of_terms
from marketplace.forms import attach_errors
from marketplace.pagination import page_of
from marketplace.selectors import seller_for_profile_page

SAVED_REPLIES_PER_PAGE = 20
REVIEWS_PER_PAGE = 20


def _wants_json(request: HttpRequest) -> bool:
    return request.headers.get("Accept", "").startswith("application/json")


def _thread_url(conversation_id: int) -> str:
    return reverse("inbox:thread", kwargs={"conversation_id": conversation_id})


def _form_errors(form) -> dict[str, list[str]]:
    return {field or "__all__": [str(e) for e in errors] for field, errors in form.errors.items()}


# Offers -------------------------------------------------------------------------------------


@login_required
def offer_new(request: HttpRequest, conversation_id: int) -> HttpResponse:
    """The seller's "Send a custom offer" form (also shown inline in the thread)."""
    try:
        conversation = conversation_for_user(request.user, conversation_id)
    except ConversationNotFound:
        raise Http404("No such conversation.") from None
    form = OfferForm(request.POST or None, seller=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            offer = services.send_offer(
                conversation=conversation, seller=request.user, **form.service_arguments()
            )
        except services.DealError as error:
            form.add_error(None, str(error))
        except ValidationError as error:
            attach_errors(form, error)
        else:
            if _wants_json(request):
                return JsonResponse(
                    {"offer": selectors.offer_object(offer, now=clock.now())}, status=201
                )
            messages.success(request, "Offer sent.")
            return redirect(_thread_url(conversation.pk) + f"#m{offer.message.seq}")
    if request.method == "POST":
        if _wants_json(request):
            return JsonResponse({"errors": _form_errors(form)}, status=400)
        status = 400
    else:
        status = 200
    return render(
        request,
        "deals/offer_form.html",
        {"form": form, "conversation": conversation},
        status=status,
    )


@login_required
def offer_detail(request: HttpRequest, pk: int) -> HttpResponse:
    offer = selectors.offer_for_user(pk=pk, user=request.user)
    now = clock.now()
    context = {
        "offer": offer,
        "status": offer.status_at(now),
        "is_buyer": request.user.pk == offer.buyer_id,
        "is_seller": request.user.pk == offer.seller_id,
        "open": offer.status_at(now) == Offer.Status.PENDING,
        "thread_url": _thread_url(offer.conversation_id),
    }
    return render(request, "deals/offer_detail.html", context)


@login_required
def offer_checkout(request: HttpRequest, pk: int) -> HttpResponse:
    """The summary the buyer confirms before an offer becomes an order (the gig checkout's
    summary); its button posts to `offer_accept`, which places the order."""
    offer = selectors.offer_for_user(pk=pk, user=request.user)
    try:
        services.check_may_accept(offer=offer, buyer=request.user)
    except services.DealError as error:
        messages.error(request, str(error))
        return redirect(offer)
    summary = summary_of_terms(
        label=f"Custom offer #{offer.pk}",
        description=offer.description,
        price=offer.price,
        delivery_days=offer.delivery_days,
        revisions=offer.revisions,
        buyer=request.user,
    )
    context = {"offer": offer, "status": offer.status_at(clock.now()), "summary": summary}
    return render(request, "deals/offer_checkout.html", context)


def _offer_step(run: Callable[[Offer, object], object], done: str) -> Callable:
    """A POST view for one offer step: the service decides; JSON or a redirect answers.
    An accepted offer leads to its new order's page, any other step back to the thread."""

    @require_POST
    @login_required
    def view(request: HttpRequest, pk: int) -> HttpResponse:
        offer = selectors.offer_for_user(pk=pk, user=request.user)
        try:
            run(offer, request.user)
        except services.DealError as error:
            if _wants_json(request):
                return JsonResponse({"error": str(error)}, status=409)
            messages.error(request, str(error))
            return redirect(offer)
        offer.refresh_from_db()
        target = (
            offer.order.get_absolute_url() if offer.order_id else _thread_url(offer.conversation_id)
        )
        if _wants_json(request):
            return JsonResponse(
                {"offer": selectors.offer_object(offer, now=clock.now()), "redirect": target}
            )
        messages.success(request, done)
        return redirect(target)

    return view


offer_accept = _offer_step(
    lambda offer, user: services.accept_offer(offer=offer, buyer=user),
    "Offer accepted: your order is placed (payment simulated). Now tell the seller what you need.",
)
offer_decline = _offer_step(
    lambda offer, user: services.decline_offer(offer=offer, buyer=user), "Offer declined."
)
offer_withdraw = _offer_step(
    lambda offer, user: services.withdraw_offer(offer=offer, seller=user), "Offer withdrawn."
)


# Reviews ------------------------------------------------------------------------------------


@login_required
def order_review(request: HttpRequest, pk: int) -> HttpResponse:
    """Review the other side of a completed order, and read the order's visible reviews."""
    order = selectors.order_for_review(pk=pk, user=request.user)
    form = ReviewForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.submit_review(order=order, author=request.user, **form.cleaned_data)
            except services.DealError as error:
                messages.error(request, str(error))
                return redirect("deals:order_review", pk=order.pk)
            except ValidationError as error:
                attach_errors(form, error)
            else:
                messages.success(
                    request,
                    "Thank you: your review is saved. "
                    "It shows once both of you have reviewed, or after 10 days.",
                )
                return redirect("deals:order_review", pk=order.pk)
        status = 400
    now = clock.now()
    context = {
        "order": order,
        "form": form,
        "can_review": selectors.orders_awaiting_review(request.user, now=now)
        .filter(pk=order.pk)
        .exists(),
        "reviews": selectors.reviews_of_order(order, viewer=request.user, now=now),
    }
    return render(request, "deals/order_review.html", context, status=status)


def seller_reviews(request: HttpRequest, username: str) -> HttpResponse:
    """Every visible review of a seller, in pages (the seller page shows the newest few)."""
    profile = seller_for_profile_page(username=username)  # 404 for non-sellers and deactivated ones
    reviews = selectors.reviews_of_seller(profile.user, now=clock.now())
    context = {
        "profile": profile,
        "rating": selectors.rating_summary(reviews),
        "page": page_of(request, reviews.select_related("author"), REVIEWS_PER_PAGE),
        "viewer": request.user,  # the reviewed seller gets a reply form under each review
        "here": request.get_full_path(),
    }
    return render(request, "deals/seller_reviews.html", context)


@require_POST
@login_required
def review_reply(request: HttpRequest, pk: int) -> HttpResponse:
    """The reviewed seller answers a review (once); back to the page the form was on."""
    review = Review.objects.filter(pk=pk, subject=request.user).first()
    if review is None:
        refused("review", pk)
        raise Http404("No such review.")
    try:
        reply_to_review(review=review, author=request.user, text=request.POST.get("reply", ""))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "Your reply is published.")
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        back = reverse("deals:seller_reviews", args=[request.user.username])
    return redirect(back)


# Saved replies ------------------------------------------------------------------------------


@login_required
def saved_replies(request: HttpRequest) -> HttpResponse:
    """List and add saved replies; ?format=json is the list quick_replies.js inserts from."""
    replies = selectors.saved_replies_of(request.user)
    if request.method == "GET" and request.GET.get("format") == "json":
        return JsonResponse(
            {"replies": [{"id": r.pk, "title": r.title, "body": r.body} for r in replies]}
        )
    form = SavedReplyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.create_saved_reply(user=request.user, **form.cleaned_data)
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, "Saved reply added.")
            return redirect("deals:saved_replies")
    status = 400 if request.method == "POST" else 200
    # The JSON above is the whole list (the composer filters it); the page shows it in pages.
    page = page_of(request, replies, SAVED_REPLIES_PER_PAGE)
    return render(request, "deals/saved_replies.html", {"page": page, "form": form}, status=status)


@login_required
def saved_reply_edit(request: HttpRequest, pk: int) -> HttpResponse:
    reply = selectors.saved_reply_for_user(pk=pk, user=request.user)
    form = SavedReplyForm(request.POST or None, instance=reply)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_saved_reply(reply=reply, **form.cleaned_data)
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, "Saved reply updated.")
            return redirect("deals:saved_replies")
    status = 400 if request.method == "POST" else 200
    return render(
        request, "deals/saved_reply_form.html", {"form": form, "reply": reply}, status=status
    )


@require_POST
@login_required
def saved_reply_delete(request: HttpRequest, pk: int) -> HttpResponse:
    reply = selectors.saved_reply_for_user(pk=pk, user=request.user)
    services.delete_saved_reply(reply=reply)
    messages.success(request, f"“{reply.title}” deleted.")
    return redirect("deals:saved_replies")


# Seller dashboard ---------------------------------------------------------------------------


@login_required
def seller_dashboard(request: HttpRequest) -> HttpResponse:
    if not request.user.is_seller:
        messages.info(
            request, "Complete your seller profile first: then you have a seller dashboard."
        )
        return redirect("marketplace:seller_profile")
    dashboard = selectors.seller_dashboard(request.user, now=clock.now())
    return render(request, "deals/seller_dashboard.html", {"dashboard": dashboard})
