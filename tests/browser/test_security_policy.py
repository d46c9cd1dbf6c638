"""The Content-Security-Policy and Permissions-Policy break nothing a citizen or staff member
uses: chromium reports no violation on the pages walked here, the live QR code's websocket
connects, htmx swaps, and the admin with its widgets and the catalogue editor run.

The portal runs in a real ASGI server process (websockets), as `make run` serves it.
"""

import importlib
from collections.abc import Iterator

import pytest
from django.apps import apps
from django.contrib.auth.hashers import Argon2PasswordHasher
from django.contrib.auth.models import User
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Browser, Page, expect

from authenticators.models import AppDevice
from staff.demo import current_code
from tests.asgi_server import asgi_server
from tests.factories import AppDeviceFactory

from .test_live_qr_login import FRAME

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "Sikker-2026-root"
USER_ID = "J()nas Jen5en"
# Collects what the browser refused, before any of the page's own scripts run.
LISTEN = """
window.__refused = [];
document.addEventListener("securitypolicyviolation", function (event) {
  window.__refused.push(event.violatedDirective + " " + event.blockedURI);
});
"""


@pytest.fixture
def server(transactional_db: None) -> Iterator[str]:
    with asgi_server(DEMO_MODE="true", CELERY_TASK_ALWAYS_EAGER="true") as url:
        yield url


@pytest.fixture
def root(transactional_db: None) -> User:
    # A transactional test empties the tables after it, groups included: make them again.
    importlib.import_module("staff.migrations.0002_staff_groups").create_groups(apps, None)
    password = Argon2PasswordHasher().encode(PASSWORD, Argon2PasswordHasher().salt())
    user = User.objects.create(username="root", password=password, is_staff=True, is_superuser=True)
    TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    return user


@pytest.fixture
def jonas_app(transactional_db: None) -> AppDevice:
    return AppDeviceFactory(identity__user_id=USER_ID, name="Jonas's phone")


class Watched:
    """A page whose refusals (CSP events and console messages) are kept."""

    def __init__(self, browser: Browser) -> None:
        self.context = browser.new_context()
        self.context.add_init_script(LISTEN)
        self.page = self.context.new_page()
        self.console: list[str] = []
        self.page.on("console", lambda message: self.console.append(message.text))

    def visit(self, url: str) -> Page:
        self.check()
        self.page.goto(url)
        self.page.wait_for_load_state("load")
        return self.page

    def check(self) -> None:
        if self.page.url.startswith("http"):
            refused = self.page.evaluate("window.__refused || []")
            assert refused == [], f"{self.page.url}: {refused}"
        policy = [
            text
            for text in self.console
            if "Content Security Policy" in text
            or "Permissions-Policy" in text
            or "Permissions policy" in text
        ]
        assert policy == [], policy


def test_citizen_pages_run_under_the_policy(
    browser: Browser, server: str, jonas_app: AppDevice
) -> None:
    watched = Watched(browser)
    for language in ("da", "en", "kl"):
        for path in ("", "get-mitid/", "help/", "nemid/login/", "demo/app/", "demo/code-device/"):
            watched.visit(f"{server}/{language}/{path}")

        # htmx: live feedback on a user-ID while typing.
        page = watched.visit(f"{server}/{language}/enrollment/check-user-id/")
        page.locator("input[name=user_id]").fill("Kalle.Anka-2026")
        expect(page.locator("#user-id-feedback")).not_to_be_empty()
        page.wait_for_load_state("networkidle")

    # The live QR code: the websocket connects and frames arrive and are drawn.
    page = watched.visit(f"{server}/en/login/")
    page.get_by_label("User-ID").fill(USER_ID)
    with page.expect_websocket(lambda socket: "/ws/login/app/" in socket.url) as opened:
        page.get_by_role("button", name="Continue").click()
    socket = opened.value
    socket.wait_for_event("framereceived", timeout=5000)
    expect(page.locator("#login-qr")).to_have_attribute("data-frame", FRAME)
    assert not socket.is_closed()

    # The chip's login page (WebAuthn options in a JSON data block, read by our script).
    watched.visit(f"{server}/en/login/chip/")
    watched.check()


def test_the_admin_and_the_catalogue_editor_run_under_the_policy(
    browser: Browser, server: str, root: User, jonas_app: AppDevice
) -> None:
    watched = Watched(browser)
    page = watched.visit(f"{server}/admin/")
    page.get_by_label("Username").fill("root")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_label("Code from your authenticator").fill(
        current_code(TOTPDevice.objects.get(user=root))
    )
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Borgerservice and support")).to_be_visible()

    for path in (
        "/admin/authenticators/identity/",
        f"/admin/authenticators/identity/{jonas_app.identity_id}/change/",
        "/admin/audit/auditentry/",
        "/admin/auth/user/add/",
    ):
        watched.visit(f"{server}{path}")

    # A widget the admin's scripts build (the two-list chooser of a user's permissions).
    page = watched.visit(f"{server}/admin/auth/user/{root.pk}/change/")
    expect(page.locator(".selector-available").first).to_be_visible()
    # The action form page, with the staff's own stylesheet.
    page = watched.visit(f"{server}/admin/authenticators/appdevice/")
    page.locator("input[name=_selected_action]").first.check()
    page.locator("select[name=action]").select_option("block")
    page.get_by_role("button", name="Go").click()
    expect(page.get_by_role("heading", name="Block authenticators")).to_be_visible()
    legend = page.locator("fieldset.staff-choice legend")
    assert legend.evaluate("element => getComputedStyle(element).cssFloat") == "left"

    page = watched.visit(f"{server}/admin/translations/files/project/")
    page = watched.visit(f"{server}/admin/translations/files/project/da/0/")
    expect(page.locator("textarea").first).to_be_visible()
    watched.check()
