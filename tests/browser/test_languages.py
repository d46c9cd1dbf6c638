"""Every main page, in da, en and kl, shows only text of its own language.

The page's visible text (elements and their text, the title, placeholders, alternative texts)
is compared with the catalogues (translations.leaks): a string of another language's
catalogue that is not also one of the page's language is a leak. Most often it is a
Greenlandic string without a translation, which Django shows in Danish (LANGUAGE_CODE).
Text marked with another `lang` (the language switcher, the trilingual notice) and code
samples are skipped.
Screenshots of each page, desktop and phone, are kept in test-artifacts/languages/.
"""

from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.utils import timezone
from playwright.sync_api import Page, expect

from authenticators.models import CodeDevice, Identity
from enrollment.services import reserve_nemid_user_ids
from nemid.demo import seed_demo_people
from tests.factories import active_code_device
from translations.leaks import LeakFinder, project_leak_finder

from .conftest import ARTIFACTS, DESKTOP, PHONE, nemid_log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LANGUAGES = ("da", "en", "kl")

# Each element's whole text as well as each text node, so that a sentence split by a link
# ("Call MitID support on <a>33 98 00 10</a>.") is compared whole.
VISIBLE_TEXT = """() => {
  const page = document.documentElement.lang;
  const skip = "script, style, noscript, template, svg, code, kbd, samp, pre, .language-switcher";
  const shown = (el) => {
    if (el.closest(skip)) return false;
    const own = el.closest("[lang]");
    if (own && own.getAttribute("lang") !== page) return false;
    const style = getComputedStyle(el);
    return el.getClientRects().length > 0 && style.visibility !== "hidden";
  };
  const texts = new Set([document.title]);
  for (const el of document.body.querySelectorAll("*")) {
    if (!shown(el)) continue;
    const whole = el.textContent.replace(/\\s+/g, " ").trim();
    if (whole && whole.length < 500) texts.add(whole);
    for (const child of el.childNodes) {
      const text = child.nodeType === Node.TEXT_NODE ? child.textContent.trim() : "";
      if (text) texts.add(text);
    }
    for (const attribute of ["placeholder", "alt", "aria-label", "title"]) {
      if (el.getAttribute(attribute)) texts.add(el.getAttribute(attribute));
    }
    if (el.matches("input[type=submit], input[type=button]")) texts.add(el.value);
  }
  return [...texts];
}"""


@pytest.fixture(scope="module")
def leak_finder() -> LeakFinder:
    return project_leak_finder(Path(settings.LOCALE_PATHS[0]), LANGUAGES)


@pytest.fixture
def people(transactional_db: None) -> None:
    seed_demo_people()
    reserve_nemid_user_ids()


KAREN_PASSWORD = "Kaffe-og-kage-2026"


def karens_code_display() -> CodeDevice:
    """Karen has MitID with a code display (made once; each language logs in again)."""
    karen, _created = Identity.objects.get_or_create(
        cpr="0203754322",
        defaults={
            "user_id": "karen.h",
            "user_id_key": "karen.h",
            "status": Identity.Status.ACTIVE,
            "mobile": "+4520304050",
            "email": "karen@example.dk",
            "contact_set_at": timezone.now(),
        },
    )
    device = CodeDevice.objects.filter(identity=karen).first()
    return device or active_code_device(karen, password=KAREN_PASSWORD)


def keep_screenshots(page: Page, name: str) -> None:
    folder = ARTIFACTS / "languages"
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / f"{name}-desktop.png"), full_page=True)
    page.set_viewport_size(PHONE)
    page.screenshot(path=str(folder / f"{name}-phone.png"), full_page=True)
    page.set_viewport_size(DESKTOP)


def log_in_with_nemid(page: Page, base: str, language: str) -> None:
    nemid_log_in(page, base, language, f"/{language}/enrollment/")
    page.wait_for_url(f"**/{language}/enrollment/**")


# The portal's pages plus one page written in Danish only, for the trilingual notice.
@pytest.mark.urls("tests.pages.danish_only_urls")
@pytest.mark.parametrize("language", LANGUAGES)
def test_every_main_page_speaks_only_its_own_language(
    page: Page, live_server: Any, people: None, leak_finder: LeakFinder, language: str
) -> None:
    base = live_server.url
    page.set_viewport_size(DESKTOP)
    found: dict[str, list[str]] = {}

    def check(name: str) -> None:
        assert page.locator("html").get_attribute("lang") == language, page.url
        leaks = leak_finder.leaks(language, page.evaluate(VISIBLE_TEXT))
        if leaks:
            found[f"{name} ({page.url})"] = [
                f"{leak.text!r} is {'/'.join(leak.languages)}" for leak in leaks
            ]
        keep_screenshots(page, f"{language}-{name}")

    for name, path in [
        ("front", ""),
        ("get-mitid", "get-mitid/"),
        ("alternatives", "alternatives/"),
        ("safety", "safety/"),
        ("help", "help/"),
        ("help-someone-else", "help/help-someone-else/"),
        ("not-translated", "danish-only/"),  # the trilingual notice outside da
        ("nemid-login", "nemid/login/"),
        ("mitid-login", "login/"),
        ("check-user-id", "enrollment/check-user-id/"),
    ]:
        page.goto(f"{base}/{language}/{path}")
        check(name)

    # Errors are text too: an empty NemID login and a user-ID against the rules.
    page.goto(f"{base}/{language}/nemid/login/")
    page.locator("#page-form button[type=submit]").click()
    check("nemid-login-errors")
    page.goto(f"{base}/{language}/enrollment/check-user-id/")
    page.locator("input[name=user_id]").fill("211788-0967")
    page.locator("#page-form button[type=submit]").click()
    page.wait_for_load_state()
    check("check-user-id-refused")

    # The MitID login's next page, and getting MitID after logging in with NemID.
    page.goto(f"{base}/{language}/login/")
    page.locator("input[name=user_id]").fill("somebody")
    page.locator("#page-form button[type=submit]").click()
    page.wait_for_url(f"**/{language}/login/app/**")
    check("mitid-login-app")
    log_in_with_nemid(page, base, language)
    check("enrollment-start")

    # Self-service, logged in with MitID (Karen's code display), every page of it.
    karen = karens_code_display()
    page.goto(f"{base}/{language}/login/")
    page.locator("input[name=user_id]").fill("karen.h")
    page.locator("#page-form button[type=submit]").click()
    page.goto(f"{base}/{language}/login/code-device/")
    page.locator("input[name=password]").fill(KAREN_PASSWORD)
    CodeDevice.objects.filter(pk=karen.pk).update(last_t=-1)  # a fresh code in each language
    page.locator("input[name=code]").fill(karen.token.current_code())
    page.locator("#page-form button[type=submit]").click()
    page.wait_for_url(f"**/{language}/selfservice/")
    for name, path in [
        ("selfservice", ""),
        ("selfservice-user-id", "user-id/"),
        ("selfservice-contact", "contact/"),
        ("selfservice-settings", "settings/"),
        ("selfservice-app", "app/"),
        ("selfservice-order", "order/"),
        ("selfservice-block-device", f"authenticators/code_device/{karen.pk}/block/"),
        ("selfservice-block-mitid", "block/"),
    ]:
        page.goto(f"{base}/{language}/selfservice/{path}")
        check(name)

    report = "\n".join(f"{where}:\n  " + "\n  ".join(leaks) for where, leaks in found.items())
    assert not found, f"Text in another language than {language}:\n{report}"


def test_enter_in_a_field_submits_the_form_and_keeps_the_language(
    page: Page, live_server: Any, people: None
) -> None:
    page.goto(f"{live_server.url}/kl/enrollment/check-user-id/")
    page.locator("input[name=user_id]").fill("211788-0967")
    with page.expect_navigation():
        page.locator("input[name=user_id]").press("Enter")
    # The check itself answered (the form was sent to its own page), in Greenlandic still.
    assert page.url == f"{live_server.url}/kl/enrollment/check-user-id/"
    expect(page.locator("[data-error-summary]")).to_be_focused()
    assert page.locator("html").get_attribute("lang") == "kl"
