"""Security headers on every response: Content-Security-Policy and Permissions-Policy.

The policy itself is in settings (`CONTENT_SECURITY_POLICY`, `PERMISSIONS_POLICY`); these
middleware only write it.
"""

from collections.abc import Callable

from csp.middleware import CSPMiddleware, PolicyParts
from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.http import HttpRequest, HttpResponseBase


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's middleware, with the page's own host named for websockets in connect-src.

    CSP Level 3 lets 'self' match ws: and wss: on the same host, but browsers that predate it
    (older Safari) need the scheme spelled out, and the live QR login must work in them too.
    A separate websocket host (`WEBSOCKET_URL`) is in the settings' policy.
    """

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
