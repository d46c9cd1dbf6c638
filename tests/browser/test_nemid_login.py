"""A citizen logs in with NemID in the browser, in each language, with and without JavaScript."""

from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from nemid.demo import seed_demo_people
from nemid.models import NemIDAccount

from .conftest import DESKTOP, PHONE, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LABELS = {
    "da": {
        "user_id": "NemID bruger-ID",
        "password": "Adgangskode",
        "next": "Næste",
        "code": "Kode fra dit nøglekort",
        "log_in": "Log på",
        "hello": "Hej Jonas Jensen",
    },
    "en": {
        "user_id": "NemID user-ID",
        "password": "Password",
        "next": "Next",
        "code": "Code from your key card",
        "log_in": "Log in",
        "hello": "Hello Jonas Jensen",
    },
    "kl": {
        "user_id": "NemID-mi atuisup ID-ia",
        "password": "Isissutissaq",
        "next": "Ingerlaqqigit",
        "code": "Nøglekortinni normu",
        "log_in": "Iserit",
        "hello": "Aluu Jonas Jensen",
    },
}


@pytest.fixture
def people(transactional_db: None) -> None:
    seed_demo_people()


def code_for_shown_key(page: Page) -> str:
    key = page.get_by_test_id("nemid-key").inner_text()
    return NemIDAccount.objects.get(user_id="Jonas1983").code_for(key)


@pytest.mark.parametrize("language", ["da", "en", "kl"])
def test_jonas_logs_in_with_nemid_and_is_greeted_by_name(
    page: Page, live_server: Any, people: None, language: str, check_accessibility: Any
) -> None:
    words = LABELS[language]
    page.goto(f"{live_server.url}/{language}/")
    check_accessibility(page)
    page.get_by_role(
        "link",
        name={
            "da": "Få MitID: Log på med NemID",
            "en": "Get MitID: log in with NemID",
            "kl": "MitID pissarsiariuk: NemID atorlugu iserit",
        }[language],
    ).click()

    page.get_by_label(words["user_id"]).fill("Jonas1983")
    page.get_by_label(words["password"], exact=True).fill("Nemid-Jonas-1983")
    check_accessibility(page)
    page.get_by_role("button", name=words["next"]).click()

    page.get_by_label(words["code"]).fill(code_for_shown_key(page))
    check_accessibility(page)
    page.get_by_role("button", name=words["log_in"], exact=True).click()

    expect(page.get_by_role("heading", level=1)).to_have_text(words["hello"])
    expect(page.locator("html")).to_have_attribute("lang", language)
    check_accessibility(page)
    screenshot(page, f"nemid-greeting-{language}")


def test_a_wrong_password_shows_the_error_summary_and_keeps_the_user_id(
    page: Page, live_server: Any, people: None, check_accessibility: Any
) -> None:
    page.goto(f"{live_server.url}/en/nemid/login/")
    page.get_by_label("NemID user-ID").fill("Jonas1983")
    page.get_by_label("Password", exact=True).fill("not-my-password")
    page.get_by_role("button", name="Next").click()

    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("The user-ID or the password is wrong")
    expect(summary).to_be_focused()
    expect(page.get_by_label("NemID user-ID")).to_have_value("Jonas1983")
    expect(page.get_by_label("Password", exact=True)).to_have_value("")
    check_accessibility(page)
    screenshot(page, "nemid-error-en")


def test_switching_language_keeps_what_the_citizen_typed(
    page: Page, live_server: Any, people: None
) -> None:
    page.goto(f"{live_server.url}/da/nemid/login/")
    page.get_by_label("NemID bruger-ID").fill("Jonas1983")
    page.get_by_label("Adgangskode").fill("secret-typed")
    page.get_by_role("button", name="Kalaallisut").click()

    expect(page).to_have_url(f"{live_server.url}/kl/nemid/login/")
    expect(page.get_by_label("NemID-mi atuisup ID-ia")).to_have_value("Jonas1983")
    expect(page.get_by_label("Isissutissaq")).to_have_value("")


def test_the_nemid_login_works_with_javascript_off(
    browser: Browser, live_server: Any, people: None
) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{live_server.url}/en/nemid/login/")
    page.get_by_label("NemID user-ID").fill("jonas1983")
    page.get_by_label("Password", exact=True).fill("Nemid-Jonas-1983")
    page.get_by_role("button", name="Next").click()
    page.get_by_label("Code from your key card").fill(code_for_shown_key(page))
    page.get_by_role("button", name="Log in", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Hello Jonas Jensen")
    context.close()


@pytest.mark.parametrize("language", ["da", "en", "kl"])
@pytest.mark.parametrize(("viewport_name", "viewport"), [("desktop", DESKTOP), ("phone", PHONE)])
def test_front_page_screenshots(
    browser: Browser,
    live_server: Any,
    language: str,
    viewport_name: str,
    viewport: dict[str, int],
    transactional_db: None,
) -> None:
    context = browser.new_context(viewport=viewport)
    page = context.new_page()
    page.goto(f"{live_server.url}/{language}/")
    expect(page.locator("html")).to_have_attribute("lang", language)
    assert screenshot(page, f"front-{language}-{viewport_name}").stat().st_size > 10_000
    context.close()


@pytest.mark.parametrize("language", ["da", "en", "kl"])
@pytest.mark.parametrize(
    "path",
    [
        "",
        "get-mitid/",
        "alternatives/",
        "safety/",
        "levels/",
        "help/",
        "help/help-someone-else/",
        "no-such-page/",
    ],
)
def test_every_content_page_passes_the_accessibility_check(
    page: Page,
    live_server: Any,
    language: str,
    path: str,
    check_accessibility: Any,
    transactional_db: None,
) -> None:
    page.goto(f"{live_server.url}/{language}/{path}")
    check_accessibility(page)
