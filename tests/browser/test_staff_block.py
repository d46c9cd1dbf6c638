"""Staff block Jonas's app in admin; his next QR login is refused; after an ID check it works.

The portal runs in a real ASGI server process (the live QR code needs websockets). Staff log
in to admin with their password and the code their TOTP device shows (computed here from the
device's key); the command-line app scans the QR code read off the screen and approves.
"""

import importlib
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.apps import apps
from django.contrib.auth.hashers import Argon2PasswordHasher
from django.contrib.auth.models import Group, User
from django.core.management import CommandError
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Browser, Page, expect

from audit.models import AuditEntry
from authenticators.models import AppDevice, AppLogin
from staff.demo import current_code
from tests.asgi_server import asgi_server
from tests.phone import PIN, USER_ID, jonas_phone, mitid_app

from .conftest import screenshot
from .test_live_qr_login import FRAME, read_qr

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

STAFF_PASSWORD = "Skranke-2026-birgit"


def argon2(secret: str) -> str:
    # The server process hashes with the real settings (Argon2), not the tests' fast MD5.
    return Argon2PasswordHasher().encode(secret, Argon2PasswordHasher().salt())


@pytest.fixture
def server(transactional_db: None) -> Iterator[str]:
    with asgi_server(DEMO_MODE="true", CELERY_TASK_ALWAYS_EAGER="true") as url:
        yield url


@pytest.fixture
def birgit(transactional_db: None) -> User:
    """Borgerservice staff with her TOTP device."""
    # A transactional test empties the tables after it, groups included: make them again.
    groups = importlib.import_module("staff.migrations.0002_staff_groups")
    groups.create_groups(apps, None)
    user = User.objects.create(username="birgit", password=argon2(STAFF_PASSWORD), is_staff=True)
    user.groups.add(Group.objects.get(name="Borgerservice"))
    TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    return user


@pytest.fixture
def jonas_app(transactional_db: None, tmp_path: Path) -> tuple[AppDevice, Path]:
    return jonas_phone(tmp_path, name="Jonas's phone")


def staff_logs_in(page: Page, url: str, user: User) -> None:
    page.goto(f"{url}/admin/")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(STAFF_PASSWORD)
    page.get_by_label("Code from your authenticator").fill(
        current_code(TOTPDevice.objects.get(user=user))
    )
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Borgerservice and support")).to_be_visible()


def choose_action(page: Page, url: str, action: str) -> None:
    page.goto(f"{url}/admin/authenticators/appdevice/")
    page.get_by_role("row", name=re.compile("Jonas's phone")).locator(
        "input[name=_selected_action]"
    ).check()
    page.locator("select[name=action]").select_option(action)
    page.get_by_role("button", name="Go").click()


def citizen_starts_a_qr_login(page: Page, url: str) -> None:
    page.goto(f"{url}/en/login/")
    page.get_by_label("User-ID").fill(USER_ID)
    page.get_by_role("button", name="Continue").click()
    expect(page.locator("#login-qr")).to_have_attribute("data-frame", FRAME)


def test_staff_block_jonass_app_and_unblock_it_after_an_id_check(
    page: Page,
    browser: Browser,
    server: str,
    birgit: User,
    jonas_app: tuple[AppDevice, Path],
    tmp_path: Path,
) -> None:
    device, state = jonas_app

    # Jonas rang: his phone is lost. Staff block the app with the reason.
    staff_logs_in(page, server, birgit)
    choose_action(page, server, "block")
    expect(page.get_by_role("heading", name="Block authenticators")).to_be_visible()
    page.get_by_role("button", name="Block").click()  # no reason yet
    expect(page.get_by_text("Choose the reason.")).to_be_visible()
    page.get_by_label("Lost").check()
    page.get_by_label("Note (optional)").fill("Called from his sister's phone")
    screenshot(page, "staff-block-form-en")
    page.get_by_role("button", name="Block").click()
    expect(page.locator(".messagelist")).to_contain_text(
        f"{USER_ID}: MitID app (Jonas's phone): blocked."
    )
    device.refresh_from_db()
    assert device.status == "blocked"

    # His next QR login: the app is refused, and nobody is logged in.
    citizen = browser.new_context()
    jonas = citizen.new_page()
    citizen_starts_a_qr_login(jonas, server)
    with pytest.raises(CommandError, match="device_not_active"):
        mitid_app(state, server, "scan", read_qr(jonas, tmp_path / "qr1.png"))
    # The browser hears it live and says why, with a way to start again.
    expect(jonas.locator("#app-login")).to_contain_text(
        "The MitID app that scanned the code is blocked"
    )
    expect(jonas.locator("#login-qr")).to_have_count(0)
    screenshot(jonas, "login-app-blocked-en")
    assert not AppLogin.objects.filter(status__in=["approved", "completed"]).exists()

    # At Borgerservice: no unblocking without the ID check; with his passport, it is unblocked.
    choose_action(page, server, "unblock")
    page.get_by_role("button", name="Unblock").click()
    expect(page.get_by_text("Record which ID document you checked.")).to_be_visible()
    screenshot(page, "staff-unblock-form-errors-en")
    device.refresh_from_db()
    assert device.status == "blocked"
    page.get_by_label("ID document checked").select_option("passport")
    page.get_by_label("Last 4 characters of its number").fill("7x2q")
    page.get_by_role("button", name="Unblock").click()
    expect(page.locator(".messagelist")).to_contain_text("unblocked.")
    device.refresh_from_db()
    assert device.status == "active"

    # A new QR login approval works, and the browser is logged in.
    citizen_starts_a_qr_login(jonas, server)
    mitid_app(state, server, "scan", read_qr(jonas, tmp_path / "qr2.png"))
    mitid_app(state, server, "approve", "--pin", PIN)
    # On to the page after login (wherever that is): no longer the login or its QR code.
    expect(jonas).not_to_have_url(re.compile(r"/en/login/(app/)?$"), timeout=5000)
    assert AppLogin.objects.filter(status="completed").count() == 1
    citizen.close()

    # The audit log holds who, when and why.
    entries = list(
        AuditEntry.objects.filter(identity=device.identity)
        .order_by("pk")
        .values_list("action", "actor__username", "reason", "detail")
    )
    assert entries == [
        ("device_blocked", "birgit", "lost", "Called from his sister's phone"),
        ("device_unblocked", "birgit", "id_check", "passport …7X2Q"),
    ]
    page.goto(f"{server}/admin/audit/auditentry/")
    expect(page.get_by_role("row", name=re.compile("Authenticator unblocked"))).to_contain_text(
        "birgit"
    )
    screenshot(page, "staff-audit-log-en")
    # The list fits the screen beside the navigation and the filters, in every language.
    results = "document.querySelector('.results')"
    fits = f"() => [{results}.scrollWidth, {results}.clientWidth]"
    for language in ("", "Kalaallisut", "Dansk"):  # this page's English first
        if language:
            page.locator(".staff-languages").get_by_role("button", name=language).click()
        page.goto(f"{server}/admin/authenticators/appdevice/")
        screenshot(page, f"staff-apps-{language or 'English'}")
        wide, room = page.evaluate(fits)
        assert wide <= room, (language, "apps", wide, room)
        page.goto(f"{server}/admin/audit/auditentry/")
        wide, room = page.evaluate(fits)
        assert wide <= room, (language, "audit log", wide, room)
        screenshot(page, f"staff-audit-log-{language or 'English'}")
