"""The user's side of moderation: the account health page and appeals."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from moderation import selectors, services
from moderation.forms import AppealForm


@login_required
@require_GET
def health(request: HttpRequest) -> HttpResponse:
    return render(
        request, "moderation/health.html", {"health": selectors.account_health(request.user)}
    )


@login_required
@require_POST
def appeal(request: HttpRequest, strike_id: int) -> HttpResponse:
    strike = selectors.strike_of_user(request.user, strike_id)
    form = AppealForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Write why the strike should be removed (up to 3,000 characters).")
        return redirect("moderation:health")
    try:
        services.file_appeal(strike=strike, user=request.user, text=form.cleaned_data["text"])
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request, "Thank you: a moderator will decide your appeal and tell you why."
        )
    return redirect("moderation:health")
