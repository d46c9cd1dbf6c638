"""MitID without NemID, as a newcomer tries it: Sofie gets MitID with her passport and the
command-line app and logs in with the live QR code; a forged passport is refused; staff create
MitID at the Borgerservice desk with a code device, and the citizen logs in with it; Jonas
copies his app to a second phone by QR and logs in with the new one.

The portal runs in a real ASGI server process (the live QR code needs websockets), trusting
the demo CSCA made for the test.
"""

import importlib
import re
from collections.abc import Iterator
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.auth.models import Group, User
from django.core.management import CommandError, call_command
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Browser, Page, expect

from activation.models import DeskEnrollment
from app_api.client import AppState, _pem
from audit.models import AuditEntry
from authenticators.models import AppDevice, AppLogin, CodeDevice, HardwareToken, Identity
from authenticators.stock import fill_stock
from messaging.models import OutboxMessage
from tests.asgi_server import asgi_server
from tests.factories import AppDeviceFactory

from .conftest import screenshot
from .test_live_qr_login import FRAME, mitid_app, read_qr
from .test_staff_block import STAFF_PASSWORD, argon2, staff_logs_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def server(demo_passports: Any, transactional_db: None) -> Iterator[str]:
    with asgi_server(
        DEMO_MODE="true",
        CELERY_TASK_ALWAYS_EAGER="true",
        PASSPORT_CSCA_DIR=settings.PASSPORT_CSCA_DIR,
        PASSPORT_DEMO_DIR=settings.PASSPORT_DEMO_DIR,
    ) as url:
        yield url


def last_code(to: str) -> str:
    message = OutboxMessage.objects.filter(recipient=to).order_by("-pk").first()
    assert message is not None
    found = re.search(r"\b(\d{6})\b", message.body)
    assert found is not None
    return found.group(1)


def qr_login(page: Page, url: str, user_id: str, state: Path, pin: str, picture: Path) -> None:
    page.goto(f"{url}/en/login/")
    page.get_by_label("User-ID").fill(user_id)
    page.get_by_role("button", name="Continue").click()
    expect(page.locator("#login-qr")).to_have_attribute("data-frame", FRAME)
    mitid_app(state, url, "scan", read_qr(page, picture))
    mitid_app(state, url, "approve", "--pin", pin)
    expect(page).not_to_have_url(re.compile(r"/en/login/(app/)?$"), timeout=5000)


def test_sofie_gets_mitid_with_her_passport_and_logs_in_with_the_live_qr_code(
    page: Page, server: str, tmp_path: Path
) -> None:
    passports = Path(settings.PASSPORT_DEMO_DIR)
    state = tmp_path / "sofie.json"
    road = ["--cpr", "080404-4128", "--user-id", "Sofie H", "--mobile", "20304050"]
    with pytest.raises(CommandError, match="chip_signer_untrusted"):
        mitid_app(
            state,
            server,
            "passport",
            "--passport",
            str(passports / "forged-sofie-holm.json"),
            *road,
        )
    assert not Identity.objects.filter(cpr="0804044128").exists()
    mitid_app(state, server, "passport", "--passport", str(passports / "sofie-holm.json"), *road)
    mitid_app(
        state,
        server,
        "activate",
        "--user-id",
        "Sofie H",
        "--temporary-pin",
        last_code("+4520304050"),
        "--pin",
        "135790",
    )
    qr_login(page, server, "Sofie H", state, "135790", tmp_path / "qr.png")
    assert AppLogin.objects.filter(status="completed", identity__cpr="0804044128").exists()
    screenshot(page, "passport-road-logged-in-en")


@pytest.fixture
def jonas(transactional_db: None, tmp_path: Path) -> tuple[AppDevice, Path]:
    device = AppDeviceFactory(
        identity__user_id="J()nas Jen5en",
        identity__mobile="+4520304050",
        identity__contact_set_at=timezone.now(),
        name="Jonas's phone",
        pin_hash=argon2("246810"),
    )
    state = AppState(
        tmp_path / "phone.json",
        installation_id=str(device.installation_id),
        accounts={
            "J()nas Jen5en": {
                "private_key": _pem(device.private_key),
                "key_id": str(device.key_id),
                "status": "active",
            }
        },
    )
    state.save()
    return device, state.path


def test_jonas_copies_his_app_to_a_second_phone_and_logs_in_with_it(
    page: Page,
    server: str,
    jonas: tuple[AppDevice, Path],
    tmp_path: Path,
) -> None:
    device, state = jonas
    second = tmp_path / "second.json"
    out = StringIO()
    call_command("mitid_app", "--state", str(state), "--url", server, "copy-show", stdout=out)
    qr = re.search(r"mitid-copy\.\S+", out.getvalue())
    assert qr is not None
    mitid_app(second, server, "copy-scan", qr.group(0), "--user-id", "J()nas Jen5en")
    mitid_app(state, server, "copy-approve", "--pin", "246810")
    mitid_app(
        second,
        server,
        "activate",
        "--user-id",
        "J()nas Jen5en",
        "--temporary-pin",
        last_code("+4520304050"),
        "--pin",
        "975310",
    )
    with pytest.raises(CommandError, match="copy_code_used"):
        mitid_app(
            tmp_path / "third.json", server, "copy-scan", qr.group(0), "--user-id", "J()nas Jen5en"
        )
    assert AppDevice.objects.filter(identity=device.identity, status="active").count() == 2
    qr_login(page, server, "J()nas Jen5en", second, "975310", tmp_path / "qr.png")


@pytest.fixture
def birgit(transactional_db: None) -> User:
    groups = importlib.import_module("staff.migrations.0002_staff_groups")
    groups.create_groups(apps, None)
    desk = importlib.import_module("staff.migrations.0004_desk_permission")
    desk.grant(apps, None)
    user = User.objects.create(username="birgit", password=argon2(STAFF_PASSWORD), is_staff=True)
    user.groups.add(Group.objects.get(name="Borgerservice"))
    TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    return user


def test_staff_create_mitid_at_the_desk_and_the_citizen_logs_in_with_the_code_device(
    page: Page, browser: Browser, server: str, birgit: User, check_accessibility: Any
) -> None:
    fill_stock(code_displays=2, code_readers=1)
    staff_logs_in(page, server, birgit)
    page.goto(f"{server}/admin/activation/deskenrollment/add/")
    page.get_by_label("CPR number").fill("080404-4128")
    page.get_by_label("Passport").check()
    page.get_by_label("Last 4 characters of its number").fill("4081")
    page.get_by_label("I checked the document in person for level High").check()
    page.get_by_role("button", name="Next").click()
    expect(page.locator(".staff-desk-case")).to_contain_text("Sofie Holm")

    page.get_by_label("The user-ID the citizen brought").fill("080404-4128")
    page.get_by_role("button", name="Next").click()
    expect(page.locator(".errornote")).to_contain_text("this user-ID breaks the rules")
    page.get_by_label("The user-ID the citizen brought").fill("Sofie H")
    page.get_by_role("button", name="Next").click()

    page.get_by_label("SMS").check()
    page.get_by_label("Mobile number or e-mail").fill("20 30 40 50")
    page.get_by_role("button", name="Next").click()
    # Sending again at once is refused in words; the code sent first still works.
    page.get_by_role("link", name="Change the address or send a new code").click()
    expect(page.get_by_label("Mobile number or e-mail")).to_have_value("+4520304050")
    page.get_by_role("button", name="Next").click()
    expect(page.locator(".errornote")).to_contain_text("before sending another")
    screenshot(page, "desk-send-again-too-soon-en")
    page.get_by_role("link", name="Type the code sent before").click()
    page.get_by_label("The code the citizen reads out").fill(last_code("+4520304050"))
    page.get_by_role("button", name="Next").click()
    page.get_by_label("Hand out a code display from stock").check()
    page.get_by_role("button", name="Next").click()
    expect(page.locator(".messagelist")).to_contain_text("Hand over the device with serial number")
    screenshot(page, "desk-hand-out-en")

    page.get_by_role("link", name=re.compile("Turn the screen to the citizen")).click()
    case = DeskEnrollment.objects.get()
    token = HardwareToken.objects.get(serial=case.serial)
    page.get_by_label("Create a MitID password").fill("Sofies-kodeord-2026")
    page.get_by_label("Type the password again").fill("Sofies-kodeord-2026")
    page.get_by_label("The code the device shows").fill(token.current_code())
    page.get_by_role("button", name="Next").click()
    expect(page.locator(".messagelist")).to_contain_text("The MitID is active")
    identity = Identity.objects.get(cpr="0804044128")
    assert (identity.status, identity.level) == ("active", "high")
    assert AuditEntry.objects.filter(identity=identity, action="desk_created").exists()
    assert AuditEntry.objects.filter(action="desk_refused", reason="user_id_invalid").exists()
    assert AuditEntry.objects.filter(action="desk_refused", reason="resend_too_soon").exists()

    # Sofie logs in with the code display and her password.
    citizen = browser.new_context().new_page()
    citizen.goto(f"{server}/en/login/")
    citizen.get_by_label("User-ID").fill("Sofie H")
    citizen.get_by_role("button", name="Continue").click()
    citizen.get_by_role("link", name="Log in with your code device").click()
    citizen.get_by_label("Password", exact=True).fill("Sofies-kodeord-2026")
    CodeDevice.objects.filter(identity=identity).update(last_t=-1)
    citizen.locator("input[name=code]").fill(token.current_code())
    citizen.get_by_role("button", name="Log in", exact=True).click()
    expect(citizen.get_by_role("heading", level=1)).to_have_text("Your MitID")
    check_accessibility(citizen)
