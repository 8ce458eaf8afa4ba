"""The user's side of moderation: reporting a message, the account health page and appeals."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from inbox import selectors as inbox_selectors
from inbox.checks import SendError
from inbox.presentation import segments
from moderation import selectors, services
from moderation.forms import AppealForm, ReportForm
from moderation.reports import report_received_message
from moderation.staff_access import appeal_rule

APPEAL_DRAFT_KEY = "moderation:appeal_draft"


def _received_message_or_404(user, message_id: int):
    """A user message of one of the user's conversations, sent by the other person."""
    try:
        message = inbox_selectors.message_for_user(user, message_id)
    except inbox_selectors.ConversationNotFound:
        raise Http404("No such message.") from None
    if message.sender_id in (None, user.pk):
        raise Http404("No such message.")
    return message


@login_required
def report(request: HttpRequest, message_id: int) -> HttpResponse:
    """The thread's Report link (/inbox/messages/<id>/report/): the form, then back to it."""
    message = _received_message_or_404(request.user, message_id)
    form = ReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            report_received_message(
                reporter=request.user,
                message=message,
                reason=form.cleaned_data["reason"],
                note=form.cleaned_data["note"],
            )
        except SendError as error:
            if error.code != "already_reported":
                raise
            messages.info(request, error.message)
        else:
            messages.success(request, "Thank you: a moderator will review this message.")
        return redirect(
            reverse("inbox:thread", kwargs={"conversation_id": message.conversation_id})
        )
    return render(
        request,
        "moderation/report.html",
        {
            "form": form,
            "message": message,
            "segments": segments(message.delivered_body),
            "conversation": message.conversation,
        },
    )


@login_required
@require_GET
def health(request: HttpRequest) -> HttpResponse:
    # A refused appeal comes back in its form (taken once), with the reason above it.
    draft = request.session.pop(APPEAL_DRAFT_KEY, None) or {}
    return render(
        request,
        "moderation/health.html",
        {"health": selectors.account_health(request.user), "appeal_draft": draft},
    )


@login_required
@require_POST
def appeal(request: HttpRequest, strike_id: int) -> HttpResponse:
    strike = selectors.strike_of_user(request.user, strike_id)
    form = AppealForm(request.POST)
    if not form.is_valid():
        return _refused(request, form, ("strike", strike.pk))
    return _filed(
        request,
        lambda: services.file_appeal(strike=strike, **_appeal_of(request, form)),
        ("strike", strike.pk),
    )


@login_required
@require_POST
def appeal_sanction(request: HttpRequest, sanction_id: int) -> HttpResponse:
    """The appeal of a restriction or suspension a moderator imposed directly (no strike)."""
    sanction = selectors.sanction_of_user(request.user, sanction_id)
    form = AppealForm(request.POST)
    if not form.is_valid():
        return _refused(request, form, ("sanction", sanction.pk))
    return _filed(
        request,
        lambda: services.file_sanction_appeal(sanction=sanction, **_appeal_of(request, form)),
        ("sanction", sanction.pk),
    )


def _appeal_of(request: HttpRequest, form: AppealForm) -> dict:
    return {"user": request.user, "text": form.cleaned_data["text"]}


def _refused(request: HttpRequest, form: AppealForm, target: tuple[str, int]) -> HttpResponse:
    """Back to the account page with the reason, the text kept in its form."""
    messages.error(request, " ".join(form.errors.get("text", [])) or appeal_rule())
    _keep_draft(request, target, form.data.get("text", ""))
    return redirect("moderation:health")


def _keep_draft(request: HttpRequest, target: tuple[str, int], text: str) -> None:
    kind, pk = target
    request.session[APPEAL_DRAFT_KEY] = {"kind": kind, "pk": pk, "text": text}


def _filed(
    request: HttpRequest, file: Callable[[], object], target: tuple[str, int]
) -> HttpResponse:
    """File the appeal; the account page says how it went (a refused text comes back)."""
    try:
        file()
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        _keep_draft(request, target, request.POST.get("text", ""))
    else:
        messages.success(
            request, "Thank you: a moderator will decide your appeal and tell you why."
        )
    return redirect("moderation:health")
