"""Karen logs in with her code display, adds a MitID chip, and later logs in with the chip.

The chip is Chromium's virtual authenticator (CTAP2, with a PIN: user verification), which
the page reaches through the real WebAuthn browser API.
"""

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from authenticators.models import ChipDevice, CodeDevice
from messaging.models import OutboxMessage
from tests.factories import IdentityFactory, active_code_device

from .conftest import screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def karens_code_display(transactional_db: None) -> CodeDevice:
    identity = IdentityFactory(user_id="Karen K", language="en")
    from enrollment.models import EnrollmentCase

    EnrollmentCase.objects.create(
        identity=identity,
        channel="mitid",
        status="completed",
        mobile="+4530405060",
        mobile_confirmed_at=timezone.now(),
        expires_at=timezone.now() + timedelta(days=1),
    )
    return active_code_device(identity, password="Kaffe-og-kage-2026")


def add_security_key(page: Page) -> None:
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "usb",
                "hasResidentKey": False,
                "hasUserVerification": True,
                "isUserVerified": True,
                "automaticPresenceSimulation": True,
            }
        },
    )


def test_karen_adds_a_chip_and_logs_in_with_it(
    page: Page, live_server: Any, karens_code_display: CodeDevice, check_accessibility: Any
) -> None:
    base = live_server.url.replace("127.0.0.1", "localhost")  # the WebAuthn RP ID
    add_security_key(page)

    page.goto(f"{base}/en/authenticators/chip/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Log in with MitID")
    page.get_by_label("User-ID").fill("karen k")
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("link", name="Log in with your code device").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Log in with your code device")
    check_accessibility(page)
    page.get_by_label("Password").fill("Kaffe-og-kage-2026")
    page.get_by_label("The code the device shows").fill(karens_code_display.token.current_code())
    page.get_by_role("button", name="Log in").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("MitID chip")
    check_accessibility(page)
    page.get_by_role("button", name="Register the chip").click()
    expect(page.get_by_text("The chip is added.")).to_be_visible()
    chip = ChipDevice.objects.get()
    assert chip.status == "pending"
    assert OutboxMessage.objects.filter(body__contains="A MitID chip was added").exists()
    screenshot(page, "chip-added-en-desktop")

    # A day passes.
    ChipDevice.objects.update(confirm_after=timezone.now() - timedelta(minutes=1))
    page.reload()
    page.get_by_role("link", name="Confirm the chip").click()
    check_accessibility(page)
    page.get_by_role("button", name="Use my chip").click()
    expect(page.get_by_text("Your MitID chip is active.")).to_be_visible()

    page.get_by_role("banner").get_by_role("button", name="Log out").click()
    expect(page.get_by_text("You are logged out.")).to_be_visible()
    page.goto(f"{base}/en/login/")
    page.get_by_label("User-ID").fill("Karen K")
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("link", name="Log in with your MitID chip").click()
    check_accessibility(page)
    page.get_by_role("button", name="Use my chip").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your MitID")
    expect(page.get_by_text("You logged in with your MitID chip")).to_be_visible()
    check_accessibility(page)
