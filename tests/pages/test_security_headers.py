"""Content-Security-Policy and Permissions-Policy on every response, and no page that the
policy would break: no inline script, inline style or event handler attribute anywhere."""

import subprocess
import sys
from collections.abc import Callable
from html.parser import HTMLParser
from typing import Any

import pytest
from django.contrib.auth.models import Group
from django.template.loader import render_to_string
from django.test import Client

from authenticators.models import Identity
from tests.factories import AppDeviceFactory, IdentityFactory, active_code_device
from tests.logins import log_in_with_mitid
from tests.staff.helpers import log_in_staff, staff_member
from tests.test_settings import ROOT
from translations.access import GROUP

pytestmark = pytest.mark.django_db

LANGUAGES = ("da", "en", "kl")
PUBLIC_PAGES = [
    "",
    "get-mitid/",
    "alternatives/",
    "safety/",
    "help/",
    "help/help-someone-else/",
    "nemid/login/",
    "enrollment/check-user-id/",
    "enrollment/documents/terms/",
    "login/",
    "demo/outbox/",
    "demo/app/",
    "demo/code-device/",
    "no-such-page/",
]
ENROLLMENT_PAGES = ["enrollment/", "enrollment/method/", "enrollment/bank/"]
SELFSERVICE_PAGES = [
    "selfservice/",
    "selfservice/user-id/",
    "selfservice/contact/",
    "selfservice/settings/",
    "selfservice/block/",
    "selfservice/app/",
    "authenticators/chip/",
]
OTHER_RESPONSES = [
    "/health/",
    "/api/app/v1/openapi.json",
    "/api/app/v1/no-such-call",
    "/admin/login/",
    "/admin/translations/",
    "/static/portal/portal.css",
    "/",
]
ADMIN_PAGES = [
    "/admin/",
    "/admin/authenticators/identity/",
    "/admin/authenticators/appdevice/",
    "/admin/audit/auditentry/",
    "/admin/enrollment/appointmentslot/add/",
    "/admin/enrollment/deviceorder/",
    "/admin/auth/user/",
    "/admin/auth/user/add/",
    "/admin/auth/group/add/",
]
TRANSLATION_PAGES = [
    "/admin/translations/files/project/",
    "/admin/translations/files/project/da/0/",
    "/admin/translations/files/project/kl/0/?msg_filter=untranslated",
]


def assert_security_headers(response: Any, where: str) -> None:
    csp = response.get("Content-Security-Policy", "")
    directives = {part.split()[0]: part.split()[1:] for part in csp.split(";") if part.strip()}
    assert directives.get("script-src") == ["'self'"], f"{where}: {csp}"
    assert directives.get("style-src") == ["'self'"], f"{where}: {csp}"
    assert directives.get("default-src") == ["'self'"], f"{where}: {csp}"
    assert directives.get("object-src") == ["'none'"], f"{where}: {csp}"
    assert directives.get("frame-ancestors") == ["'none'"], f"{where}: {csp}"
    assert "'unsafe-inline'" not in csp and "'unsafe-eval'" not in csp, where
    policy = response.get("Permissions-Policy", "")
    for denied in ("camera=()", "microphone=()", "geolocation=()", "payment=()", "usb=()"):
        assert denied in policy, f"{where}: {policy}"
    assert "publickey-credentials-get=(self)" in policy, f"{where}: {policy}"
    assert "publickey-credentials-create=(self)" in policy, f"{where}: {policy}"


class InlineCode(HTMLParser):
    """Collects what a `script-src 'self'; style-src 'self'` policy would block."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        data_block = attributes.get("type") in ("application/json", "application/ld+json")
        if tag == "script" and "src" not in attributes and not data_block:
            self.found.append("inline <script>")
        if tag == "style":
            self.found.append("<style> element")
        for name, value in attrs:
            if name == "style":
                self.found.append(f'style="{value}" on <{tag}>')
            if name.startswith("on"):
                self.found.append(f"{name} handler on <{tag}>")
            if name in ("href", "src", "action") and (value or "").startswith("javascript:"):
                self.found.append(f"javascript: URL on <{tag}>")


def inline_code(html: str) -> list[str]:
    parser = InlineCode()
    parser.feed(html)
    return parser.found


def check(client: Client, url: str, *, status: tuple[int, ...] = (200,)) -> Any:
    response = client.get(url)
    assert response.status_code in status, f"{url}: {response.status_code}"
    assert_security_headers(response, url)
    if response.get("Content-Type", "").startswith("text/html"):
        assert inline_code(response.content.decode()) == [], url
    return response


@pytest.mark.parametrize("language", LANGUAGES)
def test_public_pages_in_each_language(client: Client, language: str) -> None:
    for page in PUBLIC_PAGES:
        check(client, f"/{language}/{page}", status=(200, 302, 404))


@pytest.mark.urls("tests.pages.danish_only_urls")
@pytest.mark.parametrize("language", ["en", "kl"])
def test_the_trilingual_notice_too(client: Client, language: str) -> None:
    check(client, f"/{language}/danish-only/", status=(200,))


def test_other_responses_carry_the_headers_too(client: Client) -> None:
    for url in OTHER_RESPONSES:
        check(client, url, status=(200, 302, 404))


@pytest.mark.parametrize("language", LANGUAGES)
def test_enrollment_pages_after_nemid(nemid_client: Callable[..., Client], language: str) -> None:
    client = nemid_client()
    for page in ENROLLMENT_PAGES:
        check(client, f"/{language}/{page}", status=(200, 302))


@pytest.fixture
def karens_client(client: Client) -> Client:
    identity: Identity = IdentityFactory(user_id="karen.h", mobile="+4520304050")
    return log_in_with_mitid(client, identity, active_code_device(identity))


@pytest.mark.parametrize("language", LANGUAGES)
def test_selfservice_pages(karens_client: Client, language: str) -> None:
    for page in SELFSERVICE_PAGES:
        check(karens_client, f"/{language}/{page}", status=(200, 302))


def test_the_admin_works_under_the_policy(client: Client) -> None:
    user = staff_member("root", superuser=True)
    app = AppDeviceFactory()
    log_in_staff(client, user)
    for url in [
        *ADMIN_PAGES,
        f"/admin/authenticators/identity/{app.identity_id}/change/",
        f"/admin/authenticators/appdevice/{app.pk}/change/",
        "/da/demo/outbox/",
    ]:
        check(client, url)
    # An action's form page (staff's own template).
    response = client.post(
        "/admin/authenticators/appdevice/", {"action": "block", "_selected_action": [app.pk]}
    )
    assert response.status_code == 200
    assert response.templates[0].name == "admin/staff/action_form.html"
    assert_security_headers(response, "action form")
    assert inline_code(response.content.decode()) == []


def test_the_catalogue_editor_works_under_the_policy(client: Client) -> None:
    user = staff_member("anna")
    user.groups.add(Group.objects.get(name=GROUP))
    log_in_staff(client, user)
    for url in TRANSLATION_PAGES:
        check(client, url)


def test_the_server_error_page_has_no_inline_style() -> None:
    assert inline_code(render_to_string("500.html")) == []


def test_a_separate_websocket_host_is_allowed_to_connect(client: Client, settings: Any) -> None:
    directives = settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]
    settings.CONTENT_SECURITY_POLICY = {
        "DIRECTIVES": {
            **directives,
            "connect-src": [*directives["connect-src"], "ws://ws.example:8001"],
        }
    }
    csp = client.get("/da/login/")["Content-Security-Policy"]
    connect = next(p.split()[1:] for p in csp.split(";") if p.split()[0] == "connect-src")
    assert connect == ["'self'", "ws://ws.example:8001", "ws://testserver"]


def test_the_pages_own_host_is_allowed_for_websockets(client: Client) -> None:
    csp = client.get("/da/login/", secure=True)["Content-Security-Policy"]
    assert "wss://testserver" in csp
    csp = client.get("/da/login/")["Content-Security-Policy"]
    assert "ws://testserver" in csp


def test_the_websocket_url_setting_reaches_the_policy() -> None:
    # Read at start-up: a new process, with a websocket server of its own.
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "from mitid_portal.settings import base; "
            "print(base.CONTENT_SECURITY_POLICY['DIRECTIVES']['connect-src'])",
        ],
        cwd=ROOT,
        env={"PATH": "/usr/bin:/bin", "WEBSOCKET_URL": "ws://localhost:8001/"},
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.strip() == "[\"'self'\", 'ws://localhost:8001']"


@pytest.mark.parametrize("secure", [False, True])
def test_a_plain_responses_policy_is_the_one_django_csp_builds(secure: bool) -> None:
    """A response that changes nothing in the policy gets it as built once a process for its
    host (`ContentSecurityPolicyMiddleware.process_response`): the same header as django-csp's
    own path, which a response with changes of its own still takes."""
    from csp.middleware import CSPMiddleware
    from django.http import HttpResponse
    from django.test import RequestFactory

    from pages.security import ContentSecurityPolicyMiddleware, allow_form_action

    middleware = ContentSecurityPolicyMiddleware(lambda request: HttpResponse())
    request = RequestFactory().get("/da/login/", secure=secure)
    kept = middleware.process_response(request, HttpResponse())["Content-Security-Policy"]
    built = CSPMiddleware.process_response(
        middleware, RequestFactory().get("/da/login/", secure=secure), HttpResponse()
    )["Content-Security-Policy"]
    assert kept == built and ("wss://testserver" if secure else "ws://testserver") in kept
    changed = HttpResponse()
    allow_form_action(changed, "https://bank.example")
    own = middleware.process_response(request, changed)["Content-Security-Policy"]
    assert "form-action 'self' https://bank.example" in own
