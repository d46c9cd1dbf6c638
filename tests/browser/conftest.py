"""Browser tests: Playwright drives Debian's chromium against the live test server."""

import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page

from nemid.demo import seed_demo_people
from tests.factories import jonas_activation_code

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}

pytestmark = pytest.mark.browser


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    # `playwright install` cannot download browsers here; Debian's chromium is the browser.
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }


@pytest.fixture(scope="session")
def django_db_modify_db_settings(
    django_db_modify_db_settings_parallel_suffix: None, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """A file database, so that a real ASGI server process (websockets) can share it."""
    from django.conf import settings

    database = settings.DATABASES["default"]
    if database["ENGINE"].endswith("sqlite3"):
        database.setdefault("TEST", {})["NAME"] = str(
            tmp_path_factory.mktemp("db") / "browser.sqlite3"
        )


@pytest.fixture(scope="session")
def axe() -> Axe:
    return Axe()


@pytest.fixture
def check_accessibility(axe: Axe) -> Iterator[Any]:
    """Call with a page after each navigation; fails on any axe-core violation.

    Every page is checked at its own size and at phone size. A page without JavaScript is
    checked as the very answer it got (after a POST too), not fetched again.
    """

    def check(page: Page) -> None:
        if page.context.browser and _js_disabled(page):
            # axe-core is JavaScript: a twin context runs it on this page's own document, with
            # the scripts taken out and the <noscript> parts shown, as this browser shows them.
            html = _as_without_javascript(page.content())
            url = page.url.split("#", 1)[0]
            twin = page.context.browser.new_context(
                storage_state=page.context.storage_state(), viewport=page.viewport_size
            )
            twin_page = twin.new_page()
            twin_page.route(
                lambda address: address.split("#", 1)[0] == url,
                lambda route: route.fulfill(
                    status=200, content_type="text/html; charset=utf-8", body=html
                ),
            )
            twin_page.route("**/*.js", lambda route: route.abort())
            twin_page.goto(url)
            _run_at_both_sizes(axe, twin_page)
            twin.close()
        else:
            _run_at_both_sizes(axe, page)

    yield check


def _run_at_both_sizes(axe: Axe, page: Page) -> None:
    size = page.viewport_size
    for viewport in [size, PHONE] if size != PHONE else [size]:
        if viewport and viewport != page.viewport_size:
            page.set_viewport_size(viewport)
        results = axe.run(page)
        assert results.violations_count == 0, (
            f"{page.url} at {viewport}\n{results.generate_report()}"
        )
    if size and page.viewport_size != size:
        page.set_viewport_size(size)


def _as_without_javascript(html: str) -> str:
    html = re.sub(r"<script\b[^>]*>.*?</script>", "", html, flags=re.DOTALL | re.IGNORECASE)
    return re.sub(r"</?noscript>", "", html, flags=re.IGNORECASE)


def _js_disabled(page: Page) -> bool:
    return bool(getattr(page.context, "_portal_js_disabled", False))


def new_context_without_javascript(browser: Any, **options: Any) -> Any:
    """A browser context with JavaScript off, marked so the accessibility check knows."""
    context = browser.new_context(java_script_enabled=False, **options)
    context._portal_js_disabled = True
    return context


@pytest.fixture
def activation_code(transactional_db: None) -> str:
    """Jonas has enrolled for the app: confirmed mobile, user-ID, an activation code."""
    seed_demo_people()
    return jonas_activation_code()


def screenshot(page: Page, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def nemid_log_in(page: Page, base: str, language: str, next_path: str) -> None:
    """Jonas (a demo NemID person) logs in with NemID: user-ID, password, the key card's code."""
    from nemid.models import NemIDAccount

    page.goto(f"{base}/{language}/nemid/login/?next={next_path}")
    page.locator("input[name=user_id]").fill("Jonas1983")
    page.locator("input[name=password]").fill("Nemid-Jonas-1983")
    page.locator("#page-form button[type=submit]").click()
    key = page.get_by_test_id("nemid-key").inner_text()
    page.locator("input[name=code]").fill(
        NemIDAccount.objects.get(user_id="Jonas1983").code_for(key)
    )
    page.locator("#page-form button[type=submit]").click()
