"""A part the portal stands on not answering (Redis: the cache with its lock-outs and the App
API's nonces, the channel layer) is an outage, not a fault in the request or in our code.

The citizen gets a page in their language that says so and asks them to try again in a
minute, with `503 Service Unavailable` and `Retry-After`, rather than the error page; the log
gets a warning naming the part, not an error with a traceback for every request while it lasts.
The App API answers the same in JSON (`app_api.views`), the live QR code's websocket closes so
that the page polls instead (`login.consumers`).
"""

import logging
from collections.abc import Callable
from typing import TypeVar

from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.template.response import TemplateResponse
from redis.exceptions import (
    AuthenticationError,
    AuthorizationError,
    ExternalAuthProviderError,
)
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

# Seconds after which a client may ask again (Retry-After).
RETRY_AFTER_SECONDS = 30
OUTAGES: tuple[type[Exception], ...] = (RedisConnectionError, RedisTimeoutError)
REFUSALS: tuple[type[Exception], ...] = (
    AuthenticationError,
    AuthorizationError,
    ExternalAuthProviderError,
)
Response = TypeVar("Response", bound=HttpResponseBase)


def is_outage(error: BaseException) -> bool:
    """Redis not answering; not Redis refusing the portal's credentials (a configuration to
    mend, which keeps its traceback and 500), though redis-py counts those as connection errors."""
    return isinstance(error, OUTAGES) and not isinstance(error, REFUSALS)


def log_outage(request: HttpRequest | None, error: BaseException) -> None:
    """A warning for each request the outage met (None: a websocket)."""
    path = request.path if request is not None else "a websocket"
    logger.warning("Redis did not answer %s: %s", path, error)


def warn(log: logging.Logger, what: str, failure: BaseException) -> None:
    """A warning about `failure`: an outage in one line, anything else with its traceback."""
    if is_outage(failure):
        log.warning("%s: %s", what, failure)
    else:
        log.warning(what, exc_info=failure)


def retry_later(response: Response) -> Response:
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


class OutageMiddleware:
    """A page whose view met an outage: the page that says so (503.html), in the layout."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not is_outage(exception):
            return None
        log_outage(request, exception)
        response = TemplateResponse(request, "503.html", status=503)
        retry_later(response)
        return response
