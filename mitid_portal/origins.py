"""Which pages may open the portal's websockets.

Channels' AllowedHostsOriginValidator compares an Origin's host name with ALLOWED_HOSTS and
ignores its port, so a page served on another port of the portal's host (another service
there, to which the browser sends the same cookies) could open the live QR login's socket.
Here an Origin is accepted as Django's CSRF check accepts one for a form: the address the
browser asked for (its Host header, with its port), or one of CSRF_TRUSTED_ORIGINS (the
pages' origin where the websockets are served apart, `WEBSOCKET_URL`). The scheme is not
compared: behind a proxy that ends TLS the socket arrives as ws:// for an https:// page.
"""

from typing import Any
from urllib.parse import urlsplit

from channels.security.websocket import WebsocketDenier
from django.conf import settings
from django.http.request import split_domain_port, validate_host
from django.utils.http import is_same_domain


def _header(scope: dict[str, Any], name: bytes) -> str:
    for key, value in scope.get("headers", ()):
        if key == name:
            return str(value.decode("latin1")).strip().lower()
    return ""


def _allowed_hosts() -> list[str]:
    allowed = list(settings.ALLOWED_HOSTS)
    if settings.DEBUG and not allowed:
        allowed = [".localhost", "127.0.0.1", "[::1]"]
    return allowed


def trusted(origin: str) -> bool:
    """An origin CSRF_TRUSTED_ORIGINS names, exactly or by a `*.` pattern as Django reads it."""
    parts = urlsplit(origin)
    for pattern in settings.CSRF_TRUSTED_ORIGINS:
        allowed = urlsplit(pattern.lower())
        if origin == pattern.lower():
            return True
        wildcard = "*" in allowed.netloc and parts.scheme == allowed.scheme
        if wildcard and is_same_domain(parts.netloc, allowed.netloc.replace("*", "", 1)):
            return True
    return False


def origin_allowed(scope: dict[str, Any]) -> bool:
    origin = _header(scope, b"origin")
    if not origin or origin == "null":
        return False
    if trusted(origin):
        return True
    parts = urlsplit(origin)
    host = _header(scope, b"host")
    domain, _port = split_domain_port(host)
    return (
        parts.scheme in {"http", "https"}
        and bool(domain)
        and parts.netloc == host
        and validate_host(domain, _allowed_hosts())
    )


class SameOriginValidator:
    """Refuses a websocket whose page is not the portal's own (see the module's note)."""

    def __init__(self, application: Any) -> None:
        self.application = application

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> Any:
        if scope["type"] == "websocket" and not origin_allowed(scope):
            denier = WebsocketDenier()
            return await denier(scope, receive, send)
        return await self.application(scope, receive, send)
