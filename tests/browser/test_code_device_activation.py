"""Staff hand out Karen's code display in admin; she activates it in the browser."""

from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Page, expect

from authenticators.models import HardwareToken
from authenticators.stock import fill_stock
from enrollment import services as enrollment_services
from enrollment import state
from enrollment.demo import seed_offices
from enrollment.flow import Channel, Method
from enrollment.services import reserve_nemid_user_ids
from nemid.demo import seed_demo_people
from staff.demo import current_code

from .test_enrollment import EN, nemid_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def karens_order(transactional_db: None) -> None:
    seed_demo_people()
    reserve_nemid_user_ids()
    seed_offices()
    fill_stock(code_displays=3, code_readers=1)
    case = state.open_case(
        cpr="0203754322", nemid_user_id="karen.h", channel=Channel.MITID, language="en"
    ).case
    enrollment_services.choose_method(case, Method.CODE_DISPLAY)
    enrollment_services.accept_terms(case, version="2026-11")
    enrollment_services.choose_user_id(case, "karen.h")
    enrollment_services.order_device(case, delivery="post", slot=None, language="en")
    staff = get_user_model().objects.create_superuser("staff", password="Demo-Staff-2026")
    TOTPDevice.objects.create(user=staff, name="phone", confirmed=True)


def test_staff_hand_out_and_karen_activates_her_code_display(
    page: Page, live_server: Any, karens_order: None, check_accessibility: Any
) -> None:
    base = live_server.url
    page.goto(f"{base}/admin/enrollment/deviceorder/")
    page.get_by_label("Username").fill("staff")
    page.get_by_label("Password").fill("Demo-Staff-2026")
    page.get_by_label("Code from your authenticator").fill(
        current_code(TOTPDevice.objects.get(user__username="staff"))
    )
    page.get_by_role("button", name="Log in").click()
    page.locator("input[name=_selected_action]").first.check()
    page.locator("select[name=action]").select_option("hand_out_from_stock")
    page.get_by_role("button", name="Go").click()
    token = HardwareToken.objects.get(assigned_to__cpr="0203754322")
    expect(page.get_by_text(token.serial).first).to_be_visible()

    page.context.clear_cookies()
    nemid_login(page, base, "en", "karen.h", "Nemid-Karen-1975", EN)
    page.get_by_role("link", name="Continue").click()
    page.get_by_role("link", name="I have the device: activate it").click()
    check_accessibility(page)
    page.get_by_label("Create a MitID password").fill("Kaffe-og-kage-2026")
    page.get_by_label("Type the password again").fill("Kaffe-og-kage-2026")
    page.get_by_label("Serial number").fill(token.serial)
    # She presses the button on the device in her hand: the simulator page, in another tab.
    device = page.context.new_page()
    device.goto(f"{base}/en/demo/code-device/")
    device.get_by_label("Serial number").fill(token.serial)
    device.get_by_role("button", name="Press the button").click()
    shown = device.get_by_test_id("device-code").inner_text()
    check_accessibility(device)
    device.close()
    page.get_by_label("The code the device shows").fill(shown)
    page.get_by_role("button", name="Activate").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Your MitID is ready")
    expect(page.get_by_text("Your assurance level is Substantial")).to_be_visible()
    check_accessibility(page)
