"""Greenlandic words are long (20 to 30 letters are common): on the narrowest phone WCAG 1.4.10
asks a page to reflow to (320 px), each word of a heading, label, button or link fits its
column. A walk found them broken at an arbitrary letter ("atorunnaareersim|avoq") or running
off the screen, at 390 px too."""

import re
from typing import Any

import pytest
from playwright.sync_api import Page

from nemid.demo import seed_demo_people

from .conftest import nemid_log_in, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NARROWEST = {"width": 320, "height": 640}

# Each visible word against its element's column, measured in the element's own font; a
# word may break after a hyphen or at a soft hyphen (which then shows a hyphen). What only a
# screen reader gets (.sr-only and the like) is left out.
WORDS_WIDER_THAN_THEIR_COLUMN = """
async () => {
  await document.fonts.ready;
  const context = document.createElement("canvas").getContext("2d");
  const unseen = (element) => {
    for (let e = element; e && e !== document.body; e = e.parentElement) {
      const style = getComputedStyle(e);
      if (style.clip !== "auto" || style.clipPath.startsWith("inset(50%")) return true;
      if (style.position === "absolute" && (e.offsetWidth <= 2 || e.offsetHeight <= 2)) return true;
    }
    return !element.checkVisibility({ visibilityProperty: true });
  };
  const column = (element) => {
    let box = element;
    while (["inline", "contents"].includes(getComputedStyle(box).display)) box = box.parentElement;
    const style = getComputedStyle(box);
    return box.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
  };
  const found = [];
  const selector = "h1, h2, h3, legend, label, button, a, .alert-heading";
  for (const element of document.querySelectorAll(selector)) {
    const box = element.getBoundingClientRect();
    if (box.width <= 2 || box.height <= 2 || unseen(element)) continue;
    let text = "";
    const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if (node.parentElement === element || !unseen(node.parentElement)) text += node.data;
    }
    const style = getComputedStyle(element);
    context.font = `${style.fontStyle} ${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
    const width = column(element);
    for (const word of text.split(/\\s+/).filter(Boolean)) {
      const parts = word.split(/(?<=-)|\\u00AD/);
      parts.forEach((part, i) => {
        const shown = part + (i < parts.length - 1 && !part.endsWith("-") ? "-" : "");
        const needed = context.measureText(shown).width;
        if (needed > width + 0.5) {
          found.push(`<${element.localName}> "${word.replaceAll("\\u00AD", "")}" ` +
                     `${Math.round(needed)} px in ${Math.round(width)} px`);
        }
      });
    }
  }
  const page = document.documentElement;
  if (page.scrollWidth > page.clientWidth) {
    found.push(`the page is ${page.scrollWidth} px wide on a ${page.clientWidth} px screen`);
  }
  return found;
}
"""


def words_that_do_not_fit(page: Page, name: str) -> list[str]:
    screenshot(page, f"long-words-{name}-320")
    return [
        f"{name} ({page.url}): {found}" for found in page.evaluate(WORDS_WIDER_THAN_THEIR_COLUMN)
    ]


@pytest.fixture
def people(transactional_db: None) -> None:
    seed_demo_people()


def test_greenlandic_words_fit_a_320_px_phone(browser: Any, live_server: Any, people: None) -> None:
    base = live_server.url
    context = browser.new_context(viewport=NARROWEST, is_mobile=True)
    page = context.new_page()
    found: list[str] = []
    for path, name in [
        ("/kl/", "front"),
        ("/kl/levels/", "levels"),
        ("/kl/get-mitid/", "get-mitid"),
        ("/kl/help/help-someone-else/", "help-someone-else"),
        ("/kl/enrollment/check-user-id/", "check-user-id"),
        ("/kl/login/", "login"),
        ("/kl/nemid/login/", "nemid-login"),
        ("/kl/no-such-page/", "404"),
        ("/oidc/authorize/?client_id=nobody&ui_locales=kl", "party-refused"),
    ]:
        page.goto(f"{base}{path}")
        found += words_that_do_not_fit(page, name)

    # A form whose token is gone (cookies cleared): the page that says the form expired.
    page.goto(f"{base}/kl/login/")
    context.clear_cookies()
    page.locator("input[name=user_id]").fill("somebody")
    with page.expect_navigation():
        page.locator("#page-form button[type=submit]").click()
    found += words_that_do_not_fit(page, "403-form-expired")

    # Jonas, told by his bank that it is his turn, on the way in: no MitID yet.
    nemid_log_in(page, base, "kl", "/kl/enrollment/bank/")
    page.wait_for_url(re.compile(r"/kl/enrollment/bank/$"))
    found += words_that_do_not_fit(page, "your-turn")
    with page.expect_navigation():
        page.locator("button[name=choice][value=later]").click()
    found += words_that_do_not_fit(page, "later")
    page.goto(f"{base}/kl/selfservice/order/")
    found += words_that_do_not_fit(page, "order-without-mitid")
    page.goto(f"{base}/kl/enrollment/bank/")
    with page.expect_navigation():
        page.locator("button[name=choice][value=now]").click()
    page.wait_for_url(re.compile(r"/kl/enrollment/terms/$"))
    found += words_that_do_not_fit(page, "enrollment-terms")
    context.close()
    assert not found, "\n".join(found)


@pytest.mark.urls("tests.pages.danish_only_urls")  # every real page is in kl
def test_the_not_translated_notice_fits_a_320_px_phone_in_greenlandic(
    browser: Any, live_server: Any
) -> None:
    """Its heading has the longest word of any (iserfigineqarsinnaanngilaq)."""
    context = browser.new_context(viewport=NARROWEST, is_mobile=True)
    page = context.new_page()
    page.goto(f"{live_server.url}/kl/danish-only/")
    found = words_that_do_not_fit(page, "not-translated")
    context.close()
    assert not found, "\n".join(found)
