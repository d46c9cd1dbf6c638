"""The way in a browser last logged in with comes first the next time, in a real browser."""

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from authenticators.models import CodeDevice
from tests.factories import IdentityFactory, active_code_device

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in_with_code_device(page: Page, device: CodeDevice) -> None:
    page.get_by_label("The code the device shows").fill(device.token.current_code())
    page.get_by_label("Password").fill("Karens kodeord 7")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("button", name="Log out")).to_be_visible()


def test_after_a_code_device_login_the_user_id_leads_to_the_code_device(
    page: Page, live_server: Any, check_accessibility: Any
) -> None:
    device = active_code_device(IdentityFactory(user_id="Karen K", language="en"))
    base = live_server.url
    page.goto(f"{base}/en/login/")
    page.get_by_label("User-ID").fill("Karen K")
    page.get_by_role("button", name="Continue").click()
    expect(page).to_have_url(f"{base}/en/login/app/")  # the first time: the app's page
    page.get_by_role("link", name="Log in with your code device").click()
    log_in_with_code_device(page, device)
    page.get_by_role("button", name="Log out").click()

    page.goto(f"{base}/en/login/")
    page.get_by_label("User-ID").fill("Karen K")
    page.get_by_role("button", name="Continue").click()
    # The answer to the user-ID is the code device's page, and it takes its own address.
    expect(page.get_by_role("heading", level=1)).to_have_text("Log in with your code device")
    expect(page).to_have_url(f"{base}/en/login/code-device/")
    check_accessibility(page)
    CodeDevice.objects.filter(pk=device.pk).update(last_t=-1)  # as if 30 seconds later
    log_in_with_code_device(page, device)
