"""A citizen gets MitID in the browser: Jonas the app in Danish, Karen a code display in English
without JavaScript; both leave and come back to a saved case."""

import re
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from playwright.sync_api import Browser, Page, expect

from enrollment.demo import seed_offices
from enrollment.services import reserve_nemid_user_ids
from messaging.models import OutboxMessage
from nemid.demo import seed_demo_people
from nemid.models import NemIDAccount

from .conftest import PHONE, new_context_without_javascript, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo(transactional_db: None) -> None:
    seed_demo_people()
    reserve_nemid_user_ids()
    seed_offices()


def latest_code(address: str) -> str:
    message = OutboxMessage.objects.filter(recipient=address).first()
    assert message is not None
    match = re.search(r"\b(\d{6})\b", message.body)
    assert match
    return match.group(1)


def nemid_login(
    page: Page, base: str, language: str, user_id: str, password: str, labels: dict[str, str]
) -> None:
    page.goto(f"{base}/{language}/nemid/login/?next=/{language}/enrollment/")
    page.get_by_label(labels["user_id"]).fill(user_id)
    page.get_by_label(labels["password"], exact=True).fill(password)
    page.get_by_role("button", name=labels["next"]).click()
    key = page.get_by_test_id("nemid-key").inner_text()
    code = NemIDAccount.objects.get(user_id__iexact=user_id).code_for(key)
    page.get_by_label(labels["code"]).fill(code)
    page.get_by_role("button", name=labels["log_in"], exact=True).click()


DA = {
    "user_id": "NemID bruger-ID",
    "password": "Adgangskode",
    "next": "Næste",
    "code": "Kode fra dit nøglekort",
    "log_in": "Log på",
}
EN = {
    "user_id": "NemID user-ID",
    "password": "Password",
    "next": "Next",
    "code": "Code from your key card",
    "log_in": "Log in",
}


def test_jonas_gets_an_activation_code_for_the_app_in_danish_and_activates_it(
    page: Page, live_server: Any, demo: None, check_accessibility: Any, tmp_path: Path
) -> None:
    base = live_server.url
    nemid_login(page, base, "da", "Jonas1983", "Nemid-Jonas-1983", DA)
    expect(page.get_by_role("heading", level=1)).to_have_text("Hej Jonas Jensen")
    check_accessibility(page)
    page.get_by_role("link", name="Start").click()

    page.get_by_label("MitID app").check()
    check_accessibility(page)
    page.get_by_role("button", name="Fortsæt").click()

    page.get_by_label("Jeg har læst og forstået vilkår og betingelser for MitID").check()
    check_accessibility(page)
    page.get_by_role("button", name="Fortsæt").click()

    page.get_by_label("Mobilnummer").fill("20 30 40 50")
    check_accessibility(page)
    page.get_by_role("button", name="Send kode").click()
    page.get_by_label("Kode").fill(latest_code("+4520304050"))
    check_accessibility(page)
    page.get_by_role("button", name="Bekræft").click()

    user_id = page.get_by_label("Bruger-ID", exact=True)
    expect(user_id).to_have_value("Jonas1983")
    user_id.fill("211788-0967")
    expect(page.locator("#user-id-feedback")).to_contain_text("ligne et CPR-nummer")
    user_id.fill("J()nas Jen5en")
    expect(page.locator("#user-id-feedback")).to_contain_text("er ledigt")
    check_accessibility(page)
    page.get_by_role("button", name="Fortsæt").click()

    check_accessibility(page)
    page.get_by_role("button", name="Vis min aktiveringskode").click()
    code = page.get_by_test_id("activation-code")
    expect(code).to_have_text(re.compile(r"^[A-Z2-9]{4}-[A-Z2-9]{4}$"))
    check_accessibility(page)
    screenshot(page, "enrollment-app-receipt-da")

    # Jonas types the code into the app: here the command-line app, over the App API.
    phone = str(tmp_path / "phone.json")
    call_command(
        "mitid_app",
        "--state",
        phone,
        "--url",
        base,
        "activate",
        "--user-id",
        "J()nas Jen5en",
        "--activation-code",
        code.inner_text(),
        stdout=StringIO(),
    )
    out = StringIO()
    call_command(
        "mitid_app",
        "--state",
        phone,
        "--url",
        base,
        "activate",
        "--user-id",
        "J()nas Jen5en",
        "--temporary-pin",
        latest_code("+4520304050"),
        "--pin",
        "246810",
        stdout=out,
    )
    assert "active at level substantial" in out.getvalue()

    # When he logs in with NemID again, the portal knows his MitID is active.
    page.get_by_role("button", name="Log ud").click()
    nemid_login(page, base, "da", "Jonas1983", "Nemid-Jonas-1983", DA)
    expect(page.get_by_role("heading", level=1)).to_have_text("Du har allerede MitID")


def test_an_app_enrollment_is_saved_and_resumed(page: Page, live_server: Any, demo: None) -> None:
    base = live_server.url
    nemid_login(page, base, "en", "Jonas1983", "Nemid-Jonas-1983", EN)
    page.get_by_role("link", name="Start").click()
    page.get_by_label("MitID app").check()
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("button", name="Log out").click()
    nemid_login(page, base, "en", "Jonas1983", "Nemid-Jonas-1983", EN)
    expect(page.get_by_text("Welcome back")).to_be_visible()
    page.get_by_role("link", name="Continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Read and accept the terms")


def test_karen_orders_a_code_display_for_pick_up_in_english_without_javascript(
    browser: Browser, live_server: Any, demo: None, check_accessibility: Any
) -> None:
    context = new_context_without_javascript(browser, viewport=PHONE)
    page = context.new_page()
    base = live_server.url
    nemid_login(page, base, "en", "karen.h", "Nemid-Karen-1975", EN)
    expect(page.get_by_role("heading", level=1)).to_have_text("Hello Karen Hansen")
    page.get_by_role("link", name="Start").click()

    page.get_by_role("button", name="Continue").click()  # nothing chosen
    expect(page.get_by_role("alert")).to_contain_text("Choose the app, a code display")
    check_accessibility(page)
    page.get_by_label("MitID code display").check()
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("button", name="Continue").click()  # forgot the box
    expect(page.get_by_role("alert")).to_contain_text("Tick the box")
    check_accessibility(page)
    page.get_by_label("I have read and understood the terms and conditions for MitID").check()
    page.get_by_role("button", name="Continue").click()

    page.get_by_label("E-mail").fill("karen@example")
    page.get_by_role("button", name="Send code").click()
    expect(page.get_by_role("alert")).to_contain_text("Type an e-mail address")
    expect(page.get_by_label("E-mail")).to_have_value("karen@example")
    page.get_by_label("E-mail").fill("karen@example.dk")
    page.get_by_role("button", name="Send code").click()
    page.get_by_label("Code").fill(latest_code("karen@example.dk"))
    page.get_by_role("button", name="Confirm").click()

    expect(page.get_by_label("User-ID", exact=True)).to_have_value("karen.h")
    page.get_by_role("button", name="Continue").click()

    # Without JavaScript both ways' details are there from the start (with it, once chosen).
    expect(page.get_by_text("By post it goes to:")).to_be_visible()
    expect(page.get_by_label("Borgerservice Herning")).to_be_visible()
    # Office first (its opening hours in English), then the date, then the time.
    page.get_by_label("Pick up at Borgerservice").check()
    expect(page.get_by_text("Open Monday to Wednesday 10:00–15:00")).to_be_visible()
    page.get_by_label("Borgerservice Herning").check()
    page.get_by_role("button", name="Show free dates").click()
    expect(page.get_by_label("Pick up at Borgerservice")).to_be_checked()
    # The page opens at the new choice, where the keyboard goes on from (not at the top).
    expect(page).to_have_url(re.compile(r"#id_day$"))
    page.get_by_label("Date at Borgerservice Herning").select_option(index=1)
    page.get_by_role("button", name="Show free times").click()
    expect(page).to_have_url(re.compile(r"#id_slot$"))
    times = page.locator("input[name=slot]")
    expect(times.first).to_be_visible()  # five times, three on a Friday (Herning closes at 13)
    check_accessibility(page)
    screenshot(page, "enrollment-pick-up-times-en-phone")
    times.first.check()
    page.get_by_role("button", name="Order").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Your order is received")
    expect(page.get_by_text("Pick up your MitID code display at Borgerservice")).to_be_visible()
    check_accessibility(page)
    # Back goes to a page, not to a form sent (Chrome showed a blank page, ERR_CACHE_MISS).
    page.go_back()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    page.go_forward()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your order is received")
    screenshot(page, "enrollment-device-receipt-en-phone")

    page.get_by_role("button", name="Log out").click()
    nemid_login(page, base, "en", "karen.h", "Nemid-Karen-1975", EN)
    page.get_by_role("link", name="Continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your order is received")
    context.close()


@pytest.mark.parametrize("language", ["da", "en", "kl"])
def test_the_public_user_id_check_and_the_terms_pass_the_accessibility_check(
    page: Page, live_server: Any, demo: None, language: str, check_accessibility: Any
) -> None:
    page.goto(f"{live_server.url}/{language}/enrollment/check-user-id/")
    check_accessibility(page)
    page.goto(f"{live_server.url}/{language}/enrollment/documents/terms/")
    check_accessibility(page)
