"""Karen blocks her own code display in self-service and orders a new one."""

import re
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from authenticators.models import CodeDevice, Identity
from enrollment.services import reserve_nemid_user_ids
from nemid.demo import seed_demo_people
from nemid.models import NemIDAccount
from tests.factories import active_code_device

from .conftest import DESKTOP, PHONE, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "Kaffe-og-kage-2026"


@pytest.fixture
def karens_kodeviser(transactional_db: None) -> CodeDevice:
    """Karen got MitID with a code display: her only authenticator."""
    seed_demo_people()
    reserve_nemid_user_ids()
    karen = Identity.objects.create(
        cpr="0203754322",
        user_id="karen.h",
        user_id_key="karen.h",
        status=Identity.Status.ACTIVE,
        language="en",
        mobile="+4520304050",
        email="karen@example.dk",
        contact_set_at=timezone.now(),
    )
    return active_code_device(karen, password=PASSWORD)


def log_in_with_code_device(page: Page, base: str, language: str, device: CodeDevice) -> None:
    labels = {
        "en": ("User-ID", "Continue", "Log in with your code device", "Password", "Log in"),
        "da": ("Bruger-ID", "Fortsæt", "Log på med din kodeviser", "Adgangskode", "Log på"),
    }[language]
    page.goto(f"{base}/{language}/login/")
    page.get_by_label(labels[0]).fill("karen.h")
    page.get_by_role("button", name=labels[1]).click()
    page.get_by_role("link", name=labels[2]).click()
    page.get_by_label(labels[3], exact=True).fill(PASSWORD)
    CodeDevice.objects.filter(pk=device.pk).update(last_t=-1)  # each login gets a fresh code
    page.locator("input[name=code]").fill(device.token.current_code())
    page.get_by_role("button", name=labels[4], exact=True).click()


def test_karen_blocks_her_lost_code_display_and_orders_a_new_one(
    page: Page, live_server: Any, karens_kodeviser: CodeDevice, check_accessibility: Any
) -> None:
    base = live_server.url
    log_in_with_code_device(page, base, "en", karens_kodeviser)
    expect(page.get_by_role("heading", level=1)).to_have_text("Your MitID")
    expect(page.get_by_text("20 30 40 50")).to_be_visible()
    expect(page.get_by_role("cell", name="MitID.dk")).to_be_visible()  # her login, in the history
    check_accessibility(page)

    page.get_by_role("link", name=re.compile(r"^Block MitID code display")).click()
    expect(page.get_by_text("You logged in with this one")).to_be_visible()
    check_accessibility(page)
    page.get_by_role("button", name="Block it now").click()
    expect(page.get_by_text("Choose why you block it.").first).to_be_visible()  # summary
    page.get_by_label("I have lost it").check()
    page.get_by_role("button", name="Block it now").click()

    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Your MitID code display {karens_kodeviser.token.serial} is blocked"
    )
    expect(page.get_by_text("You are logged out")).to_be_visible()
    check_accessibility(page)
    karens_kodeviser.refresh_from_db()
    assert karens_kodeviser.status == "blocked"

    # No MitID to log in with: she proves who she is with NemID, as in enrollment.
    page.get_by_role("link", name="Order a new code device").click()
    page.get_by_label("NemID user-ID").fill("karen.h")
    page.get_by_label("Password", exact=True).fill("Nemid-Karen-1975")
    page.get_by_role("button", name="Next").click()
    key = page.get_by_test_id("nemid-key").inner_text()
    page.get_by_label("Code from your key card").fill(
        NemIDAccount.objects.get(user_id="karen.h").code_for(key)
    )
    page.get_by_role("button", name="Log in", exact=True).click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Order a code device")
    check_accessibility(page)
    page.get_by_label("MitID code display").check()
    # Each way's details once it is chosen: nothing of either before, then only its own.
    address = page.get_by_text("By post it goes to:")
    office = page.get_by_role("button", name="Show free dates")
    expect(address).to_be_hidden()
    expect(office).to_be_hidden()
    page.get_by_label("Pick up at Borgerservice").check()
    expect(office).to_be_visible()
    expect(address).to_be_hidden()
    check_accessibility(page)
    page.get_by_label("By post").check()
    expect(address).to_be_visible()
    expect(office).to_be_hidden()
    screenshot(page, "selfservice-order-by-post-en")
    page.get_by_role("button", name="Order").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your code device is ordered")
    check_accessibility(page)
    order = karens_kodeviser.identity.orders.get()
    assert (order.kind, order.delivery, order.case) == ("kodeviser", "post", None)


# Elements that reach past the right edge of the screen (the page would scroll sideways).
WIDER_THAN_THE_SCREEN = """
[...document.querySelectorAll('main *')]
  .filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
  .filter(e => !e.closest('.table--responsive-scroll'))
  .map(e => e.tagName + '.' + e.className + ':' + (e.textContent || '').trim().slice(0, 30))
"""


def test_the_overview_on_desktop_and_phone_in_english_and_danish(
    browser: Browser, live_server: Any, karens_kodeviser: CodeDevice, check_accessibility: Any
) -> None:
    for language in ("en", "da"):
        for name, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
            context = browser.new_context(viewport=viewport)
            page = context.new_page()
            log_in_with_code_device(page, live_server.url, language, karens_kodeviser)
            expect(page.get_by_role("heading", level=1)).to_be_visible()
            assert page.url.endswith(f"/{language}/selfservice/")
            screenshot(page, f"selfservice-overview-{language}-{name}")
            wide = page.evaluate(WIDER_THAN_THE_SCREEN)
            assert not wide, f"{language} {name} scrolls sideways: {wide}"
            check_accessibility(page)
            context.close()
