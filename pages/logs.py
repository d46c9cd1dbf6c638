"""Structured logs: one JSON object a line, a request id per request, no CPR number or query string.

`RequestLogMiddleware` (at the top of MIDDLEWARE) gives each request an id (the caller's
`X-Request-ID` when it is well-formed, else a new one), echoes it in the response, keeps it for
every line logged while the request runs, and writes the access log line itself: method, path
without its query string (staff search the admin by CPR number with a GET), status, duration,
client. The handler's filters then drop query strings and mask CPR numbers in every record,
whoever logged it (Django, uvicorn, Celery, our code), before `JSONFormatter` writes it.
"""

import json
import logging
import re
import secrets
import time
from collections.abc import Callable
from contextvars import ContextVar
from datetime import UTC, datetime

from django.http import HttpRequest, HttpResponseBase

from .clients import client_address

REQUEST_ID_HEADER = "X-Request-ID"
# Wide enough for UUIDs and the ids proxies and load balancers make; nothing that could break
# a log line or a header.
WELL_FORMED_REQUEST_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{7,127}")
# Ten digits, or six, a dash and four, not inside a longer number: what a CPR number looks like.
CPR_NUMBER = re.compile(r"(?<!\d)\d{6}-?\d{4}(?!\d)")
CPR_MASK = "******-****"
ID_SEPARATORS = re.compile(r"[._:-]")
TEN_DIGITS = re.compile(r"\d{10}")
# A path (or URL) followed by a query string: keep the path.
QUERY_STRING = re.compile(r"(/[^\s?\"'<>]*)\?[^\s\"'<>]*")

current_request_id: ContextVar[str | None] = ContextVar("current_request_id", default=None)
access_log = logging.getLogger("portal.access")

# The attributes every LogRecord has; anything else was passed as `extra`.
STANDARD_ATTRIBUTES = frozenset(logging.LogRecord("", 0, "", 0, "", (), None).__dict__) | {
    "message",
    "asctime",
    "request_id",
    "color_message",
}


def mask_cpr_numbers(text: str) -> str:
    return CPR_NUMBER.sub(CPR_MASK, text)


def _holds_cpr_shape(request_id: str) -> bool:
    """Ten digits in a row once the id's separators are dropped: a CPR number written with a
    dot, a colon or an underscore ("010190.1234", "01.01.90-1234") or inside a longer number
    is one still to whoever reads the log, though the mask's pattern misses it."""
    return bool(TEN_DIGITS.search(ID_SEPARATORS.sub("", request_id)))


def new_request_id() -> str:
    # URL-safe base64 rather than hex: a hex UUID often holds ten digits in a row, which the
    # CPR mask would then hide in every log line of that request.
    return secrets.token_urlsafe(16)


class RequestLogMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        incoming = request.headers.get(REQUEST_ID_HEADER, "")
        # The id is logged as it came, past the CPR mask (which would break it up): one holding
        # anything shaped like a CPR number is replaced, or a caller could write one in the log.
        request_id = (
            incoming
            if WELL_FORMED_REQUEST_ID.fullmatch(incoming) and not _holds_cpr_shape(incoming)
            else new_request_id()
        )
        token = current_request_id.set(request_id)
        # Also on the request: Django logs a 4xx or 5xx after the last middleware returned,
        # with the request as `extra` (RequestIdFilter looks there too).
        request.request_id = request_id  # type: ignore[attr-defined]
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            response[REQUEST_ID_HEADER] = request_id
            access_log.info(
                "%s %s %s",
                request.method,
                request.path,
                response.status_code,
                extra={
                    "method": request.method,
                    "path": request.path,
                    "status": response.status_code,
                    "duration_ms": round(1000 * (time.perf_counter() - started), 1),
                    "client": client_address(request),
                },
            )
            return response
        finally:
            current_request_id.reset(token)


class RequestIdFilter(logging.Filter):
    """Adds the id of the request being handled (None outside a request)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = current_request_id.get() or getattr(
            getattr(record, "request", None), "request_id", None
        )
        return True


class DropQueryStrings(logging.Filter):
    """Cuts the query string off every path or URL in the message (uvicorn's websocket lines
    carry one, and so would any message that names a full path)."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = _message(record)
        if "?" in message:
            record.msg, record.args = QUERY_STRING.sub(r"\1", message), None
        return True


class QuietHealthProbes(logging.Filter):
    """Drops Django's "Service Unavailable: /health/" line (and /health/delivery/'s): while a
    part is down a monitor probes every few seconds, and the health view has logged which
    part and why already."""

    def filter(self, record: logging.LogRecord) -> bool:
        # By the view's URL name, wherever the health check is mounted.
        match = getattr(getattr(record, "request", None), "resolver_match", None)
        return not (
            getattr(record, "status_code", None) == 503
            and getattr(match, "view_name", None) in ("health", "health-delivery")
        )


class MaskCPRNumbers(logging.Filter):
    """Replaces anything shaped like a CPR number in the message, the traceback, the stack and
    text passed as `extra`."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg, record.args = mask_cpr_numbers(_message(record)), None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = mask_cpr_numbers(record.exc_text)
        if record.stack_info:
            record.stack_info = mask_cpr_numbers(record.stack_info)
        for key, value in list(record.__dict__.items()):
            if key not in STANDARD_ATTRIBUTES and isinstance(value, str):
                setattr(record, key, mask_cpr_numbers(value))
        return True


class JSONFormatter(logging.Formatter):
    """One JSON object a line: time, level, logger, message, request_id, the plain values given
    as `extra`, and the exception or stack when there is one."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, tz=UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", None),
        }
        for key, value in record.__dict__.items():
            # Plain values only: Django passes the request object itself, whose repr carries
            # the query string.
            if key not in STANDARD_ATTRIBUTES and isinstance(value, str | int | float | bool):
                entry[key] = value
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            entry["exception"] = record.exc_text
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


def _message(record: logging.LogRecord) -> str:
    try:
        return record.getMessage()
    except (TypeError, ValueError):  # arguments that do not fit the format: keep them apart
        return f"{record.msg} {record.args!r}"
