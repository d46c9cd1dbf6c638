"""Sofie, helped by Jonas to a code display by post, has no NemID: she reads the activation
letter that came with it (the demo outbox) and activates the device with her user-ID and the
letter's code, in Danish on her phone."""

import re
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Page, expect

from activation import passport
from authenticators.models import CodeDevice, Identity
from authenticators.stock import fill_stock
from enrollment import orders
from pages.documents import TERMS
from staff.demo import current_code
from tests.factories import AppDeviceFactory

from .conftest import PHONE, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SOFIE = "0804044128"


@pytest.fixture
def sofies_device(demo_passports: dict[str, dict[str, str]], transactional_db: None) -> str:
    """Jonas's app ran the passport road for Sofie and ordered a code display; it is posted."""
    fill_stock(code_displays=1, code_readers=0)
    helper = AppDeviceFactory(identity__cpr="1505831235", identity__user_id="J()nas Jen5en")
    sofie = demo_passports["sofie-holm"]
    _road, token = passport.start(
        terms_accepted=True, terms_version=TERMS.version, cpr=SOFIE, language="da", helper=helper
    )
    passport.read_mrz(token=token, mrz=sofie["mrz"], helper=helper)
    chip = {part: sofie[part] for part in ("dg1", "dg2", "sod")}
    passport.read_chip(token=token, helper=helper, **chip)
    passport.match_face(token=token, picture=sofie["face"], helper=helper)
    passport.choose_user_id(token=token, user_id="Sofie H", helper=helper)
    order = passport.order_code_device(
        token=token, kind="kodeviser", mobile="20 30 40 52", helper=helper
    )
    return orders.fulfil_order(order, handed_out=False).serial


def test_sofie_activates_her_code_display_with_the_letter_on_her_phone(
    page: Page, live_server: Any, sofies_device: str, check_accessibility: Any
) -> None:
    base = live_server.url
    page.set_viewport_size(PHONE)
    # In the demo the post is the outbox, which someone trying the portal reads as staff.
    staff = get_user_model().objects.create_superuser("staff", password="Demo-Staff-2026")
    TOTPDevice.objects.create(user=staff, name="phone", confirmed=True)
    page.goto(f"{base}/admin/")
    page.get_by_label("Username").fill("staff")
    page.get_by_label("Password").fill("Demo-Staff-2026")
    page.get_by_label("Code from your authenticator").fill(current_code(TOTPDevice.objects.get()))
    page.get_by_role("button", name="Log in").click()
    page.goto(f"{base}/da/demo/outbox/")
    letter = page.get_by_role("row").filter(has_text="Aktiveringsbrev til din MitID kodeviser")
    expect(letter).to_contain_text("Bredgade 3")
    text = letter.inner_text()
    found = re.search(r"\b([A-Z2-9]{4}-[A-Z2-9]{4})\b", text)
    assert found is not None
    path = re.search(r"MitID\.dk(\S+/)", text)
    assert path is not None and path.group(1).startswith("/da/")
    page.context.clear_cookies()

    page.goto(base + path.group(1))
    expect(page.get_by_role("heading", level=1)).to_have_text("Aktivér din kodeenhed med brevet")
    check_accessibility(page)
    # A mistyped code: said at the top and at the field; the user-ID stays as she typed it.
    page.get_by_label("Bruger-ID").fill("Sofie H")
    page.get_by_label("Aktiveringskode fra brevet").fill("ABCD-EFGH")
    page.get_by_role("button", name="Fortsæt").click()
    expect(page.get_by_role("heading", name="Ret venligst følgende")).to_be_visible()
    expect(page.get_by_label("Bruger-ID")).to_have_value("Sofie H")
    check_accessibility(page)
    screenshot(page, "letter-code-error-da-phone")

    page.get_by_label("Aktiveringskode fra brevet").fill(found.group(1).lower())
    page.get_by_role("button", name="Fortsæt").click()
    expect(page.get_by_text("Din aktiveringskode fra brevet er rigtig")).to_be_visible()
    check_accessibility(page)
    page.get_by_label("Opret en MitID-adgangskode").fill("Kaffe-og-kage-2026")
    page.get_by_label("Skriv adgangskoden igen").fill("Kaffe-og-kage-2026")
    page.get_by_label("Serienummer").fill(sofies_device)
    device = page.context.new_page()
    device.goto(f"{base}/da/demo/code-device/")
    device.get_by_label("Serienummer").fill(sofies_device)
    device.get_by_role("button", name="Tryk på knappen").click()
    shown = device.get_by_test_id("device-code").inner_text()
    device.close()
    page.get_by_label("Koden, som enheden viser").fill(shown)
    page.get_by_role("button", name="Aktivér").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Dit MitID er klar")
    check_accessibility(page)
    screenshot(page, "letter-code-activated-da-phone")
    identity = Identity.objects.get(cpr=SOFIE)
    assert (identity.status, identity.level) == ("active", "substantial")
    assert CodeDevice.objects.get(identity=identity).status == "active"
