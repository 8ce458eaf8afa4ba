"""Staff who are not a party to an order read it only after saying why: its page
(requirements, deliveries, revision notes) once per reason and login session, each file
(delivered, or given at checkout) at each download. The read is recorded first through the
marketplace's staff order read recorders (marketplace.extensions: moderation's access log),
which also judge the reason.
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from marketplace.extensions import record_staff_order_read
from marketplace.models import Order

__all__ = ["order_page_gate", "file_gate"]


class StaffReasonForm(forms.Form):
    reason = forms.CharField(
        label="Why do you open this?",
        max_length=500,
        help_text="Kept in the staff access log with your name and the time (10 characters at "
        "least).",
    )


def _session_key(order: Order) -> str:
    return f"marketplace:staff_order_read:{order.pk}"


def _ask(request: HttpRequest, form: StaffReasonForm, what: str, button: str) -> HttpResponse:
    response = render(
        request,
        "staff_read.html",
        {"form": form, "what": what, "button": button},
        status=400 if form.errors else 200,
    )
    response["Cache-Control"] = "no-store"
    return response


def _record(request: HttpRequest, form: StaffReasonForm, order: Order, action: str, what: str):
    """True once recorded; False with the refusal on the form."""
    try:
        record_staff_order_read(
            staff=request.user,
            order=order,
            action=action,
            reason=form.cleaned_data["reason"],
            what=what,
        )
    except ValidationError as error:
        form.add_error("reason", ValidationError(error.messages))
        return False
    return True


def order_page_gate(request: HttpRequest, order: Order) -> HttpResponse | None:
    """None when the staff member may see the page now (a reason recorded in this session);
    else the reason form, or after a recorded POST the redirect back to the page."""
    if not request.user.is_staff:
        raise PermissionDenied  # order_for_user lets only parties and staff this far
    if request.method != "POST" and request.session.get(_session_key(order)):
        return None
    form = StaffReasonForm(request.POST if request.method == "POST" else None)
    what = f"order {order.reference}"
    if (
        request.method == "POST"
        and form.is_valid()
        and _record(request, form, order, "order_page", "")
    ):
        request.session[_session_key(order)] = form.cleaned_data["reason"].strip()
        return redirect(order)
    return _ask(request, form, what, "Record and open the order")


def file_gate(request: HttpRequest, order: Order, name: str) -> HttpResponse | None:
    """A file of the order (delivered, or given at checkout): None once this download is
    recorded (a POST with a reason); else the reason form."""
    if not request.user.is_staff:
        raise PermissionDenied
    form = StaffReasonForm(request.POST if request.method == "POST" else None)
    if (
        request.method == "POST"
        and form.is_valid()
        and _record(request, form, order, "delivery_file", name)
    ):
        return None
    return _ask(request, form, f"the file {name} of order {order.reference}", "Record and download")
