"""What a person notices and a rule checker does not (issue 17): each test walks one finding."""

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from nemid.demo import seed_demo_people

from .conftest import DESKTOP, PHONE, new_context_without_javascript, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LANGUAGES = ["da", "en", "kl"]
FOCUS_RING = "rgb(69, 69, 69) solid 3px"


@pytest.fixture
def people(transactional_db: None) -> None:
    seed_demo_people()


def outline(page: Page, selector: str) -> str:
    return str(
        page.eval_on_selector(
            selector,
            "el => { const s = getComputedStyle(el); "
            "return `${s.outlineColor} ${s.outlineStyle} ${s.outlineWidth}`; }",
        )
    )


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_refused_user_id_is_an_error_with_the_summary_in_focus(
    page: Page, live_server: Any, language: str, check_accessibility: Any
) -> None:
    page.goto(f"{live_server.url}/{language}/enrollment/check-user-id/")
    page.locator("#id_user_id").fill("211788-0967")
    with page.expect_navigation():
        page.locator("#page-form button[type=submit]").click()
    summary = page.locator("[data-error-summary]")
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()
    expect(page.locator("#id_user_id")).to_have_attribute("aria-invalid", "true")
    expect(page.locator(".form-group.form-error .form-error-message")).to_be_visible()
    # The focused summary looks focused the way a focused field does.
    assert outline(page, "[data-error-summary]") == FOCUS_RING
    page.locator("#id_user_id").focus()
    assert outline(page, "#id_user_id") == FOCUS_RING
    check_accessibility(page)
    screenshot(page, f"check-user-id-refused-{language}")


def test_the_key_card_page_starts_in_the_code_field(
    page: Page, live_server: Any, people: None
) -> None:
    page.goto(f"{live_server.url}/en/nemid/login/")
    page.get_by_label("NemID user-ID").fill("Jonas1983")
    page.get_by_label("Password", exact=True).fill("Nemid-Jonas-1983")
    page.get_by_role("button", name="Next").click()
    expect(page.get_by_label("Code from your key card")).to_be_focused()


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_terms_print_alone_in_the_portals_typeface(
    page: Page, live_server: Any, language: str
) -> None:
    page.goto(f"{live_server.url}/{language}/enrollment/documents/terms/")
    page.emulate_media(media="print")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    for hidden in ["header.header", "footer", ".portal-print-hint", "a[download]"]:
        expect(page.locator(hidden).first).to_be_hidden()
    font = page.eval_on_selector("main p", "el => getComputedStyle(el).fontFamily")
    assert font.startswith('"IBM Plex Sans"'), font


@pytest.mark.parametrize("language", ["en", "kl"])
def test_the_not_translated_notice_leads_with_the_chosen_language(
    page: Page, live_server: Any, language: str, check_accessibility: Any
) -> None:
    page.goto(f"{live_server.url}/{language}/help/help-someone-else/")
    expect(page.locator("h1")).to_have_count(1)
    first = page.locator("main section").first
    expect(first).to_have_attribute("lang", language)
    expect(first.locator("h1")).to_be_visible()
    check_accessibility(page)
    screenshot(page, f"not-translated-{language}")
