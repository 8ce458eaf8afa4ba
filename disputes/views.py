"""The parties' dispute pages: /orders/<pk>/dispute/ (status, open form, answer, evidence).

Only the order's buyer and seller see them; anybody else gets 404 like a missing order.
Each POST view validates its form, calls one service and goes back to the page; bad input
shows the page again with the errors and what was typed.
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from disputes import selectors, services
from disputes.forms import EntryForm, OpenDisputeForm, upload_of
from disputes.models import Dispute
from disputes.order_steps import DISPUTE
from inbox.files import content_disposition
from marketplace.forms import attach_errors
from marketplace.models import Order
from marketplace.order_flow import OrderTransitionError, allowed_actions


def _page(request: HttpRequest, order: Order, status: int = 200, **forms) -> HttpResponse:
    dispute = selectors.latest_dispute(order)
    is_open = dispute is not None and dispute.is_open
    context = {
        "order": order,
        "dispute": dispute,
        "entries": selectors.entries_of(dispute) if dispute else [],
        "can_open": DISPUTE in allowed_actions(order, request.user),
        "can_answer": is_open
        and dispute.opened_by_id != request.user.pk
        and dispute.answered_at is None,
        "can_add_evidence": is_open,
        "open_form": forms.get("open_form") or OpenDisputeForm(),
        "answer_form": forms.get("answer_form") or EntryForm(),
        "evidence_form": forms.get("evidence_form") or EntryForm(),
    }
    return render(request, "disputes/dispute_page.html", context, status=status)


@require_GET
@login_required
def dispute_page(request: HttpRequest, order_pk: int) -> HttpResponse:
    return _page(request, selectors.party_order(pk=order_pk, user=request.user))


def _open(request: HttpRequest, order: Order, form: OpenDisputeForm) -> None:
    data = form.cleaned_data
    services.open_dispute(
        order=order,
        opener=request.user,
        reason=data["reason"],
        requested_outcome=data["requested_outcome"],
        statement=data["body"],
        refund_percent=data["refund_percent"],
        extra_days=data["extra_days"],
        upload=upload_of(data["file"]),
    )


def _current(order: Order) -> Dispute:
    dispute = selectors.latest_dispute(order)
    if dispute is None:
        raise Http404("No dispute on this order.")
    return dispute


def _entry(service: Callable) -> Callable:
    """An answer or evidence, for the order's current dispute."""

    def run(request: HttpRequest, order: Order, form: EntryForm) -> None:
        data = form.cleaned_data
        service(
            dispute=_current(order),
            author=request.user,
            body=data["body"],
            upload=upload_of(data["file"]),
        )

    return run


def _step(form_class: type, form_key: str, run: Callable, success: str) -> Callable:
    """A POST view: the form, then the service; refusals become a message, bad input errors."""

    @require_POST
    @login_required
    def view(request: HttpRequest, order_pk: int) -> HttpResponse:
        order = selectors.party_order(pk=order_pk, user=request.user)
        form = form_class(request.POST, request.FILES)
        if form.is_valid():
            try:
                run(request, order, form)
            except (OrderTransitionError, PermissionDenied) as error:
                messages.error(request, str(error))
                return redirect("disputes:dispute", order_pk=order.pk)
            except ValidationError as error:
                attach_errors(form, error)
            else:
                messages.success(request, success)
                return redirect("disputes:dispute", order_pk=order.pk)
        return _page(request, order, status=400, **{form_key: form})

    return view


dispute_open = _step(
    OpenDisputeForm,
    "open_form",
    _open,
    "Dispute opened. The order is on hold; the other side has been told.",
)
dispute_answer = _step(
    EntryForm, "answer_form", _entry(services.answer_dispute), "Your answer has been added."
)
dispute_evidence = _step(
    EntryForm, "evidence_form", _entry(services.add_evidence), "Evidence added."
)


@require_GET
@login_required
def dispute_file(request: HttpRequest, order_pk: int, entry_pk: int) -> FileResponse:
    """A file one of the parties added to the dispute: always a download, never rendered."""
    order = selectors.party_order(pk=order_pk, user=request.user)
    entry = selectors.entry_file_for_party(order=order, entry_pk=entry_pk)
    return file_download(entry.file, entry.file_name, entry.content_type, entry.file_size)


def file_download(file, name: str, content_type: str, size: int | None) -> FileResponse:
    """A stored file as a download of its detected type (also used by the case file)."""
    response = FileResponse(
        file.open("rb"), content_type=content_type or "application/octet-stream"
    )
    response["Content-Disposition"] = content_disposition(name)
    response["X-Content-Type-Options"] = "nosniff"
    if size is not None:
        response["Content-Length"] = str(size)
    return response
