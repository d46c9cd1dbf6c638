"""The headline: Jonas logs in on a computer by scanning the live QR code with his app.

The portal runs in a real ASGI server process (websockets); the QR code is read off a
screenshot with zbar, as a phone camera would, and the command-line app scans and approves.
With `REDIS_URL` set, the app talks to a second server process: the approval crosses Redis
to reach the browser's websocket.
"""

import os
import re
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

import pytest
from PIL import Image
from playwright.sync_api import Page, expect

from authenticators.models import AppDevice, AppLogin
from tests.asgi_server import asgi_server
from tests.phone import PIN, jonas_phone, mitid_app

from .conftest import screenshot

FRAME = re.compile(r"^mitid\.")

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def servers(transactional_db: None) -> Iterator[tuple[str, str]]:
    """The browser's server and the app's: two processes when Redis joins them."""
    environment = {"DEMO_MODE": "true", "CELERY_TASK_ALWAYS_EAGER": "true"}
    with asgi_server(**environment) as browser_url:
        if os.environ.get("REDIS_URL"):
            with asgi_server(**environment) as app_url:
                yield browser_url, app_url
        else:
            yield browser_url, browser_url


@pytest.fixture
def jonas_app(transactional_db: None, tmp_path: Path) -> tuple[AppDevice, Path]:
    """Jonas's activated app, its key in the command-line app's state file."""
    return jonas_phone(tmp_path)


def read_qr(page: Page, path: Path) -> str:
    page.locator("#login-qr").screenshot(path=str(path))
    # Imported here: zbar is a system library that only `make browser-deps` installs, and
    # `make test` collects this module on machines without it.
    from pyzbar.pyzbar import decode

    (symbol,) = decode(Image.open(path))
    return symbol.data.decode()


def test_jonas_scans_the_live_qr_code_and_the_browser_follows_without_a_reload(
    page: Page,
    servers: tuple[str, str],
    jonas_app: tuple[AppDevice, Path],
    tmp_path: Path,
    check_accessibility: Any,
) -> None:
    browser_url, app_url = servers
    _device, state = jonas_app
    page.goto(f"{browser_url}/en/login/")
    page.get_by_label("User-ID").fill("j()nas jen5en")
    page.get_by_role("button", name="Continue").click()
    qr = page.locator("#login-qr")
    # The code is drawn in the browser and changes every second.
    expect(qr).to_have_attribute("data-frame", FRAME)
    first = qr.get_attribute("data-frame")
    expect(qr).not_to_have_attribute("data-frame", first or "", timeout=3000)
    check_accessibility(page)
    screenshot(page, "login-live-qr-en-desktop")

    # The user-ID's answer was the app page itself; its script gave it its own address.
    expect(page).to_have_url(re.compile(r"/en/login/app/$"))
    frame = read_qr(page, tmp_path / "qr.png")
    assert frame.startswith("mitid.")
    fetched: list[str] = []
    page.on("request", lambda request: fetched.append(request.url.split("?")[0]))
    mitid_app(state, app_url, "scan", frame)
    expect(page.locator("#app-login").get_by_text("Approve in the MitID app.")).to_be_visible(
        timeout=5000
    )
    # "Scanned" came from the page itself (a <template>), not from a request; the clock goes
    # on and screen readers hear it.
    assert not [url for url in fetched if url.endswith("/login/app/")], fetched
    expect(page.locator("#app-login [data-countdown]")).to_have_text(re.compile(r"^[0-2]:\d\d$"))
    expect(page.locator("#app-login-announce")).to_have_text("Approve in the MitID app.")
    check_accessibility(page)
    screenshot(page, "login-live-qr-scanned-en-desktop")

    mitid_app(state, app_url, "approve", "--pin", "246810")
    expect(page.get_by_role("heading", level=1)).to_have_text("Your MitID", timeout=5000)
    assert AppLogin.objects.get().status == "completed"
    check_accessibility(page)


def test_a_rejection_shows_in_the_browser_with_a_way_to_start_again(
    page: Page, servers: tuple[str, str], jonas_app: tuple[AppDevice, Path], tmp_path: Path
) -> None:
    browser_url, app_url = servers
    _device, state = jonas_app
    page.goto(f"{browser_url}/en/login/")
    page.get_by_label("User-ID").fill("J()nas Jen5en")
    page.get_by_role("button", name="Continue").click()
    expect(page.locator("#login-qr")).to_have_attribute("data-frame", FRAME)
    mitid_app(state, app_url, "scan", read_qr(page, tmp_path / "qr.png"))
    mitid_app(state, app_url, "reject")
    expect(
        page.locator("#app-login").get_by_text("The login was rejected in the app.")
    ).to_be_visible(timeout=5000)
    page.get_by_role("button", name="Start again").click()
    expect(page.locator("#login-qr")).to_have_attribute("data-frame", FRAME)


@contextmanager
def websocket_server_that_never_answers() -> Iterator[str]:
    """A websocket address whose server takes the connection and says nothing, as a proxy that
    holds websockets, or a server waiting on a Redis that hangs."""
    listener = socket.create_server(("127.0.0.1", 0))
    held: list[socket.socket] = []

    def hold() -> None:
        with suppress(OSError):
            while True:
                held.append(listener.accept()[0])

    threading.Thread(target=hold, daemon=True).start()
    try:
        yield f"ws://127.0.0.1:{listener.getsockname()[1]}"
    finally:
        listener.close()
        for connection in held:
            connection.close()


def test_a_websocket_that_never_opens_gives_way_to_polling(
    page: Page, transactional_db: None, jonas_app: tuple[AppDevice, Path], tmp_path: Path
) -> None:
    _device, state = jonas_app
    with (
        websocket_server_that_never_answers() as silent,
        asgi_server(DEMO_MODE="true", CELERY_TASK_ALWAYS_EAGER="true", WEBSOCKET_URL=silent) as url,
    ):
        page.goto(f"{url}/en/login/")
        page.get_by_label("User-ID").fill("J()nas Jen5en")
        with page.expect_request(re.compile(r"/en/login/app/status/"), timeout=10_000):
            page.get_by_role("button", name="Continue").click()
        # The code on screen is the polls' now: a frame drawn after polling began.
        first = page.locator("#login-qr").get_attribute("data-frame")
        expect(page.locator("#login-qr")).not_to_have_attribute("data-frame", first or "")
        mitid_app(state, url, "scan", read_qr(page, tmp_path / "qr.png"))
        expect(page.locator("#app-login").get_by_text("Approve in the MitID app.")).to_be_visible(
            timeout=5000
        )
        mitid_app(state, url, "approve", "--pin", PIN)
        expect(page.get_by_role("heading", level=1)).to_have_text("Your MitID", timeout=5000)
