"""Request and socket logs: one line per HTTP request and per socket event, safe to keep.

- `RequestLogMiddleware` gives each request an id (X-Request-ID from nginx when it is a sane
  token, else a new one), echoes it in the response, and logs method, path (never the query
  string), status, duration and the user id when the request already looked the user up.
- `log_socket_event(event, scope=..., **fields)` is the same for WebSocket events.
- `SensitiveDataFilter` (on the handler, so it covers every logger, Django's and ours)
  masks known-sensitive keys (passwords, tokens, cookies, message bodies, emails, phones)
  and scrubs email addresses, phone numbers, query-string values and secret path segments
  (password-reset and email-confirmation keys) from the text.
- `JsonFormatter` writes one JSON object per line when LOG_FORMAT=json; `PlainFormatter`
  (the default) one text line ending in `rid=<request id>` for request and socket lines.
- Both encode control characters (`encode_controls`: CR, LF, NUL, ANSI escapes, the other
  C0/C1 controls, U+2028/U+2029), so that text from users (bodies, names, paths, user
  agents) can never start a second line or forge a record (ASVS 16.4.1, RELIABILITY S21).
  One record is one line in both formats, a plain traceback included (its newlines are `\n`).

This module is named like the stdlib; inside it `logging` is the stdlib (absolute imports).
"""

from __future__ import annotations

import json
import logging
import os
import re
import time
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any

from asgiref.sync import iscoroutinefunction, markcoroutinefunction

from config.request_ids import clean_request_id, socket_request_id

request_logger = logging.getLogger("gigbox.request")
socket_logger = logging.getLogger("gigbox.socket")

REQUEST_ID_HEADER = "X-Request-ID"
PROCESS_HEADER = "X-Gigbox-Process"

FILTERED = "[filtered]"

# Keys whose values never reach a log, whatever logger or `extra=` carries them.
_SENSITIVE_KEY_PARTS = (
    "password",
    "passwd",
    "secret",
    "token",
    "authorization",
    "cookie",
    "session",
    "csrf",
    "body",
    "email",
    "phone",
    "signature",
    "private",
)
_SENSITIVE_KEYS = {"key", "text", "login", "content", "message_text", "original", "contact"}

# Secret path segments: allauth password-reset and email-confirmation keys.
_PATH_SCRUBBERS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"(/password/reset/key/)[^/\s\"']+"), r"\1" + FILTERED),
    (re.compile(r"(/confirm-email/)[^/\s\"']+"), r"\1" + FILTERED),
)
# Patterns scrubbed from any text that is logged.
_SCRUBBERS: tuple[tuple[re.Pattern[str], str], ...] = (
    *_PATH_SCRUBBERS,
    # Query-string values (tokens, search terms, emails).
    (re.compile(r"([?&][^=&\s\"'#]+=)[^&\s\"'#]*"), r"\1" + FILTERED),
    (re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"), "[email]"),
    # Phone-like runs of 9+ digits (spaces, dots, dashes, brackets and a leading + allowed).
    # Shorter runs stay: row ids and durations must remain readable; dates are not phones.
    (re.compile(r"(?<![\w.])(?!\d{4}-\d{2}-\d{2})\+?\(?\d(?:[\s().-]{0,3}\d){8,}"), "[phone]"),
)
# Fields we write ourselves: never masked, and a path keeps its ids (only secrets go).
_TRUSTED_FIELDS = {
    "request_id",
    "method",
    "status",
    "duration_ms",
    "user_id",
    "process_name",
    "code",
    "event",
    "ip",
}
_PATH_FIELDS = {"path"}

# LogRecord attributes that are not `extra=` fields.
_RECORD_ATTRS = set(vars(logging.makeLogRecord({}))) | {"message", "asctime", "taskName"}
# `extra=` objects that are never written (Django attaches the request to django.request records).
_SKIPPED_EXTRAS = {"request", "scope", "server_time"}


# Everything that can end a line for some reader (str.splitlines, terminals, JSON-in-JS) or
# drive a terminal: C0 controls but tab, DEL, C1 controls (NEL), U+2028/U+2029.
_CONTROL_CHARS = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f\u2028\u2029]")
_NAMED_ESCAPES = {"\n": "\\n", "\r": "\\r"}


def _escape_control(match: re.Match[str]) -> str:
    char = match.group()
    code = ord(char)
    return _NAMED_ESCAPES.get(char) or (f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")


def encode_controls(text: str) -> str:
    """`text` on one line, control characters written as visible escapes (\\n, \\x1b ...)."""
    return _CONTROL_CHARS.sub(_escape_control, text)


def _json_line(entry: Mapping[str, Any]) -> str:
    # json.dumps escapes C0 controls itself; with ensure_ascii=False it keeps DEL, C1 and
    # U+2028/U+2029 raw, which are only legal inside strings, where \\uXXXX means the same.
    return _CONTROL_CHARS.sub(
        lambda m: f"\\u{ord(m.group()):04x}", json.dumps(entry, default=str, ensure_ascii=False)
    )


def scrub_text(text: str, scrubbers=_SCRUBBERS) -> str:
    for pattern, replacement in scrubbers:
        text = pattern.sub(replacement, text)
    return text


def scrub_path(path: str) -> str:
    return scrub_text(path, _PATH_SCRUBBERS)


def is_sensitive_key(key: str) -> bool:
    lowered = key.lower()
    return lowered in _SENSITIVE_KEYS or any(part in lowered for part in _SENSITIVE_KEY_PARTS)


def scrub_value(value: Any, *, depth: int = 0) -> Any:
    """Mask sensitive keys in mappings (recursively) and scrub strings."""
    if depth > 4:
        return FILTERED
    if isinstance(value, str):
        return scrub_text(value)
    if isinstance(value, Mapping):
        return {
            str(k): FILTERED if is_sensitive_key(str(k)) else scrub_value(v, depth=depth + 1)
            for k, v in value.items()
        }
    if isinstance(value, (list, tuple)):
        return [scrub_value(v, depth=depth + 1) for v in value]
    if value is None or isinstance(value, (bool, int, float)):
        return value
    return scrub_text(str(value))


class SensitiveDataFilter(logging.Filter):
    """Mask secrets and personal data in every record that reaches the handler."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken format string must not lose the record
            message = str(record.msg)
        record.msg = scrub_text(message)
        record.args = ()
        for key in [k for k in vars(record) if k not in _RECORD_ATTRS]:
            if key in _SKIPPED_EXTRAS:
                delattr(record, key)
            elif key in _TRUSTED_FIELDS:
                continue
            elif key in _PATH_FIELDS:
                setattr(record, key, scrub_path(str(getattr(record, key))))
            elif is_sensitive_key(key):
                setattr(record, key, FILTERED)
            else:
                setattr(record, key, scrub_value(getattr(record, key)))
        if record.exc_info and not record.exc_text:
            # Render the traceback now so that it is scrubbed too (exception messages can
            # carry input, e.g. a ValidationError quoting a value).
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = scrub_text(record.exc_text)
            record.exc_info = None
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message and the `extra=` fields."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key, value in vars(record).items():
            if key not in _RECORD_ATTRS and key not in _SKIPPED_EXTRAS:
                entry[key] = value
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            entry["exc"] = record.exc_text
        return _json_line(entry)


class PlainFormatter(logging.Formatter):
    """The text line, plus ` rid=<request id>` when the record carries one (request and socket
    lines), so that a plain log meets nginx's access log and the user's report on one id.

    Appended here rather than written into the message: the filter scrubs messages, and an id
    that starts with nine digits would come out as "[phone]"; `request_id` is a trusted field.
    """

    def format(self, record: logging.LogRecord) -> str:
        line = super().format(record)
        request_id = getattr(record, "request_id", None)
        if request_id:
            first, newline, rest = line.partition("\n")  # before a traceback, if any
            line = f"{first} rid={request_id}{newline}{rest}"
        return encode_controls(line)


def process_name() -> str:
    """The name the server runner gave this process (web1, web2 …), or '' outside it."""
    return os.environ.get("GIGBOX_PROCESS_NAME", "")


def _loaded_user_id(request: Any) -> int | None:
    """The user id if the request already looked the user up; never a query just to log."""
    user = getattr(request, "user", None)
    if user is None:
        return None
    wrapped = getattr(user, "_wrapped", user)
    from django.utils.functional import empty

    if wrapped is empty:
        return None
    return wrapped.pk if getattr(wrapped, "is_authenticated", False) else None


class RequestLogMiddleware:
    """First in MIDDLEWARE: times the whole request, tags it with an id, logs one line."""

    sync_capable = True
    async_capable = True

    def __init__(self, get_response: Callable) -> None:
        self.get_response = get_response
        self.is_async = iscoroutinefunction(get_response)
        if self.is_async:
            markcoroutinefunction(self)

    def __call__(self, request):
        if self.is_async:
            return self._acall(request)
        started = self._start(request)
        response = self.get_response(request)
        return self._finish(request, response, started)

    async def _acall(self, request):
        started = self._start(request)
        response = await self.get_response(request)
        return self._finish(request, response, started)

    @staticmethod
    def _start(request) -> float:
        from config import security  # it imports channels, which imports Django settings

        request.request_id = clean_request_id(request.META.get("HTTP_X_REQUEST_ID"))
        security.bind_request(request)
        return time.perf_counter()

    @staticmethod
    def _finish(request, response, started: float):
        duration_ms = round((time.perf_counter() - started) * 1000, 1)
        response[REQUEST_ID_HEADER] = request.request_id
        if name := process_name():
            response[PROCESS_HEADER] = name
        status = response.status_code
        fields = {
            "request_id": request.request_id,
            "method": request.method,
            "path": request.path,
            "status": status,
            "duration_ms": duration_ms,
            "user_id": _loaded_user_id(request),
            "process_name": process_name(),
        }
        level = logging.ERROR if status >= 500 else logging.INFO
        request_logger.log(
            level,
            "%s %s %s %.1fms",
            request.method,
            request.path,
            status,
            duration_ms,
            extra=fields,
        )
        return response


def log_socket_event(event: str, *, scope: Mapping[str, Any] | None = None, **fields: Any) -> None:
    """One line for a WebSocket event, e.g. from a consumer:

        log_socket_event("connect", scope=self.scope)
        log_socket_event("disconnect", scope=self.scope, code=close_code)
        log_socket_event("close", scope=self.scope, code=4401, reason="anonymous")

    Adds request_id, path and user_id from the scope. Never pass message bodies: keys that
    look sensitive are masked by the filter anyway.
    """
    entry: dict[str, Any] = {"event": event, "process_name": process_name()}
    if scope is not None:
        entry["request_id"] = socket_request_id(scope)
        entry["path"] = scope.get("path", "")
        user = scope.get("user")
        if user is not None and getattr(user, "is_authenticated", False):
            entry["user_id"] = user.pk
    entry.update(fields)
    details = " ".join(f"{k}={entry[k]}" for k in ("code", "user_id") if entry.get(k) is not None)
    socket_logger.info("ws %s %s %s", event, entry.get("path", ""), details, extra=entry)
