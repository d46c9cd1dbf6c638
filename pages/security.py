"""Security headers on every response: Content-Security-Policy and Permissions-Policy.

The policy itself is in settings (`CONTENT_SECURITY_POLICY`, `PERMISSIONS_POLICY`); these
middleware only write it.
"""

from collections.abc import Callable
from functools import lru_cache
from typing import Any

from csp.constants import HEADER
from csp.middleware import CheckableLazyObject, CSPMiddleware, PolicyParts
from csp.utils import build_policy
from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponseBase

# What a response may carry to change its policy (django-csp's decorators, `allow_form_action`).
_CHANGES = ("_csp_config", "_csp_update", "_csp_replace", "_csp_exempt")


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's middleware, with the page's own host named for websockets in connect-src.

    CSP Level 3 lets 'self' match ws: and wss: on the same host, but browsers that predate it
    (older Safari) need the scheme spelled out, and the live QR login must work in them too.
    A separate websocket host (`WEBSOCKET_URL`) is in the settings' policy.
    """

    def process_response(self, request: HttpRequest, response: HttpResponseBase) -> Any:
        """django-csp's; but a response that changes nothing in the policy (most: no nonce, no
        update, replacement or exemption of its own, no report-only policy) gets its host's
        policy as built once a process: django-csp builds it for every response, from deep
        copies of its parts (about 0.2 M instructions a request)."""
        if not self._plain(request, response):
            return super().process_response(request, response)
        try:
            host = request.get_host()
        except DisallowedHost:
            return super().process_response(request, response)
        response[HEADER] = _policy_for("wss" if request.is_secure() else "ws", host)
        # As django-csp: a nonce asked for after the header is written is an error.
        request.csp_nonce = CheckableLazyObject(self._csp_nonce_post_response)  # type: ignore[attr-defined]
        return response

    @staticmethod
    def _plain(request: HttpRequest, response: HttpResponseBase) -> bool:
        policy = getattr(settings, "CONTENT_SECURITY_POLICY", None) or {}
        return (
            HEADER not in response
            and getattr(request, "_csp_nonce", None) is None
            and not any(hasattr(response, change) for change in _CHANGES)
            and not getattr(settings, "CONTENT_SECURITY_POLICY_REPORT_ONLY", None)
            and not policy.get("EXCLUDE_URL_PREFIXES")
            and not (settings.DEBUG and response.status_code in (404, 500))
        )

    def get_policy_parts(
        self, request: HttpRequest, response: HttpResponseBase, report_only: bool = False
    ) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        if report_only:
            return parts
        try:
            host = request.get_host()
        except DisallowedHost:
            return parts
        scheme = "wss" if request.is_secure() else "ws"
        update = dict(parts.update or {})
        update["connect-src"] = [*update.get("connect-src", ()), f"{scheme}://{host}"]
        parts.update = update
        return parts


@lru_cache(maxsize=32)
def _policy_for(scheme: str, host: str) -> str:
    """The settings' policy with this host's websockets in connect-src, as the middleware's
    `get_policy_parts` makes it for a response that changes nothing (a host is an allowed
    one: the few a deployment has)."""
    return build_policy(update={"connect-src": [f"{scheme}://{host}"]})


@receiver(setting_changed)
def _policy_changed(*, setting: str, **kwargs: Any) -> None:
    if setting.startswith("CONTENT_SECURITY_POLICY"):
        _policy_for.cache_clear()


class PermissionsPolicyMiddleware:
    """`Permissions-Policy` from `settings.PERMISSIONS_POLICY`: feature -> allowed origins,
    an empty list denying the feature to every origin, this one included."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", permissions_policy())
        return response


def permissions_policy() -> str:
    return ", ".join(
        f"{feature}=({' '.join(origins)})"
        for feature, origins in settings.PERMISSIONS_POLICY.items()
    )


def allow_form_action(response: HttpResponseBase, origin: str) -> None:
    """Let this page's forms end at `origin` too: browsers hold the redirects after a form
    to the page's `form-action` (a login or consent page for a relying party ends at it)."""
    response._csp_update = {"form-action": [origin]}  # type: ignore[attr-defined]
