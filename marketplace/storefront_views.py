"""Storefront pages: checkout, a gig's images, FAQ and questions, the seller's photo and
away mode, and the public media files. Thin like marketplace.views: selectors read,
services (checkout, media, gig_content, availability) write."""

from __future__ import annotations

from datetime import datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST
from django.views.static import serve

from config import clock
from marketplace import availability, checkout, gig_content, media, selectors, staff_reads
from marketplace.forms import attach_errors
from marketplace.models import Gig, GigImage, Package
from marketplace.order_flow import OrderTransitionError
from marketplace.storefront_forms import (
    AwayForm,
    CheckoutForm,
    FaqFormSet,
    ImageUploadForm,
    QuestionFormSet,
)
from marketplace.time_zones import zone_of
from marketplace.views import _require_seller

PUBLIC_CACHE = "public, max-age=31536000, immutable"

# Checkout ------------------------------------------------------------------------------------


def _package(gig: Gig, raw: str) -> Package:
    package = gig.packages.filter(pk=int(raw)).first() if raw.isdigit() else None
    if package is None:
        raise Http404("No such package.")
    return package


@login_required
def checkout_page(request: HttpRequest, slug: str) -> HttpResponse:
    """The summary between the package and the order; POST places the order."""
    gig = selectors.gig_for_viewer(slug=slug, viewer=request.user)
    package = _package(gig, request.POST.get("package") or request.GET.get("package", ""))
    summary = checkout.summary_for(package=package, buyer=request.user)
    form = CheckoutForm(request.POST or None, request.FILES or None, questions=summary.questions)
    if request.method == "POST" and form.is_valid():
        try:
            order = checkout.place_checked_order(
                buyer=request.user, package=package, texts=form.texts(), uploads=form.uploads()
            )
        except OrderTransitionError as error:
            messages.error(request, str(error))
            return redirect(gig)
        except ValidationError as error:
            attach_errors(form, error)
        else:
            started = not summary.questions
            messages.success(
                request,
                "Order placed (payment simulated). Now tell the seller what you need."
                if started
                else "Order placed (payment simulated). The seller has your answers.",
            )
            return redirect(order)
    if request.method == "POST":  # shown again: the browser will not send the files again
        form.note_dropped_files(request.FILES)
    away = availability.away_profile(gig.seller, clock.now())
    context = {"gig": gig, "summary": summary, "form": form, "away": away}
    return render(request, "marketplace/checkout.html", context, status=400 if form.errors else 200)


@login_required
def answer_file(request: HttpRequest, pk: int, answer_pk: int) -> HttpResponse:
    """A file a buyer gave at checkout: for the order's parties and staff, always a download."""
    order = selectors.order_for_user(pk=pk, user=request.user)
    answer = order.answers.exclude(file="").filter(pk=answer_pk).first()
    if answer is None:
        raise Http404("No such file.")
    if not order.is_party(request.user):  # staff: a reason, recorded, per download
        gate = staff_reads.file_gate(request, order, answer.file_name or "file")
        if gate is not None:
            return gate
    response = FileResponse(
        answer.file.open("rb"),
        as_attachment=True,
        filename=answer.file_name,
        content_type=answer.content_type or "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


# A gig's images, FAQ and questions ------------------------------------------------------------


@_require_seller
def gig_images(request: HttpRequest, pk: int) -> HttpResponse:
    gig = selectors.gig_for_owner(pk=pk, user=request.user)
    form = ImageUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            media.add_gig_image(gig=gig, upload=form.cleaned_data["image"])
        except ValidationError as error:
            form.add_error("image", error)
        else:
            messages.success(request, "Image added.")
            return redirect("marketplace:gig_images", pk=gig.pk)
    context = {"gig": gig, "images": gig.images.all(), "form": form, "max": media.MAX_IMAGES}
    return render(
        request, "marketplace/gig_images.html", context, status=400 if form.errors else 200
    )


@require_POST
@_require_seller
def gig_image_action(request: HttpRequest, pk: int, image_pk: int) -> HttpResponse:
    gig = selectors.gig_for_owner(pk=pk, user=request.user)
    image = GigImage.objects.filter(gig=gig, pk=image_pk).first()
    if image is None:
        raise Http404("No such image.")
    if request.POST.get("action") == "cover":
        media.make_cover(image=image)
        messages.success(request, "Cover image changed.")
    else:
        media.remove_gig_image(image=image)
        messages.success(request, "Image removed.")
    return redirect("marketplace:gig_images", pk=gig.pk)


def _faq_initial(gig: Gig) -> list[dict]:
    return [dict(entry) for entry in gig.faq]


def _question_initial(gig: Gig) -> list[dict]:
    fields = ("prompt", "kind", "choices", "required")
    return [{f: getattr(q, f) for f in fields} for q in gig.questions.all()]


@_require_seller
def gig_extras(request: HttpRequest, pk: int) -> HttpResponse:
    """The gig's FAQ and the questions buyers answer at checkout, on one page."""
    gig = selectors.gig_for_owner(pk=pk, user=request.user)
    data = request.POST or None
    faq = FaqFormSet(data, initial=_faq_initial(gig), prefix="faq")
    questions = QuestionFormSet(data, initial=_question_initial(gig), prefix="questions")
    if request.method == "POST" and faq.is_valid() and questions.is_valid():
        try:
            gig_content.set_faq(gig=gig, entries=[e for f in faq if (e := f.entry_or_none())])
            gig_content.set_requirement_questions(
                gig=gig, questions=[q for f in questions if (q := f.data_or_none())]
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, "FAQ and requirement questions saved.")
            return redirect("marketplace:gig_extras", pk=gig.pk)
    context = {"gig": gig, "faq": faq, "questions": questions}
    return render(request, "marketplace/gig_extras.html", context)


# The seller's photo and away mode -----------------------------------------------------------


@_require_seller
def seller_photo(request: HttpRequest) -> HttpResponse:
    profile = request.user.seller_profile
    form = ImageUploadForm(request.POST or None, request.FILES or None)
    form.fields["image"].label = "Your photo"
    if request.method == "POST" and form.is_valid():
        try:
            media.set_avatar(profile=profile, upload=form.cleaned_data["image"])
        except ValidationError as error:
            form.add_error("image", error)
        else:
            messages.success(request, "Photo saved.")
            return redirect("marketplace:seller_photo")
    return render(request, "marketplace/seller_photo.html", {"profile": profile, "form": form})


def _end_of_day(day, zone: ZoneInfo) -> datetime:
    """The away end: the last minute of the day the seller picked, in the seller's zone
    (pages show that date to everyone: availability.away_last_day)."""
    return datetime.combine(day, time(23, 59), tzinfo=zone)


@_require_seller
def seller_away(request: HttpRequest) -> HttpResponse:
    profile = request.user.seller_profile
    initial = {"away_message": profile.away_message}
    if profile.is_away(clock.now()):
        initial["away_until"] = availability.away_last_day(profile)
    form = AwayForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        day = form.cleaned_data["away_until"]
        until = _end_of_day(day, zone_of(request.user)) if day else None
        try:
            availability.set_away(
                profile=profile, until=until, message=form.cleaned_data["away_message"]
            )
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, "You are away." if until else "Welcome back.")
            return redirect("marketplace:seller_away")
    return render(request, "marketplace/seller_away.html", {"profile": profile, "form": form})


# Public media -------------------------------------------------------------------------------


def public_media(request: HttpRequest, path: str) -> HttpResponse:
    """Gig images and avatars: public, never changed under the same name, cached for a year.
    Only MEDIA_ROOT/public/ is reachable here; private files keep their checked views."""
    response = serve(request, path, document_root=Path(settings.MEDIA_ROOT) / "public")
    response["Cache-Control"] = PUBLIC_CACHE
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'"
    return response
