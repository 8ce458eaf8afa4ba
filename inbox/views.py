"""Inbox pages: the two-pane inbox, and the plain POST forms that work without JavaScript.

Views are thin: access goes through inbox.selectors (a conversation that is not yours is a
404 exactly like a missing one), every write through a write module (inbox.send,
inbox.conversations, inbox.read_marks, inbox.services). static/js/inbox.js
enhances these pages over the socket and the JSON API (inbox/api.py); every action it
offers is also here as a plain form.
"""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from inbox import selectors, services
from inbox.checks import SendError, read_upload
from inbox.conversations import get_or_start_conversation
from inbox.forms import (
    LABELS_ACTION,
    MARK_UNREAD_ACTION,
    STATE_ACTIONS,
    BlockForm,
    ListFilterForm,
    SendForm,
    StartForm,
    StateForm,
)
from inbox.presentation import inbox_context, send_error_text, thread_context, user_zone
from inbox.read_marks import mark_read, mark_unread
from inbox.send import send_message
from marketplace.selectors import active_gigs_of

HISTORY_PAGE_SIZE = 50
DRAFT_SESSION_KEY = "inbox_draft_{}"


def _conversation_or_404(user, conversation_id: int):
    try:
        return selectors.conversation_for_user(user, conversation_id)
    except selectors.ConversationNotFound:
        raise Http404("No such conversation.") from None


def _back(request: HttpRequest, default: str) -> HttpResponseRedirect:
    """Redirect to the form's `next` when it is one of ours (never an open redirect)."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return HttpResponseRedirect(target)
    return HttpResponseRedirect(default)


def _thread_url(conversation) -> str:
    return reverse("inbox:thread", kwargs={"conversation_id": conversation.pk})


def _render(request: HttpRequest, template: str, context: dict) -> HttpResponse:
    """Render with times in the user's own time zone (their profile's)."""
    with timezone.override(user_zone(request.user)):
        return render(request, template, context)


@login_required
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    filters = ListFilterForm(request.GET).values()
    context = inbox_context(request.user, filters)
    template = "inbox/_list.html" if request.GET.get("fragment") == "list" else "inbox/inbox.html"
    return _render(request, template, context)


@login_required
@require_GET
def thread(request: HttpRequest, conversation_id: int) -> HttpResponse:
    conversation = _conversation_or_404(request.user, conversation_id)
    if request.GET.get("fragment") == "panel":  # panel.js redraws it on order events
        return _render(request, "inbox/_panel.html", {"conversation": conversation})
    filters = ListFilterForm(request.GET).values()
    # The thread as it was before this visit (its first unread is marked), then the list as
    # it is after it: the open thread's row no longer counts what is being read.
    thread = thread_context(
        request.user,
        conversation,
        before_seq=filters["before"],
        limit=HISTORY_PAGE_SIZE,
        send_form=_composer(request, conversation),
    )
    if filters["before"] is None and conversation.last_seq:
        # Opening the newest page of a thread is reading it (also without JavaScript).
        mark_read(conversation=conversation, user=request.user, seq=conversation.last_seq)
    context = inbox_context(request.user, filters)
    context.update(thread)
    return _render(request, "inbox/inbox.html", context)


def _composer(request: HttpRequest, conversation) -> SendForm:
    """The send form, holding the draft a refused send left in the session (taken once)."""
    draft = request.session.pop(DRAFT_SESSION_KEY.format(conversation.pk), "")
    return SendForm(initial={"body": draft, "client_id": uuid.uuid4().hex})


@login_required
@require_POST
def send(request: HttpRequest, conversation_id: int) -> HttpResponse:
    conversation = _conversation_or_404(request.user, conversation_id)
    form = SendForm(request.POST)
    if not form.is_valid():
        messages.error(request, "The form was incomplete; please try again.")
        return redirect(_thread_url(conversation))
    body = form.cleaned_data["body"]
    try:
        sent = send_message(
            conversation=conversation,
            sender=request.user,
            body=body,
            client_id=form.cleaned_data["client_id"],
            attachments=[read_upload(upload) for upload in request.FILES.getlist("files")],
        )
    except SendError as error:
        return _refused_send(request, conversation, body, error)
    if sent.ack["notice"]:
        # The sender learns what the other side sees, and why, as the socket's ack tells them
        # (or is reminded to keep the conversation here: an intent with nothing to mask).
        messages.warning(request, sent.ack["notice"])
    return redirect(_thread_url(conversation) + f"#m{sent.ack['seq']}")


def _refused_send(request: HttpRequest, conversation, body: str, error: SendError) -> HttpResponse:
    """Back to the composer with the reason above it. Nothing is lost: the draft is kept in
    the session and comes back in the composer (_composer)."""
    request.session[DRAFT_SESSION_KEY.format(conversation.pk)] = body
    messages.error(request, send_error_text(error, length=len(body)))
    return redirect(_thread_url(conversation) + "#composer")


@login_required
@require_POST
def state(request: HttpRequest, conversation_id: int) -> HttpResponse:
    """Star, archive, mute, spam, label or mark unread the conversation (the user's side only)."""
    conversation = _conversation_or_404(request.user, conversation_id)
    form = StateForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Unknown action.")
        return _back(request, _thread_url(conversation))
    if form.cleaned_data["action"] == MARK_UNREAD_ACTION:
        mark_unread(conversation=conversation, user=request.user)
        # To the list, not back to the thread: opening the thread reads it again.
        return redirect("inbox:index")
    try:
        services.update_participant(
            conversation=conversation, user=request.user, **_participant_changes(form)
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return _back(request, _thread_url(conversation))


def _participant_changes(form: StateForm) -> dict[str, object]:
    """The fields of the user's side of the conversation that a valid state form sets."""
    action = form.cleaned_data["action"]
    if action == LABELS_ACTION:
        return {"labels": form.label_list()}
    flag, value = STATE_ACTIONS[action]
    return {flag: value}


@login_required
@require_POST
def block(request: HttpRequest, username: str) -> HttpResponse:
    other = get_object_or_404(get_user_model(), username=username, is_active=True)
    form = BlockForm(request.POST)
    if other == request.user or not form.is_valid():
        raise Http404("No such user.")
    if form.cleaned_data["action"] == "block":
        try:
            services.block_user(blocker=request.user, blocked=other)
        except SendError as error:  # e.g. Gigbox Trust & Safety cannot be blocked
            messages.error(request, error.message)
        else:
            messages.success(
                request, f"You blocked {other.public_name}. They can no longer message you."
            )
    else:
        services.unblock_user(blocker=request.user, blocked=other)
        messages.success(request, f"You unblocked {other.public_name}.")
    return _back(request, reverse("inbox:index"))


@login_required
@require_POST
def start(request: HttpRequest, username: str) -> HttpResponse:
    """The gig page's "Contact seller": open (or reuse) the conversation with the seller."""
    other = get_object_or_404(get_user_model(), username=username, is_active=True)
    form = StartForm(request.POST)
    gig_id = form.cleaned_data["gig"] if form.is_valid() else None
    gig = active_gigs_of(other).filter(pk=gig_id).first() if gig_id else None
    try:
        conversation = get_or_start_conversation(starter=request.user, other=other, gig=gig)
    except SendError as error:
        text = "This is your own gig." if other == request.user else send_error_text(error)
        messages.error(request, text)
        return redirect(gig.get_absolute_url() if gig else reverse("inbox:index"))
    return redirect(_thread_url(conversation) + "#composer")
