"""Marketplace pages. Views are thin: selectors read (and decide who may see), services write."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from config import clock
from marketplace import selectors, seller_suspension, services, staff_reads, timeline
from marketplace.checkout import check_not_away
from marketplace.forms import (
    CancelForm,
    DeliveryForm,
    GigFilterForm,
    GigForm,
    RequirementsForm,
    RevisionForm,
    SellerProfileForm,
    TimeZoneForm,
    attach_errors,
    package_formset,
)
from marketplace.models import Gig, Order
from marketplace.order_flow import Action, OrderTransitionError, allowed_actions
from marketplace.pagination import page_of
from marketplace.previews import IMAGE_TYPES, preview_response
from marketplace.time_zones import set_timezone

# Browsing ----------------------------------------------------------------------------------


def home(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "marketplace/home.html",
        {"categories": selectors.categories(), "featured": selectors.featured_gigs()},
    )


def gig_list(request: HttpRequest) -> HttpResponse:
    form = GigFilterForm(request.GET)
    filters = form.filters()
    searched, gigs = selectors.searched_results(filters)
    page = page_of(request, gigs, selectors.GIGS_PER_PAGE, max_count=selectors.MAX_COUNTED)
    page.object_list = selectors.gig_cards(page.object_list)
    broader = [] if page.object_list else selectors.broader_searches(filters)
    context = {"form": form, "filters": filters, "searched": searched, "page": page}
    return render(request, "marketplace/gig_list.html", {**context, "broader": broader})


def gig_detail(request: HttpRequest, slug: str) -> HttpResponse:
    gig = selectors.gig_for_viewer(slug=slug, viewer=request.user)
    is_own = request.user.is_authenticated and request.user.pk == gig.seller_id
    profile = getattr(gig.seller, "seller_profile", None)
    context = {
        "gig": gig,
        "packages": selectors.packages_of(gig),
        "images": list(gig.images.all()),
        "profile": profile,
        "away": profile if profile is not None and profile.is_away(clock.now()) else None,
        "is_own": is_own,
        "can_order": gig.status == Gig.Status.ACTIVE and not is_own,
    }
    return render(request, "marketplace/gig_detail.html", context)


def seller_detail(request: HttpRequest, username: str) -> HttpResponse:
    profile = selectors.seller_for_profile_page(username=username)
    page = page_of(request, selectors.active_gigs_of(profile.user), selectors.GIGS_PER_PAGE)
    page.object_list = selectors.gig_cards(page.object_list)
    return render(
        request,
        "marketplace/seller_detail.html",
        {
            "profile": profile,
            "seller": profile.user,
            "page": page,
            "away": profile.is_away(clock.now()),
        },
    )


# Selling -----------------------------------------------------------------------------------


@login_required
def seller_profile(request: HttpRequest) -> HttpResponse:
    """Create the seller profile (a buyer becomes a seller) or edit it."""
    profile = getattr(request.user, "seller_profile", None)
    form = SellerProfileForm(request.POST or None, instance=profile)
    if request.method == "POST" and form.is_valid():
        try:
            if profile is None:
                services.create_seller_profile(user=request.user, **form.cleaned_data)
                messages.success(request, "You are a seller now. Create your first gig.")
                return redirect("marketplace:gig_create")
            services.update_seller_profile(profile=profile, **form.cleaned_data)
            messages.success(request, "Profile saved.")
            return redirect("marketplace:seller_profile")
        except ValidationError as error:
            attach_errors(form, error)
    return render(
        request, "marketplace/seller_profile_form.html", {"form": form, "profile": profile}
    )


@login_required
def account_settings(request: HttpRequest) -> HttpResponse:
    """The user's own settings: the time zone every page shows times in."""
    form = TimeZoneForm(request.POST or None, initial={"timezone": request.user.timezone})
    if request.method == "POST" and form.is_valid():
        try:
            set_timezone(user=request.user, name=form.cleaned_data["timezone"])
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, f"Saved: times are shown in {request.user.timezone}.")
            return redirect("marketplace:account_settings")
    return render(request, "marketplace/account_settings.html", {"form": form})


def _require_seller(view: Callable) -> Callable:
    @wraps(view)
    @login_required
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not request.user.is_seller:
            messages.info(request, "Complete your seller profile first: then you can offer gigs.")
            return redirect("marketplace:seller_profile")
        return view(request, *args, **kwargs)

    return wrapped


@_require_seller
def seller_gigs(request: HttpRequest) -> HttpResponse:
    gigs = selectors.seller_gigs(seller=request.user).order_by("-created_at", "-pk")
    return render(
        request,
        "marketplace/seller_gigs.html",
        {"page": page_of(request, gigs, selectors.GIGS_PER_PAGE)},
    )


def _gig_form_page(request: HttpRequest, gig: Gig | None) -> HttpResponse:
    form = GigForm(request.POST or None, instance=gig)
    packages = package_formset(data=request.POST or None, gig=gig)
    if request.method == "POST" and form.is_valid() and packages.is_valid():
        fields = {**form.cleaned_data, "packages": packages.package_data()}
        try:
            if gig is None:
                gig = services.create_gig(seller=request.user, **fields)
                messages.success(
                    request, "Gig published. Now add a few images: the first is the cover."
                )
                return redirect("marketplace:gig_images", pk=gig.pk)
            else:
                services.update_gig(gig=gig, **fields)
                messages.success(request, "Gig saved.")
            return redirect("marketplace:seller_gigs")
        except ValidationError as error:
            attach_errors(form, error)
    return render(
        request, "marketplace/gig_form.html", {"form": form, "packages": packages, "gig": gig}
    )


@_require_seller
def gig_create(request: HttpRequest) -> HttpResponse:
    return _gig_form_page(request, None)


@_require_seller
def gig_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _gig_form_page(request, selectors.gig_for_owner(pk=pk, user=request.user))


@require_POST
@_require_seller
def gig_set_status(request: HttpRequest, pk: int) -> HttpResponse:
    gig = selectors.gig_for_owner(pk=pk, user=request.user)
    try:
        services.set_gig_status(gig=gig, status=request.POST.get("status", ""))
    except ValidationError:
        messages.error(request, "Unknown gig status.")
    else:
        messages.success(request, f"“{gig.title}” is {gig.get_status_display().lower()}.")
    return redirect("marketplace:seller_gigs")


# Orders ------------------------------------------------------------------------------------


@require_POST
@login_required
def order_place(request: HttpRequest, slug: str) -> HttpResponse:
    gig = selectors.gig_for_viewer(slug=slug, viewer=request.user)
    package_id = request.POST.get("package", "")
    package = gig.packages.filter(pk=int(package_id)).first() if package_id.isdigit() else None
    if package is None:
        raise Http404("No such package.")
    if gig.questions.exists():  # the seller's questions are answered at checkout
        return redirect(f"{reverse('marketplace:checkout', args=[gig.slug])}?package={package.pk}")
    try:
        check_not_away(gig)
        order = services.place_order(buyer=request.user, package=package)
    except OrderTransitionError as error:
        messages.error(request, str(error))
        return redirect(gig)
    messages.success(
        request, "Order placed (payment simulated). Now tell the seller what you need."
    )
    return redirect(order)


@login_required
def order_list(request: HttpRequest) -> HttpResponse:
    role, status = request.GET.get("role", ""), request.GET.get("status", "")
    orders = selectors.orders_for_user(user=request.user, role=role, status=status)
    context = {
        "page": page_of(request, orders, selectors.ORDERS_PER_PAGE),
        "role": role,
        "status": status,
        "statuses": Order.Status.choices,
    }
    return render(request, "marketplace/order_list.html", context)


def _order_page(request: HttpRequest, order: Order, status: int = 200, **forms) -> HttpResponse:
    actions = allowed_actions(order, request.user)
    events = timeline.with_authors(order.events.select_related("actor"))
    lifted = seller_suspension.lifted_suspensions(events)
    for event in events:  # a suspension's warning that a reinstatement ended
        event.ended_by = lifted.get(event.pk)
    context = {
        "order": order,
        "actions": actions,
        "events": events,
        "deliveries": order.deliveries.all(),
        "preview_types": IMAGE_TYPES,
        "is_buyer": request.user.pk == order.buyer_id,
        "is_seller": request.user.pk == order.seller_id,
        "requirements_form": forms.get("requirements_form") or RequirementsForm(),
        "delivery_form": forms.get("delivery_form") or DeliveryForm(),
        "revision_form": forms.get("revision_form") or RevisionForm(),
        "cancel_form": forms.get("cancel_form") or CancelForm(),
        "answers": order.answers.all(),
        "can": {action.name.lower(): action in actions for action in Action},
        "thread_url": _order_thread_url(order, request.user),
    }
    return render(request, "marketplace/order_detail.html", context, status=status)


def _order_thread_url(order: Order, user) -> str | None:
    """The order's own inbox thread, for its two parties, once the inbox has opened it.

    Read through the reverse one-to-one (`Order.conversation`), so the marketplace needs no
    import from the inbox above it; a missing thread reads as None (the accessor raises an
    AttributeError subclass)."""
    conversation = getattr(order, "conversation", None)
    if conversation is None or user.pk not in (order.buyer_id, order.seller_id):
        return None
    return reverse("inbox:thread", kwargs={"conversation_id": conversation.pk})


@login_required
def order_detail(request: HttpRequest, pk: int) -> HttpResponse:
    order = selectors.order_for_user(pk=pk, user=request.user)
    if not order.is_party(request.user):  # staff: a reason first, recorded (staff_reads)
        gate = staff_reads.order_page_gate(request, order)
        if gate is not None:
            return gate
    return _order_page(request, order)


def _order_step(form_class: type, form_key: str, run: Callable, success: str) -> Callable:
    """A POST view for one order step: validate the form, call the service, show the result.

    A refused step (wrong status or side) becomes a message; bad input re-renders the
    order page with the form and its errors, nothing lost."""

    @require_POST
    @login_required
    def view(request: HttpRequest, pk: int) -> HttpResponse:
        order = selectors.order_for_user(pk=pk, user=request.user)
        if not order.is_party(request.user):  # staff read pages; they take no step
            raise Http404("No such order.")
        form = form_class(request.POST, request.FILES) if form_class else None
        if form is None or form.is_valid():
            try:
                run(order=order, actor=request.user, **(form.cleaned_data if form else {}))
            except OrderTransitionError as error:
                messages.error(request, str(error))
                return redirect(order)
            except ValidationError as error:
                if form is None:
                    messages.error(request, " ".join(error.messages))
                    return redirect(order)
                attach_errors(form, error)
            else:
                messages.success(request, success)
                return redirect(order)
        if hasattr(form, "note_dropped_files"):  # the browser will not send the file again
            form.note_dropped_files(request.FILES)
        return _order_page(request, order, status=400, **{form_key: form})

    return view


order_requirements = _order_step(
    RequirementsForm,
    "requirements_form",
    services.submit_requirements,
    "Requirements sent: the seller can start.",
)
order_deliver = _order_step(
    DeliveryForm, "delivery_form", services.deliver_order, "Delivered. The buyer has been told."
)
order_accept = _order_step(
    None, "", services.accept_delivery, "Delivery accepted: the order is complete."
)
order_revision = _order_step(
    RevisionForm, "revision_form", services.request_revision, "Revision requested."
)
order_cancel = _order_step(CancelForm, "cancel_form", services.cancel_order, "Order cancelled.")


@login_required
def delivery_file(request: HttpRequest, pk: int, delivery_pk: int) -> HttpResponse:
    """A delivered file, for the two parties and staff only; always a download, never rendered."""
    delivery = selectors.delivery_for_user(order_pk=pk, delivery_pk=delivery_pk, user=request.user)
    if not delivery.order.is_party(request.user):  # staff: a reason, recorded, per download
        gate = staff_reads.file_gate(request, delivery.order, delivery.file_name or "delivery")
        if gate is not None:
            return gate
    response = FileResponse(
        delivery.file.open("rb"),
        as_attachment=True,
        filename=delivery.file_name,
        content_type=delivery.content_type or "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
def delivery_thumbnail(request: HttpRequest, pk: int, delivery_pk: int) -> HttpResponse:
    """A preview of a delivered image, for the two parties only (staff open the file, through
    its recorded gate); the same check as the file."""
    delivery = selectors.delivery_for_user(order_pk=pk, delivery_pk=delivery_pk, user=request.user)
    if not delivery.file or not delivery.order.is_party(request.user):
        raise Http404("No such file.")
    return preview_response(delivery.file, delivery.content_type)
