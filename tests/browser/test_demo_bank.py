"""A newcomer's walk: the Demo Bank logs Jonas in through the portal by the live QR code, he
approves the transfer in the app, and the bank shows his name, the level and what he approved.

The bank is a real OpenID Connect client (Authlib) talking HTTP to the portal, which runs in a
real ASGI server process; its token call comes back to the same process. With `REDIRECT_URL`
unset that is one uvicorn process; with `REDIS_URL` the app talks to a second process.
"""

import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.test import override_settings
from playwright.sync_api import Page, expect

from authenticators.models import AppDevice, AppLogin
from relying_parties.demo import seed_demo_bank
from relying_parties.models import Approval
from tests.asgi_server import asgi_server
from tests.factories import RegisteredPersonFactory

from .conftest import new_context_without_javascript, screenshot
from .test_live_qr_login import FRAME, jonas_app, mitid_app, read_qr  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TRANSFER = "Overfør 200,00 kr. til konto 1234-567890"


@pytest.fixture
def servers(transactional_db: None) -> Iterator[tuple[str, str]]:
    environment = {"DEMO_MODE": "true", "CELERY_TASK_ALWAYS_EAGER": "true"}
    with asgi_server(**environment) as browser_url:
        with override_settings(DEMO_BANK_ORIGINS=[browser_url]):
            seed_demo_bank()
        if os.environ.get("REDIS_URL"):
            with asgi_server(**environment) as app_url:
                yield browser_url, app_url
        else:
            yield browser_url, browser_url


def log_in_by_qr(page: Page, state: Path, app_url: str, tmp_path: Path, name: str) -> None:
    expect(page.get_by_role("heading", level=1)).to_have_text("Demo Bank")
    page.locator("#id_user_id").fill("J()nas Jen5en")
    page.locator("#page-form button[type=submit]").last.click()
    expect(page.locator("#login-qr")).to_have_attribute("data-frame", FRAME)
    screenshot(page, f"demo-bank-{name}-qr")
    mitid_app(state, app_url, "scan", read_qr(page, tmp_path / f"{name}.png"))
    expect(page.locator("#app-login")).to_contain_text("Demo Bank", timeout=5000)
    mitid_app(state, app_url, "approve", "--pin", "246810")


def test_the_demo_bank_logs_jonas_in_and_he_approves_the_transfer(
    page: Page,
    servers: tuple[str, str],
    jonas_app: tuple[AppDevice, Path],  # noqa: F811
    tmp_path: Path,
    check_accessibility: Any,
) -> None:
    browser_url, app_url = servers
    device, state = jonas_app
    RegisteredPersonFactory(cpr=device.identity.cpr, given_name="Jonas", family_name="Jensen")

    page.goto(f"{browser_url}/da/demo-bank/")
    check_accessibility(page)
    page.locator("form[action$='/demo-bank/log-in/'] button").click()
    log_in_by_qr(page, state, app_url, tmp_path, "login")
    expect(page.get_by_test_id("customer-name")).to_contain_text("Jonas Jensen", timeout=10000)
    expect(page.get_by_test_id("level")).to_have_text("Betydelig")  # Substantial, in Danish
    check_accessibility(page)
    screenshot(page, "demo-bank-logged-in-da")
    assert (AppLogin.objects.get().service, AppLogin.objects.get().text) == ("Demo Bank", "Log på")

    page.locator("form[action$='/demo-bank/transfer/'] button").click()
    expect(page.get_by_test_id("behalf-text")).to_have_text(TRANSFER)
    expect(page.locator(".login-behalf-way")).to_have_text("Godkend med MitID")  # not "Log på"
    log_in_by_qr(page, state, app_url, tmp_path, "transfer")
    expect(page.get_by_test_id("approved-text")).to_have_text(TRANSFER, timeout=10000)
    screenshot(page, "demo-bank-approved-da")
    approval = Approval.objects.get()
    assert approval.text == TRANSFER and approval.signature_is_valid()
    assert AppLogin.objects.filter(service="Demo Bank", text=TRANSFER, status="completed").exists()

    page.locator("form[action$='/demo-bank/log-out/'] button").click()
    expect(page.locator("form[action$='/demo-bank/log-in/'] button")).to_be_visible()
    expect(page.get_by_test_id("logged-out")).to_have_text("Du er logget ud af banken og af MitID.")

    # A second login, cancelled: the portal's login form for the bank refuses an empty
    # user-ID, and back at the bank its page says that nothing happened.
    page.locator("form[action$='/demo-bank/log-in/'] button").click()
    page.locator("#page-form button[type=submit]").click()
    expect(page.locator("[data-error-summary]")).to_be_focused()
    expect(page.get_by_role("heading", level=1)).to_have_text("Demo Bank")
    check_accessibility(page)
    page.locator(".login-behalf a").click()
    expect(page.locator("[data-error=access_denied]")).to_be_visible()
    check_accessibility(page)
    screenshot(page, "demo-bank-cancelled-da")

    # Cancelled on the live QR code's page: the cancel reaches the page's websocket as the
    # browser leaves, and the page does not go asking for a login that is over (which left
    # the portal's "type your user-ID" on the bank's page).
    page.locator("form[action$='/demo-bank/log-in/'] button").click()
    page.locator("#id_user_id").fill("J()nas Jen5en")
    page.locator("#page-form button[type=submit]").last.click()
    expect(page.locator("#login-qr")).to_have_attribute("data-frame", FRAME)
    page.locator(".login-behalf a").click()
    expect(page.locator("[data-error=access_denied]")).to_be_visible()
    portal_message = page.get_by_text("Skriv dit bruger-ID for at logge på.")
    expect(portal_message).to_have_count(0)
    page.wait_for_timeout(500)
    page.reload()  # a message the portal queued after the bank's page was made shows now
    expect(portal_message).to_have_count(0)


def test_without_javascript_the_banks_login_page_is_at_its_own_address(
    browser: Any, servers: tuple[str, str]
) -> None:
    """The authorization request is answered with the login's user-ID page; without the script
    that gives it its address, the page sends the browser there, so that Back and reload find
    the login, not the bank's request sent again (a walk started the approval a second time
    with Back)."""
    browser_url, _app_url = servers
    context = new_context_without_javascript(browser)
    page = context.new_page()
    page.goto(f"{browser_url}/da/demo-bank/")
    page.locator("form[action$='/demo-bank/log-in/'] button").click()
    expect(page).to_have_url(re.compile(r"/da/login/\?for=[\w-]+$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Demo Bank")
    page.go_back()
    expect(page).to_have_url(f"{browser_url}/da/demo-bank/")  # not the bank's request again
    context.close()
