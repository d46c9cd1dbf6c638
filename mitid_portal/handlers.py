"""The machines' own way through Django: the same project and URLs, fewer middleware.

Pages need sessions, CSRF, languages, messages and users; the App API (JSON, signed requests,
no cookies) and the OpenID Connect endpoints a party's server calls (token, userinfo, JWKS,
revocation, discovery) use none of them, and paid for them on every request. The server's
application sends each request whose path starts with `APP_API_PREFIX`, or is one of those
endpoints' paths exactly (`relying_parties.endpoints.SERVER_PATHS`), to a handler that loads
`MACHINE_MIDDLEWARE` instead of `MIDDLEWARE`. That is sound because every path under the
prefix resolves inside `app_api.urls` (its last pattern answers anything else under it with a
JSON 404), and each of the exact paths resolves to its endpoint's view: no page can be reached
without the page's middleware. The path compared is the one Django resolves, worked out as
Django's own request classes work it out.
"""

from collections.abc import Awaitable, Callable, Iterable
from typing import Any

from django.conf import settings
from django.core.asgi import get_asgi_application
from django.core.handlers.asgi import ASGIHandler, get_script_prefix
from django.core.handlers.base import BaseHandler
from django.core.handlers.wsgi import WSGIHandler, get_path_info
from django.core.wsgi import get_wsgi_application
from django.http import HttpRequest, HttpResponseBase
from django.utils import translation

from relying_parties.endpoints import SERVER_PATHS


class MachineMiddleware(BaseHandler):
    """Mixed into a handler: `MACHINE_MIDDLEWARE` in place of `MIDDLEWARE`, and the default
    language, not whatever the thread's last page request activated (no LocaleMiddleware)."""

    def load_middleware(self, is_async: bool = False) -> None:
        # BaseHandler reads settings.MIDDLEWARE and nothing else; this runs once, at start-up.
        pages = settings.MIDDLEWARE
        settings.MIDDLEWARE = settings.MACHINE_MIDDLEWARE
        try:
            super().load_middleware(is_async)
        finally:
            settings.MIDDLEWARE = pages

    def get_response(self, request: HttpRequest) -> HttpResponseBase:
        translation.activate(settings.LANGUAGE_CODE)
        return super().get_response(request)

    async def get_response_async(self, request: HttpRequest) -> HttpResponseBase:
        translation.activate(settings.LANGUAGE_CODE)
        return await super().get_response_async(request)


class MachineWSGIHandler(MachineMiddleware, WSGIHandler):
    pass


class MachineASGIHandler(MachineMiddleware, ASGIHandler):
    pass


def is_app_api(path_info: str) -> bool:
    return path_info.startswith(settings.APP_API_PREFIX)


def is_machine(path_info: str) -> bool:
    """The App API's paths, and those of the OpenID Connect endpoints a party's server calls."""
    return is_app_api(path_info) or path_info in SERVER_PATHS


def wsgi_application() -> Callable[..., Iterable[bytes]]:
    """The WSGI application: the machines' paths through their handler, the rest as usual."""
    pages = get_wsgi_application()
    machines = MachineWSGIHandler()

    def application(environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        handler = machines if is_machine(get_path_info(environ)) else pages
        return handler(environ, start_response)

    return application


ASGIApp = Callable[[dict[str, Any], Any, Any], Awaitable[None]]


def asgi_application() -> ASGIApp:
    """The ASGI application for HTTP, dispatched as `wsgi_application` is."""
    pages = get_asgi_application()
    machines = MachineASGIHandler()

    async def application(scope: dict[str, Any], receive: Any, send: Any) -> None:
        path_info = scope.get("path", "").removeprefix(get_script_prefix(scope))
        handler = machines if scope["type"] == "http" and is_machine(path_info) else pages
        await handler(scope, receive, send)

    return application
