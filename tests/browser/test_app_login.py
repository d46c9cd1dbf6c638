"""Jonas activates the app simulator on a phone, then logs in on a computer by scanning.

The phone is a phone-sized browser page speaking only the App API with keys made by
WebCrypto; it scans by reading a picture of the computer's QR code, as a camera would.
"""

import re
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from authenticators.models import AppDevice, AppLogin
from messaging.models import OutboxMessage

from .conftest import DESKTOP, PHONE, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def temporary_pin() -> str:
    sms = OutboxMessage.objects.filter(body__contains="temporary PIN").latest("pk")
    found = re.search(r"\b(\d{6})\b", sms.body)
    assert found
    return found.group(1)


def activate(phone: Page, activation_code: str) -> None:
    """Jonas's app activated on the simulator's page `phone`, as he types it."""
    phone.get_by_role("button", name="With an activation code").click()
    phone.get_by_label("User-ID", exact=True).fill("J()nas Jen5en")
    phone.get_by_label("Activation code").fill(activation_code)
    phone.get_by_role("button", name="Next").click()
    expect(phone.get_by_label("Temporary PIN from the SMS")).to_be_visible()
    phone.get_by_label("Temporary PIN from the SMS").fill(temporary_pin())
    phone.get_by_label("Your own 6-digit PIN").fill("246810")
    phone.get_by_label("Type the PIN again").fill("246810")
    phone.get_by_label("Allow notifications from the MitID app").check()
    phone.get_by_role("button", name="Activate").click()
    expect(phone.get_by_text("The MitID app is active for this user-ID.")).to_be_visible()


def test_a_new_phone_scans_the_activation_codes_qr_code(
    browser: Browser, live_server: Any, activation_code: str, tmp_path: Any
) -> None:
    """Self-service shows a new device's activation code with its QR code ("type ... or scan
    its QR code"): the app's scanner reads it into the activation (a walk's scan answered
    "That is not a MitID QR code")."""
    import qrcode

    picture = tmp_path / "activation.png"
    qrcode.make(activation_code).save(str(picture))
    phone = browser.new_context(viewport=PHONE, is_mobile=True).new_page()
    phone.goto(f"{live_server.url}/en/demo/app/")
    phone.get_by_role("button", name="With an activation code").click()
    phone.get_by_role("button", name="Scan the code's QR code").click()
    phone.get_by_label("Take a picture of the QR code").set_input_files(str(picture))
    phone.get_by_role("button", name="Scan", exact=True).click()
    expect(phone.get_by_label("Activation code")).to_have_value(activation_code)
    expect(phone.get_by_label("User-ID", exact=True)).to_be_focused()
    phone.get_by_label("User-ID", exact=True).fill("j()nas jen5en")
    phone.get_by_role("button", name="Next").click()
    expect(phone.get_by_text("A temporary PIN is on its way to you by SMS.")).to_be_visible()


def test_jonas_activates_the_app_simulator_and_logs_in_by_scanning(
    browser: Browser,
    live_server: Any,
    activation_code: str,
    check_accessibility: Any,
    tmp_path: Any,
) -> None:
    base = live_server.url
    phone = browser.new_context(viewport=PHONE, is_mobile=True).new_page()
    phone.goto(f"{base}/en/demo/app/")
    expect(phone.get_by_text("No user-ID on this phone yet.")).to_be_visible()
    check_accessibility(phone)
    phone.get_by_role("button", name="With an activation code").click()
    phone.get_by_label("User-ID", exact=True).fill("j()nas jen5en")
    phone.get_by_label("Activation code").fill(activation_code)
    phone.get_by_role("button", name="Next").click()
    expect(phone.get_by_text("A temporary PIN is on its way to you by SMS.")).to_be_visible()
    phone.get_by_label("Temporary PIN from the SMS").fill(temporary_pin())
    phone.get_by_label("Your own 6-digit PIN").fill("246810")
    phone.get_by_label("Type the PIN again").fill("246810")
    phone.get_by_label("Allow notifications from the MitID app").check()
    check_accessibility(phone)
    phone.get_by_role("button", name="Activate").click()
    expect(phone.get_by_text("The MitID app is active for this user-ID.")).to_be_visible()
    # Listed as registered, though typed "j()nas jen5en" (a walk).
    expect(phone.locator("#app-accounts")).to_have_text("J()nas Jen5en – Active")
    assert AppDevice.objects.get().status == "active"
    screenshot(phone, "app-simulator-en-phone")

    computer = browser.new_context(viewport=DESKTOP).new_page()
    computer.goto(f"{base}/en/login/")
    computer.get_by_label("User-ID").fill("J()nas Jen5en")
    computer.get_by_role("button", name="Continue").click()
    expect(computer.get_by_role("heading", level=1)).to_have_text("Log in with the MitID app")
    check_accessibility(computer)
    screenshot(computer, "login-app-qr-en-desktop")

    # The phone's camera: a picture of the code on the computer's screen, taken now.
    computer.reload()
    picture = tmp_path / "qr.png"
    computer.locator(".login-qr").screenshot(path=str(picture))
    phone.get_by_role("button", name="Scan a QR code").click()
    phone.get_by_label("Take a picture of the QR code").set_input_files(str(picture))
    phone.get_by_role("button", name="Scan", exact=True).click()
    expect(phone.get_by_text("Log in to MitID.dk")).to_be_visible()
    screenshot(phone, "app-simulator-approve-en-phone")
    phone.get_by_label("PIN", exact=True).fill("246810")
    phone.get_by_role("button", name="Approve").click()
    expect(phone.get_by_text("Approved. Go back to the screen.")).to_be_visible()

    computer.reload()
    expect(computer.get_by_role("heading", level=1)).to_have_text("Your MitID")
    expect(computer.get_by_text("J()nas Jen5en").first).to_be_visible()
    assert AppLogin.objects.get().status == "completed"
    check_accessibility(computer)


def test_a_wrong_pin_in_the_app_is_refused_and_nobody_is_logged_in(
    browser: Browser, live_server: Any, activation_code: str, tmp_path: Any
) -> None:
    base = live_server.url
    phone = browser.new_context(viewport=PHONE).new_page()
    phone.goto(f"{base}/en/demo/app/")
    activate(phone, activation_code)

    computer = browser.new_context(viewport=DESKTOP).new_page()
    computer.goto(f"{base}/en/login/")
    computer.get_by_label("User-ID").fill("J()nas Jen5en")
    computer.get_by_role("button", name="Continue").click()
    picture = tmp_path / "qr.png"
    computer.locator(".login-qr").screenshot(path=str(picture))
    phone.get_by_role("button", name="Scan a QR code").click()
    phone.get_by_label("Take a picture of the QR code").set_input_files(str(picture))
    phone.get_by_role("button", name="Scan", exact=True).click()
    phone.get_by_label("PIN", exact=True).fill("000000")
    phone.get_by_role("button", name="Approve").click()
    expect(phone.get_by_text("The PIN is wrong.")).to_be_visible()

    computer.reload()
    expect(computer.get_by_text("Approve in the MitID app.")).to_be_visible()
    assert AppLogin.objects.get().status == "scanned"


def test_a_login_opened_on_the_wrong_demo_phone_offers_the_one_with_the_user_id(
    browser: Browser, live_server: Any, activation_code: str
) -> None:
    """The demo's phones share one browser, and "Open the MitID app" opens phone 1: Jonas's
    app on phone 3 is offered there, with the same link (a walk was stranded on phone 1)."""
    base = live_server.url
    context = browser.new_context(viewport=PHONE, is_mobile=True)
    phone = context.new_page()
    phone.goto(f"{base}/en/demo/app/?phone=3")
    activate(phone, activation_code)

    page = context.new_page()
    page.goto(f"{base}/en/login/")
    page.get_by_label("User-ID").fill("J()nas Jen5en")
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("button", name="Yes, use the app on this phone").click()
    page.get_by_role("link", name="Open the MitID app").click()
    expect(page.get_by_text("There is no active user-ID on this phone")).to_be_visible()
    page.get_by_role("link", name="Phone 3").click()
    expect(page.get_by_text("Log in to MitID.dk")).to_be_visible()
    # Approved there, the app offers the way back to the page, as a phone switches back to
    # the browser (a walk found "Go back to the screen" with nothing to go back by).
    page.get_by_label("PIN", exact=True).fill("246810")
    page.get_by_role("button", name="Approve").click()
    expect(page.get_by_text("Approved. Go back to the screen.")).to_be_visible()
    screenshot(page, "app-simulator-way-back-en-phone")
    page.get_by_role("link", name="Back").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your MitID")
    assert AppLogin.objects.filter(status="completed").count() == 1


def test_the_way_back_from_the_app_goes_nowhere_but_this_site(
    browser: Browser, live_server: Any, activation_code: str
) -> None:
    """The link that opens the app is anyone's to make: a way back that is not a plain path
    here (another site, the same written so that a browser reads it as one, a script) is not
    offered (a review's finding: "/%09/host" passed a check for "//")."""
    base = live_server.url
    context = browser.new_context(viewport=PHONE, is_mobile=True)
    phone = context.new_page()
    phone.goto(f"{base}/en/demo/app/")
    activate(phone, activation_code)
    for elsewhere in ("//evil.example/", "/%09/evil.example/", "javascript:alert(1)"):
        page = context.new_page()
        page.goto(f"{base}/en/login/")
        page.get_by_label("User-ID").fill("J()nas Jen5en")
        page.get_by_role("button", name="Continue").click()
        page.get_by_role("button", name="Yes, use the app on this phone").click()
        link = page.get_by_role("link", name="Open the MitID app").get_attribute("href")
        assert link and link.endswith("&return=/en/login/app/"), link
        page.goto(base + link.replace("/en/login/app/", elsewhere))
        expect(page.get_by_text("Log in to MitID.dk")).to_be_visible()
        page.get_by_label("PIN", exact=True).fill("246810")
        page.get_by_role("button", name="Approve").click()
        expect(page.get_by_text("Approved. Go back to the screen.")).to_be_visible()
        expect(page.locator("#app-return")).to_be_hidden()
        page.close()


def test_the_simulator_says_its_app_is_blocked_and_active_again_when_it_is_lifted(
    browser: Browser, live_server: Any, activation_code: str
) -> None:
    """A walk found a blocked app still listed "Active" on the simulator: it learns of the
    block when the portal refuses it, and of the lifting when the portal takes it again."""
    from django.contrib.auth.models import User

    from authenticators import lifecycle

    phone = browser.new_context(viewport=PHONE, is_mobile=True).new_page()
    phone.goto(f"{live_server.url}/en/demo/app/")
    activate(phone, activation_code)
    accounts = phone.locator("#app-accounts")
    expect(accounts).to_have_text("J()nas Jen5en – Active")
    device = AppDevice.objects.get()
    staff = User.objects.create_user("anne", is_staff=True)
    lifecycle.block_device(device, reason="lost", by=staff)

    phone.get_by_role("button", name="Check for requests").click()
    expect(phone.get_by_text("This app is blocked. Call MitID support")).to_be_visible()
    expect(accounts).to_have_text("J()nas Jen5en – Blocked")
    phone.reload()  # kept on the phone
    expect(accounts).to_have_text("J()nas Jen5en – Blocked")

    passport = lifecycle.IdCheck(document="passport", last4="12ab")
    lifecycle.unblock_device(device, by=staff, id_check=passport)
    phone.get_by_role("button", name="Check for requests").click()
    expect(phone.get_by_text("Nothing is waiting for you.")).to_be_visible()
    expect(accounts).to_have_text("J()nas Jen5en – Active")
