"""The inbox JSON API (docs/protocol.md, "HTTP"): thin views over selectors and services.

Session authentication; POST and DELETE need the CSRF token (Django's middleware). A
conversation, message or attachment that is not the user's answers 404 exactly like one
that does not exist. The helpers (`api_login_required`, `json_response`, `read_json`, ...)
serve the apps above too (moderation's report endpoint, moderation/api.py).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_http_methods

from inbox import frames, selectors, services
from inbox.checks import SendError, read_upload
from inbox.protocol import CLIENT_ID_LENGTH, MAX_ID_DIGITS, is_id, is_identifier, is_text
from inbox.read_marks import mark_unread
from inbox.selectors import ConversationNotFound
from inbox.send import send_message
from inbox.staff_files import file_response, staff_download

ERROR_STATUS = {
    "forbidden": 404,
    "blocked": 403,
    "restricted": 403,
    "official_account": 403,
    "rate_limited": 429,
    "unavailable": 503,
}
NOT_FOUND = frames.error_frame("not_found", "Not found.")


def json_response(data: Any, status: int = 200) -> JsonResponse:
    return JsonResponse(data, status=status, safe=isinstance(data, dict))


def error_response(error: SendError, *, client_id: str | None = None) -> JsonResponse:
    if error.code == "forbidden":
        return json_response(NOT_FOUND, 404)  # the same bytes as a missing conversation
    response = json_response(error.frame(client_id=client_id), ERROR_STATUS.get(error.code, 400))
    if error.code == "rate_limited":
        response["Retry-After"] = str(error.extra["retry_after"])
    return response


def bad_request(message: str) -> JsonResponse:
    return json_response(frames.error_frame("invalid_frame", message), 400)


def api_login_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not request.user.is_authenticated:
            return json_response(frames.error_frame("unauthenticated", "Log in first."), 401)
        if not all(is_id(value) for value in kwargs.values() if isinstance(value, int)):
            return json_response(NOT_FOUND, 404)  # an id past a bigint overflowed the driver
        try:
            return view(request, *args, **kwargs)
        except (ConversationNotFound, Http404):
            return json_response(NOT_FOUND, 404)

    return wrapper


def read_json(request: HttpRequest) -> dict[str, Any]:
    try:
        data = json.loads(request.body.decode("utf-8") or "{}")
    except (UnicodeDecodeError, ValueError):
        raise ValueError("The request body is not valid JSON.") from None
    if not isinstance(data, dict):
        raise ValueError("The request body must be a JSON object.")
    return data


def _int_param(request: HttpRequest, name: str, default: int | None) -> int | None:
    raw = request.GET.get(name)
    if raw in (None, ""):
        return default
    # ASCII digits within a bigint: "²".isdigit() is true and int("²") raises (issue 17).
    if not (raw.isascii() and raw.isdigit() and len(raw) <= MAX_ID_DIGITS and is_id(int(raw))):
        raise ValueError(f"{name}: expected a whole number.")
    return int(raw)


@require_http_methods(["GET"])
@api_login_required
def conversation_list(request: HttpRequest) -> JsonResponse:
    chosen = request.GET.get("filter", "all")
    if chosen not in selectors.FILTERS:
        return bad_request(f"filter: one of {', '.join(selectors.FILTERS)}.")
    for name in ("label", "q", "cursor"):
        if not is_text(request.GET.get(name, "")):  # PostgreSQL refuses a NUL in a query
            return bad_request(f"{name}: expected text (UTF-8, no NUL).")
    page = selectors.inbox_page(
        request.user,
        filter=chosen,
        label=request.GET.get("label") or None,
        q=request.GET.get("q") or None,
        cursor=request.GET.get("cursor") or None,
    )
    return json_response({"conversations": page.summaries(), "next": page.next_cursor})


@require_http_methods(["GET", "POST"])
@api_login_required
def conversation_messages(request: HttpRequest, conversation_id: int) -> JsonResponse:
    conversation = selectors.conversation_for_user(request.user, conversation_id)
    if request.method == "POST":
        return _send(request, conversation)
    try:
        before_seq = _int_param(request, "before_seq", None)
        limit = _int_param(request, "limit", 50)
    except ValueError as exc:
        return bad_request(str(exc))
    messages, has_more = selectors.history_page(
        request.user, conversation, before_seq=before_seq, limit=limit
    )
    return json_response(
        {
            "messages": [frames.serialize_message(m, for_user=request.user) for m in messages],
            "has_more": has_more,
            "last_seq": conversation.last_seq,
        }
    )


def _send_arguments(request: HttpRequest) -> tuple[str, str, list[UploadedFile]]:
    """(client_id, body, uploaded files) from a JSON body or a multipart form with files."""
    if request.content_type == "multipart/form-data":
        return (
            request.POST.get("client_id", ""),
            request.POST.get("body", ""),
            request.FILES.getlist("files"),
        )
    data = read_json(request)
    client_id, body = data.get("client_id", ""), data.get("body")
    if not isinstance(client_id, str) or not isinstance(body, str):
        raise ValueError("client_id and body: expected text.")
    return client_id, body, []


def _send_problem(client_id: str, body: str) -> str | None:
    """The socket's schema (inbox.protocol) for a send over HTTP: a lone surrogate in
    client_id was a 500 (issue 17, finding 1)."""
    low, high = CLIENT_ID_LENGTH
    if not is_identifier(client_id, min_length=low, max_length=high):
        return f"client_id: expected {low} to {high} characters of text without control characters."
    if not is_text(body):
        return "body: expected text (UTF-8, no NUL)."
    return None


def _send(request: HttpRequest, conversation) -> JsonResponse:
    try:
        client_id, body, uploads = _send_arguments(request)
    except ValueError as exc:
        return bad_request(str(exc))
    problem = _send_problem(client_id, body)
    if problem is not None:
        return bad_request(problem)
    try:
        attachments = [read_upload(upload) for upload in uploads]  # size checked before reading
        sent = send_message(
            conversation=conversation,
            sender=request.user,
            body=body,
            client_id=client_id,
            attachments=attachments,
        )
    except SendError as error:
        return error_response(error, client_id=client_id)
    return json_response(sent.ack, 200 if sent.duplicate else 201)


STATE_FIELDS = ("starred", "archived", "spam", "muted")


@require_http_methods(["POST"])
@api_login_required
def conversation_state(request: HttpRequest, conversation_id: int) -> JsonResponse:
    conversation = selectors.conversation_for_user(request.user, conversation_id)
    try:
        data = read_json(request)
    except ValueError as exc:
        return bad_request(str(exc))
    changes: dict[str, Any] = {}
    for name in STATE_FIELDS:
        if name in data:
            if not isinstance(data[name], bool):
                return bad_request(f"{name}: expected true or false.")
            changes[name] = data[name]
    if "labels" in data:
        changes["labels"] = data["labels"]
    try:
        services.update_participant(conversation=conversation, user=request.user, **changes)
    except ValidationError as exc:
        return bad_request(" ".join(exc.messages))
    participant = selectors.inbox_participant(request.user, conversation_id)
    return json_response({"conversation": frames.serialize_summary(participant)})


@require_http_methods(["POST"])
@api_login_required
def conversation_unread(request: HttpRequest, conversation_id: int) -> JsonResponse:
    """Mark unread from the other participant's last message: `{"conversation": summary}`."""
    conversation = selectors.conversation_for_user(request.user, conversation_id)
    mark_unread(conversation=conversation, user=request.user)
    participant = selectors.inbox_participant(request.user, conversation_id)
    return json_response({"conversation": frames.serialize_summary(participant)})


@require_http_methods(["POST", "DELETE"])
@api_login_required
def block(request: HttpRequest, username: str) -> JsonResponse:
    other = get_object_or_404(get_user_model(), username=username, is_active=True)
    try:
        if request.method == "POST":
            services.block_user(blocker=request.user, blocked=other)
        else:
            services.unblock_user(blocker=request.user, blocked=other)
    except SendError as error:
        return error_response(error)
    return json_response({"username": other.username, "blocked": request.method == "POST"})


@require_http_methods(["GET", "POST"])
def attachment(request: HttpRequest, attachment_id: int) -> HttpResponse:
    """The file, to participants and staff only, always as a download of the detected type;
    staff who are not a party go through inbox.staff_files (a reason, recorded first)."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    item = selectors.attachment_for_user(request.user, attachment_id)
    if item is None:
        raise Http404("No such file.")
    if request.user.pk not in item.conversation.user_ids():
        return staff_download(request, item)
    return file_response(item)
