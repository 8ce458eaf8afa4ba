"""Evidence tools of the flag admin: hide a flagged message from the parties, and search a
contact detail across accounts. Both ask for a reason first; both are recorded
(moderation.hiding, moderation.contact_search). FlagAdmin.get_urls adds these views."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path

from inbox.models import Message, MessageWithdrawal
from inbox.withdrawn import WITHDRAWN_NOTICE
from moderation import labels
from moderation.contact_search import MAX_RESULTS, search_contact
from moderation.hiding import hide_message
from moderation.models import Flag

__all__ = ["flag_evidence_urls", "hidden_ids", "hideable_context_ids"]


class HideForm(forms.Form):
    reason = forms.CharField(
        label="Why do you hide this message from both parties?",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Kept with the evidence and in the staff access log (10 characters at least). "
        "The parties see only the notice.",
    )


class ContactSearchForm(forms.Form):
    query = forms.CharField(
        label="Contact detail",
        max_length=200,
        help_text='A phone in any form ("+44 7911 123456", "07911123456"), an email or part of '
        'one ("gmail"), a handle ("instagram:cool_guy").',
    )
    reason = forms.CharField(
        label="Why do you search?",
        max_length=500,
        help_text="Recorded as a reveal in the staff access log (10 characters at least).",
    )


def _errors_to(form: forms.Form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def _context(model_admin, request: HttpRequest, title: str, **extra) -> dict:
    return {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.opts,
        "title": title,
        **extra,
    }


def hideable_context_ids(flag: Flag) -> set[int]:
    """The messages of the flag's context (its snapshot) that may be hidden from this flag's
    page: the flagged sender's own user messages, e.g. the other parts of a split number."""
    sender_id = flag.message.sender_id
    return {
        entry["id"]
        for entry in flag.snapshot.get("messages", [])
        if entry.get("id") is not None
        and entry.get("id") != flag.message_id
        and entry.get("kind") == Message.Kind.USER
        and sender_id is not None
        and entry.get("sender_id") == sender_id
    }


def hidden_ids(message_ids) -> set[int]:
    return set(
        MessageWithdrawal.objects.filter(message_id__in=message_ids).values_list(
            "message_id", flat=True
        )
    )


def hide_view(
    model_admin, request: HttpRequest, pk: int, message_id: int | None = None
) -> HttpResponse:
    """Hide the flagged message, or (message_id) another message of the same sender shown
    in the flag's context; open or decided flags alike."""
    if not model_admin.has_review_permission(request):
        raise PermissionDenied
    flag = get_object_or_404(Flag.objects.select_related("message__sender"), pk=pk)
    message = flag.message
    if message_id is not None:
        if message_id not in hideable_context_ids(flag):
            raise Http404
        message = get_object_or_404(
            Message.objects.select_related("sender"),
            pk=message_id,
            conversation_id=flag.message.conversation_id,
        )
    form = HideForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            hide_message(
                message=message,
                moderator=request.user,
                reason=form.cleaned_data["reason"],
                reference=f"flag:{flag.pk}",
            )
        except ValidationError as error:
            _errors_to(form, error)
        else:
            messages.success(request, "Hidden: both parties now see the notice instead.")
            return HttpResponseRedirect(model_admin._object_url(flag))
    context = _context(
        model_admin,
        request,
        f"Hide the message of flag {flag.pk}",
        flag=flag,
        message=message,
        form=form,
        notice=WITHDRAWN_NOTICE,
    )
    return TemplateResponse(
        request,
        "admin/moderation/flag/hide.html",
        context,
        status=400 if form.errors else 200,
    )


def contact_search_view(model_admin, request: HttpRequest) -> HttpResponse:
    if not model_admin.has_review_permission(request):
        raise PermissionDenied
    form = ContactSearchForm(request.POST or None)
    results = None
    if request.method == "POST" and form.is_valid():
        try:
            results = search_contact(
                staff=request.user,
                query=form.cleaned_data["query"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            _errors_to(form, error)
    rows = [(flag, labels.message_label(flag.message)) for flag in results or ()]
    context = _context(
        model_admin,
        request,
        "Search a contact detail across accounts",
        rows=rows,
        form=form,
        results=results,
        max_results=MAX_RESULTS,
    )
    response = TemplateResponse(
        request,
        "admin/moderation/flag/contact_search.html",
        context,
        status=400 if form.errors else 200,
    )
    response["Cache-Control"] = "no-store"
    return response


def flag_evidence_urls(model_admin) -> list:
    site = model_admin.admin_site
    return [
        path(
            "contact-search/",
            site.admin_view(lambda request: contact_search_view(model_admin, request)),
            name="moderation_flag_contact_search",
        ),
        path(
            "<int:pk>/hide/",
            site.admin_view(lambda request, pk: hide_view(model_admin, request, pk)),
            name="moderation_flag_hide",
        ),
        path(
            "<int:pk>/hide/<int:message_id>/",
            site.admin_view(
                lambda request, pk, message_id: hide_view(model_admin, request, pk, message_id)
            ),
            name="moderation_flag_hide_context",
        ),
    ]
