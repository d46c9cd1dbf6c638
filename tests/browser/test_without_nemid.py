"""MitID without NemID, as a newcomer tries it: Sofie gets MitID with her passport and the
command-line app and logs in with the live QR code; a forged passport is refused; staff create
MitID at the Borgerservice desk with a code device, and the citizen logs in with it; Jonas
copies his app to a second phone by QR and logs in with the new one. The passport road and the
copy again in the app simulator page (a phone-sized browser tab each), and the logins after.

The portal runs in a real ASGI server process (the live QR code needs websockets), trusting
the demo CSCA made for the test.
"""

import base64
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
from playwright.sync_api import Browser, BrowserContext, Locator, Page, expect

from activation.models import AppCopy, DeskEnrollment
from audit.models import AuditEntry
from authenticators import lifecycle
from authenticators.models import AppDevice, AppLogin, CodeDevice, HardwareToken, Identity
from authenticators.stock import fill_stock
from messaging.models import OutboxMessage
from tests.asgi_server import asgi_server
from tests.phone import jonas_phone, mitid_app

from .conftest import DESKTOP, PHONE, screenshot
from .test_live_qr_login import FRAME, read_qr
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
    return jonas_phone(
        tmp_path,
        identity__mobile="+4520304050",
        identity__contact_set_at=timezone.now(),
        name="Jonas's phone",
    )


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
    scanned = mitid_app(second, server, "copy-scan", qr.group(0), "--user-id", "J()nas Jen5en")
    match_code = re.search(r"This phone's code: ([0-9]{4})", scanned)
    assert match_code is not None, scanned
    mitid_app(state, server, "copy-approve", "--pin", "246810", "--match-code", match_code[1])
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
    # Missing fields are summed up at the top, as the admin's other forms do.
    page.get_by_role("button", name="Next").click()
    expect(page.locator(".errornote")).to_have_text("Please correct the errors below.")
    # The document's radio buttons sit in the field column, their legend in the label's.
    legend = page.locator("fieldset.staff-choice legend")
    assert legend.evaluate("element => getComputedStyle(element).cssFloat") == "left"
    passport = page.get_by_label("Passport").bounding_box()
    cpr = page.get_by_label("CPR number").bounding_box()
    assert passport is not None and cpr is not None
    assert abs(passport["x"] - cpr["x"]) < 20, "the radios line up with the other fields"
    screenshot(page, "desk-start-missing-fields-en")
    page.get_by_label("CPR number").fill("080404-4128")
    page.get_by_label("Passport").check()
    page.get_by_label("Last 4 characters of its number").fill("4081")
    page.get_by_label("I checked the document in person for level High").check()
    page.get_by_role("button", name="Next").click()
    expect(page.locator(".staff-desk-case")).to_contain_text("Sofie Holm")

    page.get_by_label("The user-ID the citizen brought").fill("080404-4128")
    page.get_by_role("button", name="Next").click()
    expect(page.locator(".errorlist.nonfield")).to_contain_text("This user-ID breaks the rules.")
    page.get_by_label("The user-ID the citizen brought").fill("Sofie H")
    page.get_by_role("button", name="Next").click()

    page.get_by_label("SMS").check()
    page.get_by_label("Mobile number or e-mail").fill("20 30 40 50")
    page.get_by_role("button", name="Next").click()
    # Sending again at once is refused in words; the code sent first still works.
    page.get_by_role("link", name="Change the address or send a new code").click()
    expect(page.get_by_label("Mobile number or e-mail")).to_have_value("+4520304050")
    page.get_by_role("button", name="Next").click()
    expect(page.locator(".errorlist.nonfield")).to_contain_text("before sending another")
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
    # The screen turned to her is in her MitID's language (Danish), whatever the staff's is;
    # she picks English on it.
    expect(page.locator("html")).to_have_attribute("lang", "da")
    expect(page.get_by_label("Opret en MitID-adgangskode")).to_be_visible()
    page.get_by_role("link", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.get_by_label("Create a MitID password").fill("Sofies-kodeord-2026")
    page.get_by_label("Type the password again").fill("Sofies-kodeord-2026")
    page.get_by_label("The code the device shows").fill(token.current_code())
    page.get_by_role("button", name="Next").click()
    expect(page.locator(".messagelist")).to_contain_text("The MitID is active")
    identity = Identity.objects.get(cpr="0804044128")
    assert (identity.status, identity.level, identity.language) == ("active", "high", "en")
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


# The same roads in the app simulator page: a phone in the browser, speaking the App API. -----


def simulator(browser: Browser, url: str, language: str = "en") -> Page:
    """A phone-sized browser showing the app simulator (phone 1 of this browser)."""
    page = browser.new_context(viewport=PHONE, is_mobile=True).new_page()
    page.goto(f"{url}/{language}/demo/app/")
    return page


def screen(page: Page, name: str) -> Locator:
    return page.locator(f"[data-screen='{name}']")


def refused(page: Page, text: str, code: str) -> None:
    """The simulator says why in the page's language, with the App API's stable code."""
    message = page.locator("#app-message")
    expect(message).to_contain_text(text)
    expect(message.locator(".app-error-code code")).to_have_text(code)


def scan_login(
    browser: Browser, url: str, phone: Page, user_id: str, pin: str, picture: Path
) -> Page:
    """The phone scans the live QR code on a computer and approves; the computer follows."""
    computer = browser.new_context(viewport=DESKTOP).new_page()
    computer.goto(f"{url}/en/login/")
    computer.get_by_label("User-ID").fill(user_id)
    computer.get_by_role("button", name="Continue").click()
    expect(computer.locator("#login-qr")).to_have_attribute("data-frame", FRAME)
    computer.locator("#login-qr").screenshot(path=str(picture))
    phone.get_by_role("button", name="Scan a QR code").click()
    scan = screen(phone, "scan")
    scan.get_by_label("Take a picture of the QR code").set_input_files(str(picture))
    scan.get_by_role("button", name="Scan", exact=True).click()
    expect(screen(phone, "approve")).to_contain_text("Log in to MitID.dk")
    screen(phone, "approve").get_by_label("PIN", exact=True).fill(pin)
    screen(phone, "approve").get_by_role("button", name="Approve").click()
    expect(phone.get_by_text("Approved. Go back to the screen.")).to_be_visible()
    # No reload: the websocket brings the approval to the computer.
    expect(computer.get_by_role("heading", level=1)).to_have_text("Your MitID", timeout=5000)
    return computer


def test_sofie_gets_mitid_with_her_passport_in_the_page_simulator_and_logs_in_by_qr(
    browser: Browser,
    server: str,
    demo_passports: dict[str, dict[str, str]],
    tmp_path: Path,
    check_accessibility: Any,
) -> None:
    phone = simulator(browser, server)
    phone.get_by_role("button", name="With your passport").click()
    start = screen(phone, "passport-start")
    expect(start.get_by_role("heading", name="Get MitID with your passport")).to_be_focused()
    check_accessibility(phone)
    start.get_by_label("CPR number or P-code").fill("080404-4128")
    start.get_by_role("button", name="Next").click()
    refused(phone, "Tick the box to show that you have read", "terms_not_accepted")
    start.get_by_label("I have read and understood the terms").check()
    start.get_by_role("button", name="Next").click()

    # The passport in her hand; the camera reads its MRZ, first with one digit wrong.
    mrz = screen(phone, "passport-mrz")
    mrz.get_by_label("The passport in your hand (demo)").select_option("sofie-holm")
    text = demo_passports["sofie-holm"]["mrz"]
    expect(mrz.get_by_label("Machine-readable zone")).to_have_value(text)
    first, second = text.split("\n")
    misread = f"{first}\n{'3' if second[0] != '3' else '4'}{second[1:]}"
    mrz.get_by_label("Machine-readable zone").fill(misread)
    mrz.get_by_role("button", name="Next").click()
    refused(phone, "A check digit in the machine-readable zone does not add up", "mrz_check_digit")
    check_accessibility(phone)
    screenshot(phone, "app-simulator-passport-refused-en-phone")
    mrz.get_by_label("Machine-readable zone").fill(text)
    sent: list[str] = []
    phone.on("request", lambda request: sent.append(request.url))
    mrz.get_by_role("button", name="Next").dblclick()  # a double tap sends once

    chip = screen(phone, "passport-chip")
    expect(chip).to_contain_text("220404081")
    expect(phone.locator("#app-message")).not_to_contain_text("server_error")
    assert [url for url in sent if url.endswith("/passport/mrz")] == [
        f"{server}/api/app/v1/passport/mrz"
    ]
    chip.get_by_role("button", name="Read the chip").click()

    # Someone else's face is refused; her own (the camera's new picture of her) is taken.
    face = screen(phone, "passport-face")
    someone_else = tmp_path / "karen.png"
    someone_else.write_bytes(base64.b64decode(demo_passports["karen-hansen"]["face"]))
    face.get_by_label("Picture of your face").set_input_files(str(someone_else))
    face.get_by_role("button", name="Use the picture").click()
    refused(phone, "Your face does not match the picture in the passport", "face_mismatch")
    face.get_by_role("button", name="Use the picture").click()

    choose = screen(phone, "passport-user-id")
    choose.get_by_label("Choose a user-ID").fill("080404-4128")
    choose.get_by_label("Mobile number").fill("20 30 40 50")
    choose.get_by_role("button", name="Next").click()
    refused(phone, "Your CPR number cannot be your user-ID.", "user_id_invalid")
    expect(choose.get_by_label("Mobile number")).to_have_value("20 30 40 50")
    choose.get_by_label("Choose a user-ID").fill("Sofie H")
    check_accessibility(phone)
    choose.get_by_role("button", name="Next").click()
    expect(phone.get_by_text("A temporary PIN is on its way to you by SMS.")).to_be_visible()

    confirm = screen(phone, "confirm")
    expect(confirm.get_by_role("link", name=re.compile("outbox"))).to_have_attribute(
        "href", "/en/demo/outbox/"
    )
    confirm.get_by_label("Temporary PIN from the SMS").fill(last_code("+4520304050"))
    confirm.get_by_label("Your own 6-digit PIN").fill("135790")
    confirm.get_by_label("Type the PIN again").fill("135790")
    confirm.get_by_label("Allow notifications from the MitID app").check()
    confirm.get_by_role("button", name="Activate").click()
    expect(phone.get_by_text("The MitID app is active for this user-ID.")).to_be_visible()
    expect(phone.locator("#app-accounts")).to_contain_text("Sofie H – Active")
    identity = Identity.objects.get(cpr="0804044128")
    assert (identity.user_id, identity.level) == ("Sofie H", "substantial")
    assert AppDevice.objects.get(identity=identity).status == "active"
    screenshot(phone, "app-simulator-passport-done-en-phone")

    scan_login(browser, server, phone, "Sofie H", "135790", tmp_path / "qr.png")
    assert AppLogin.objects.filter(status="completed", identity=identity).exists()


def passport_road_in_simulator(
    phone: Page,
    cpr: str,
    passport: str,
    user_id: str,
    mobile: str = "20 30 40 50",
    send: bool = True,
) -> None:
    """The passport road in the page simulator, each step as it should go, to the PIN's SMS
    (or to the user-ID and number typed, not yet sent)."""
    phone.get_by_role("button", name="With your passport").click()
    start = screen(phone, "passport-start")
    start.get_by_label("CPR number or P-code").fill(cpr)
    start.get_by_label("I have read and understood the terms").check()
    start.get_by_role("button", name="Next").click()
    mrz = screen(phone, "passport-mrz")
    mrz.get_by_label("The passport in your hand (demo)").select_option(passport)
    mrz.get_by_role("button", name="Next").click()
    screen(phone, "passport-chip").get_by_role("button", name="Read the chip").click()
    screen(phone, "passport-face").get_by_role("button", name="Use the picture").click()
    choose = screen(phone, "passport-user-id")
    choose.get_by_label(re.compile("user-ID")).fill(user_id)
    choose.get_by_label("Mobile number").fill(mobile)
    if send:
        choose.get_by_role("button", name="Next").click()
        expect(phone.get_by_text("A temporary PIN is on its way to you by SMS.")).to_be_visible()


def activate_in_simulator(phone: Page, mobile: str = "+4520304050", pin: str = "135790") -> None:
    confirm = screen(phone, "confirm")
    confirm.get_by_label("Temporary PIN from the SMS").fill(last_code(mobile))
    confirm.get_by_label("Your own 6-digit PIN").fill(pin)
    confirm.get_by_label("Type the PIN again").fill(pin)
    confirm.get_by_label("Allow notifications from the MitID app").check()
    confirm.get_by_role("button", name="Activate").click()
    expect(phone.get_by_text("The MitID app is active for this user-ID.")).to_be_visible()


def test_a_blocked_app_is_replaced_by_the_passport_road_on_the_same_phone(
    browser: Browser, server: str, demo_passports: dict[str, dict[str, str]], tmp_path: Path
) -> None:
    """Support blocked Sofie's app; the phone that holds it takes the passport road again,
    and her new app takes its place there. The phone signed that road's last step with the
    blocked app's key, which the portal refuses, and an app of hers sat there: a dead end at
    the last step (a walk of 2026-12-06)."""
    phone = simulator(browser, server)
    passport_road_in_simulator(phone, "080404-4128", "sofie-holm", "Sofie H")
    activate_in_simulator(phone)
    identity = Identity.objects.get(cpr="0804044128")
    first = AppDevice.objects.get(identity=identity)
    lifecycle.block_device(first, reason="lost", by=None)  # by MitID support

    phone.reload()
    passport_road_in_simulator(phone, "080404-4128", "sofie-holm", "sofie h", "20 30 40 51")
    activate_in_simulator(phone, "+4520304051")
    expect(phone.locator("#app-accounts")).to_contain_text("Sofie H – Active")
    first.refresh_from_db()
    assert first.status == "revoked"
    assert AppDevice.objects.get(identity=identity, status="active").pk != first.pk
    scan_login(browser, server, phone, "Sofie H", "135790", tmp_path / "qr.png")
    assert AppLogin.objects.filter(status="completed", identity=identity).exists()


def test_the_passport_road_comes_back_after_another_language_or_a_reload(
    browser: Browser, server: str, demo_passports: dict[str, dict[str, str]]
) -> None:
    """At the road's last step, with the user-ID and number typed, Sofie switches to Danish,
    then reloads: the road is where she left it, with what she typed; she goes on. The
    simulator kept the road in memory only: both threw it away without a word (a walk)."""
    phone = simulator(browser, server)
    passport_road_in_simulator(phone, "080404-4128", "sofie-holm", "Sofie H", send=False)
    phone.get_by_role("button", name="Dansk").click()
    choose = screen(phone, "passport-user-id")
    expect(choose).to_be_visible()
    expect(phone.locator("html")).to_have_attribute("lang", "da")
    expect(choose.locator("#app-new-user-id")).to_have_value("Sofie H")
    expect(choose.locator("#app-mobile")).to_have_value("20 30 40 50")
    phone.reload()
    expect(choose).to_be_visible()
    expect(choose.locator("#app-new-user-id")).to_have_value("Sofie H")
    choose.locator("button[type=submit]").click()
    expect(screen(phone, "confirm")).to_be_visible()
    assert AppDevice.objects.filter(identity__cpr="0804044128", status="pending").exists()
    # Done: a reload now shows the PIN's screen's phone, not the road again.
    phone.reload()
    expect(choose).to_be_hidden()


def test_a_forged_passport_is_refused_in_the_page_simulator_in_danish(
    browser: Browser, server: str, check_accessibility: Any
) -> None:
    phone = simulator(browser, server, "da")
    phone.get_by_role("button", name="Med dit pas").click()
    start = screen(phone, "passport-start")
    start.get_by_label("Jeg har læst og forstået vilkår og betingelser for MitID").check()
    start.get_by_label("CPR-nummer eller P-kode").fill("0804044128")
    start.get_by_role("button", name="Næste").click()
    screen(phone, "passport-mrz").get_by_role("combobox").select_option("forged-sofie-holm")
    screen(phone, "passport-mrz").get_by_role("button", name="Næste").click()
    screen(phone, "passport-chip").get_by_role("button", name="Læs chippen").click()
    refused(
        phone,
        "Passets chip er ikke signeret af en myndighed, som MitID har tillid til.",
        "chip_signer_untrusted",
    )
    expect(phone.locator("#app-message")).to_contain_text("Fejlkode:")
    check_accessibility(phone)
    screenshot(phone, "app-simulator-forged-passport-da-phone")
    assert not Identity.objects.filter(cpr="0804044128").exists()
    assert not AppDevice.objects.exists()


def the_copy_code(old: Page) -> str:
    """The old phone shows its copy code: its text, as the new phone's paste field takes it."""
    old.get_by_role("button", name="Copy MitID to a new phone").click()
    screen(old, "copy-show").get_by_role("button", name="Show the QR code").click()
    return old.get_by_role("img", name="QR code for the new phone").get_attribute("data-qr") or ""


def jonas_activates_the_simulator(phones: BrowserContext, url: str, activation_code: str) -> Page:
    """Jonas's phone 1: the app simulator, activated with his activation code and PIN 246810."""
    old = phones.new_page()
    old.goto(f"{url}/en/demo/app/")
    old.get_by_role("button", name="With an activation code").click()
    screen(old, "activate").get_by_label("User-ID", exact=True).fill("J()nas Jen5en")
    screen(old, "activate").get_by_label("Activation code").fill(activation_code)
    screen(old, "activate").get_by_role("button", name="Next").click()
    expect(old.get_by_text("A temporary PIN is on its way to you by SMS.")).to_be_visible()
    confirm = screen(old, "confirm")
    confirm.get_by_label("Temporary PIN from the SMS").fill(last_code("+4520304050"))
    confirm.get_by_label("Your own 6-digit PIN").fill("246810")
    confirm.get_by_label("Type the PIN again").fill("246810")
    confirm.get_by_label("Allow notifications from the MitID app").check()
    confirm.get_by_role("button", name="Activate").click()
    expect(old.get_by_text("The MitID app is active for this user-ID.")).to_be_visible()
    return old


def test_jonas_copies_his_app_to_a_new_phone_in_the_page_simulator_and_logs_in_with_it(
    browser: Browser, server: str, activation_code: str, tmp_path: Path, check_accessibility: Any
) -> None:
    phones = browser.new_context(viewport=PHONE, is_mobile=True)
    old = jonas_activates_the_simulator(phones, server, activation_code)

    # The old phone shows the QR code, valid 3 minutes.
    old.get_by_role("button", name="Copy MitID to a new phone").click()
    screen(old, "copy-show").get_by_role("button", name="Show the QR code").click()
    code = old.get_by_role("img", name="QR code for the new phone")
    expect(code).to_have_attribute("data-qr", re.compile(r"^mitid-copy\."))
    qr = code.get_attribute("data-qr") or ""
    # Until when, in Danish time as the portal's pages say it, whatever the phone's clock.
    until = timezone.localtime(AppCopy.objects.get().expires_at).strftime("%H:%M:%S")
    expect(old.locator('[data-field="copy_until"]')).to_have_text(until)
    check_accessibility(old)
    screenshot(old, "app-simulator-copy-show-en-phone")
    picture = tmp_path / "copy.png"
    code.screenshot(path=str(picture))

    # The new phone is another tab of the same browser, with keys of its own.
    with phones.expect_page() as opened:
        old.get_by_role("link", name="Open phone 2 (a new tab)").click()
    new = opened.value
    expect(new.get_by_text("No user-ID on this phone yet.")).to_be_visible()
    new.get_by_role("button", name="From your other phone").click()
    screen(new, "scan").get_by_label("Take a picture of the QR code").set_input_files(str(picture))
    screen(new, "scan").get_by_role("button", name="Scan", exact=True).click()
    screen(new, "copy-user-id").get_by_label("Your user-ID").fill("J()nas Jen5en")
    check_accessibility(new)
    screen(new, "copy-user-id").get_by_role("button", name="Next").click()
    # The new phone waits for the old one: no form for an SMS that has not come yet.
    waiting = screen(new, "copy-wait")
    expect(waiting.get_by_role("heading", name="Confirm on your other phone")).to_be_focused()
    expect(waiting.get_by_text("Now confirm on your other phone with its PIN.")).to_be_visible()
    expect(screen(new, "confirm")).to_be_hidden()
    match_code = waiting.locator('[data-field="match_code"]')
    expect(match_code).to_have_text(re.compile(r"^[0-9]{4}$"))
    check_accessibility(new)
    screenshot(new, "app-simulator-copy-wait-en-phone")

    # The old phone is shown which phone scanned, and the code the new one shows; then it
    # confirms with its PIN (a wrong one first).
    approve = screen(old, "copy-show")
    expect(approve.get_by_label("Your PIN")).to_be_hidden()
    approve.get_by_role("button", name="The new phone has scanned it").click()
    expect(approve.locator("#app-copy-scanned")).to_be_focused()
    expect(approve.get_by_role("img", name="QR code for the new phone")).to_be_hidden()
    expect(approve.locator("#app-copy-scanned")).to_contain_text("“MitID app simulator 2”")
    expect(approve.locator('[data-field="match_code"]')).to_have_text(
        match_code.text_content() or ""
    )
    check_accessibility(old)
    screenshot(old, "app-simulator-copy-scanned-en-phone")
    approve.get_by_label("Your PIN").fill("000000")
    approve.get_by_role("button", name="Confirm the copy").click()
    refused(old, "The PIN is wrong.", "wrong_pin")
    approve.get_by_label("Your PIN").fill("246810")
    approve.get_by_role("button", name="Confirm the copy").click()
    expect(old.get_by_text("Confirmed. The new phone gets a temporary PIN by SMS.")).to_be_visible()

    waiting.get_by_role("button", name="I have confirmed it").click()
    confirm = screen(new, "confirm")
    confirm.get_by_label("Temporary PIN from the SMS").fill(last_code("+4520304050"))
    confirm.get_by_label("Your own 6-digit PIN").fill("975310")
    confirm.get_by_label("Type the PIN again").fill("975310")
    confirm.get_by_label("Allow notifications from the MitID app").check()
    confirm.get_by_role("button", name="Activate").click()
    expect(new.get_by_text("The MitID app is active for this user-ID.")).to_be_visible()
    identity = Identity.objects.get(user_id="J()nas Jen5en")
    assert AppDevice.objects.filter(identity=identity, status="active").count() == 2

    # The code works once: a third phone that pastes it is refused.
    third = phones.new_page()
    third.goto(f"{server}/en/demo/app/?phone=3")
    third.get_by_role("button", name="From your other phone").click()
    screen(third, "scan").get_by_label("Or paste the text of the QR code").fill(qr)
    screen(third, "scan").get_by_role("button", name="Scan", exact=True).click()
    # Said at once, before the user-ID is typed for nothing.
    refused(third, "This QR code has been used already.", "copy_code_used")
    expect(third.locator("#app-message")).to_contain_text(
        "do not confirm the copy on your other phone"
    )
    expect(third.locator('[data-screen="copy-user-id"]')).to_be_hidden()
    assert AppDevice.objects.filter(identity=identity).count() == 2

    scan_login(browser, server, new, "J()nas Jen5en", "975310", tmp_path / "qr.png")
    # Approved by the copied app, not the old one.
    assert AppLogin.objects.get(status="completed").device == AppCopy.objects.get().new_device


def test_a_new_phone_reloaded_while_waiting_still_shows_the_code_to_compare(
    browser: Browser, server: str, activation_code: str
) -> None:
    """The match code was only on the waiting screen: a reload, or the page in another
    language, left the citizen nothing to compare with the old phone's (a walk's finding)."""
    phones = browser.new_context(viewport=PHONE, is_mobile=True)
    old = jonas_activates_the_simulator(phones, server, activation_code)
    qr = the_copy_code(old)
    new = phones.new_page()
    new.goto(f"{server}/en/demo/app/?phone=2")
    new.get_by_role("button", name="From your other phone").click()
    screen(new, "scan").get_by_label("Or paste the text of the QR code").fill(qr)
    screen(new, "scan").get_by_role("button", name="Scan", exact=True).click()
    screen(new, "copy-user-id").get_by_label("Your user-ID").fill("J()nas Jen5en")
    screen(new, "copy-user-id").get_by_role("button", name="Next").click()
    expect(screen(new, "copy-wait")).to_be_visible()
    match_code = AppCopy.objects.get().match_code
    expect(screen(new, "copy-wait").locator('[data-field="match_code"]')).to_have_text(match_code)
    new.goto(f"{server}/da/demo/app/?phone=2")
    new.get_by_role("button", name="Gør opsætningen færdig").click()
    expect(screen(new, "copy-wait").locator('[data-field="match_code"]')).to_have_text(match_code)
    expect(screen(new, "confirm")).to_be_hidden()


def test_a_new_phone_told_a_pasted_text_is_not_a_mitid_qr_code_not_that_it_has_no_user_id(
    browser: Browser, server: str
) -> None:
    new = simulator(browser, server, "da")
    new.locator("[data-screen=home] [data-go=scan]").last.click()
    # A copy code mistyped: the phone has no user-ID yet, and is not asked to log in with one.
    screen(new, "scan").locator("#app-frame").fill("mitid-kopi.abc")
    screen(new, "scan").locator("button[type=submit]").click()
    expect(new.locator("#app-message .alert-text")).to_have_text("Det er ikke en MitID QR-kode.")
    expect(screen(new, "scan")).to_be_visible()


@pytest.fixture
def short_copy_server(transactional_db: None) -> Iterator[str]:
    """A portal whose copy QR codes live 3 seconds, not 3 minutes."""
    with asgi_server(
        DEMO_MODE="true", CELERY_TASK_ALWAYS_EAGER="true", APP_COPY_SECONDS="3"
    ) as url:
        yield url


def test_an_expired_copy_qr_code_is_taken_away_and_refused_in_the_page_simulator(
    browser: Browser, short_copy_server: str, activation_code: str, check_accessibility: Any
) -> None:
    phones = browser.new_context(viewport=PHONE, is_mobile=True)
    old = jonas_activates_the_simulator(phones, short_copy_server, activation_code)
    old.get_by_role("button", name="Copy MitID to a new phone").click()
    screen(old, "copy-show").get_by_role("button", name="Show the QR code").click()
    code = old.get_by_role("img", name="QR code for the new phone")
    expect(code).to_have_attribute("data-qr", re.compile(r"^mitid-copy\."))
    qr = code.get_attribute("data-qr") or ""
    # When its time is up the old phone takes the code away and says so.
    expect(code).to_be_hidden(timeout=6000)
    expect(old.locator("#app-message")).to_contain_text("The QR code has expired.")
    expect(
        screen(old, "copy-show").get_by_role("button", name="Show a new QR code")
    ).to_be_visible()
    check_accessibility(old)

    new = phones.new_page()
    new.goto(f"{short_copy_server}/en/demo/app/?phone=2")
    new.get_by_role("button", name="From your other phone").click()
    screen(new, "scan").get_by_label("Or paste the text of the QR code").fill(qr)
    screen(new, "scan").get_by_role("button", name="Scan", exact=True).click()
    refused(new, "The QR code has expired. Show a new one", "copy_code_expired")
    expect(new.locator('[data-screen="copy-user-id"]')).to_be_hidden()
    assert AppDevice.objects.count() == 1


def a_new_phone_scans_the_copy(phones: BrowserContext, server: str, old: Page) -> Page:
    """Phone 2 opens its scanner, the old phone shows its copy code, and phone 2 scans it and
    types Jonas's user-ID (in English): it then waits for the old phone to confirm."""
    new = phones.new_page()
    new.goto(f"{server}/en/demo/app/?phone=2")
    new.get_by_role("button", name="From your other phone").click()
    qr = the_copy_code(old)
    screen(new, "scan").get_by_label("Or paste the text of the QR code").fill(qr)
    screen(new, "scan").get_by_role("button", name="Scan", exact=True).click()
    screen(new, "copy-user-id").get_by_label("Your user-ID").fill("J()nas Jen5en")
    screen(new, "copy-user-id").get_by_role("button", name="Next").click()
    return new


def test_a_copy_scanned_but_not_confirmed_in_time_ends_on_both_phones(
    browser: Browser, short_copy_server: str, activation_code: str
) -> None:
    """The old phone takes its confirmation away when the time runs out (it offered it still,
    and called the code expired that had been scanned in time); the new phone, which will get
    no SMS, may remove the user-ID it was setting up (a walk's findings)."""
    phones = browser.new_context(viewport=PHONE, is_mobile=True)
    old = jonas_activates_the_simulator(phones, short_copy_server, activation_code)
    new = a_new_phone_scans_the_copy(phones, short_copy_server, old)
    expect(screen(new, "copy-wait")).to_be_visible()
    screen(old, "copy-show").get_by_role("button", name="The new phone has scanned it").click()
    expect(screen(old, "copy-show").get_by_label("Your PIN")).to_be_visible()
    expect(old.locator("#app-message")).to_contain_text(
        "The time to confirm the copy ran out.", timeout=6000
    )
    expect(screen(old, "copy-show").get_by_label("Your PIN")).to_be_hidden()

    # The new phone asks when the time is up, and is told: it waited with its four digits
    # and "I have confirmed it" as if the copy could still happen (a walk's finding). The
    # user-ID it was setting up goes, and it can scan a new code.
    refused(new, "The time to confirm the copy on your other phone ran out", "copy_code_expired")
    expect(new.locator("#app-message")).to_contain_text("Start again on your other phone")
    expect(screen(new, "scan")).to_be_visible()
    expect(screen(new, "copy-wait")).to_be_hidden()
    screenshot(new, "app-simulator-copy-over-en-phone")
    screen(new, "scan").get_by_role("button", name="Back").click()
    expect(new.get_by_text("No user-ID on this phone yet.")).to_be_visible()


def test_a_new_phone_asked_after_the_old_one_showed_a_new_code_is_told_to_scan_it(
    browser: Browser, server: str, activation_code: str
) -> None:
    """ "I have confirmed it" went to the PIN form whatever the old phone had done: the new
    phone asks now, and is told when the copy did not happen (a walk's finding, da and kl)."""
    phones = browser.new_context(viewport=PHONE, is_mobile=True)
    old = jonas_activates_the_simulator(phones, server, activation_code)
    qr = the_copy_code(old)
    new = phones.new_page()
    new.goto(f"{server}/da/demo/app/?phone=2")
    new.locator("[data-screen=home] [data-go=scan]").last.click()
    screen(new, "scan").locator("#app-frame").fill(qr)
    screen(new, "scan").locator("button[type=submit]").click()
    screen(new, "copy-user-id").locator("#app-copy-user-id").fill("J()nas Jen5en")
    screen(new, "copy-user-id").locator("button[type=submit]").click()
    waiting = screen(new, "copy-wait")
    waiting.get_by_role("button", name="Jeg har bekræftet").click()
    expect(new.locator("#app-message")).to_contain_text(
        "Din anden telefon har ikke bekræftet kopien endnu."
    )
    expect(waiting).to_be_visible()
    expect(screen(new, "confirm")).to_be_hidden()

    screen(old, "copy-show").get_by_role("button", name="Show a new QR code").click()
    newer = old.get_by_role("img", name="QR code for the new phone")
    expect(newer).not_to_have_attribute("data-qr", qr)
    waiting.get_by_role("button", name="Jeg har bekræftet").click()
    refused(new, "Din anden telefon har vist en ny QR-kode siden", "copy_replaced")
    expect(screen(new, "confirm")).to_be_hidden()
    screen(new, "scan").locator("#app-frame").fill(newer.get_attribute("data-qr") or "")
    screen(new, "scan").locator("button[type=submit]").click()
    expect(screen(new, "copy-user-id")).to_be_visible()

    # In Greenlandic, after a reload: "Finish setting up" asks too.
    screen(new, "copy-user-id").locator("#app-copy-user-id").fill("J()nas Jen5en")
    screen(new, "copy-user-id").locator("button[type=submit]").click()
    expect(waiting).to_be_visible()
    screen(old, "copy-show").get_by_role("button", name="Show a new QR code").click()
    new.goto(f"{server}/kl/demo/app/?phone=2")
    new.locator("[data-screen=home] [data-action=finish]").click()
    refused(new, "Oqarasuaatit allat taamaanngaaniit QR-kode nutaaq takutippaa", "copy_replaced")
    expect(screen(new, "scan")).to_be_visible()
    screenshot(new, "app-simulator-copy-replaced-kl-phone")
    assert list(AppDevice.objects.filter(status="pending")) == []


def test_the_old_phone_comes_back_to_its_copy_after_a_reload_or_another_language(
    browser: Browser, server: str, activation_code: str
) -> None:
    """After "The new phone has scanned it" a reload showed the start again, and the citizen
    could not confirm (a walk's finding)."""
    phones = browser.new_context(viewport=PHONE, is_mobile=True)
    old = jonas_activates_the_simulator(phones, server, activation_code)
    old.get_by_role("button", name="Copy MitID to a new phone").click()
    screen(old, "copy-show").get_by_role("button", name="Show the QR code").click()
    code = old.get_by_role("img", name="QR code for the new phone")
    qr = code.get_attribute("data-qr") or ""
    until = old.locator('[data-field="copy_until"]').text_content() or ""
    # The code with its expiry, as it was.
    old.reload()
    expect(code).to_have_attribute("data-qr", qr)
    expect(old.locator('[data-field="copy_until"]')).to_have_text(until)
    expect(
        screen(old, "copy-show").get_by_role("button", name="Show a new QR code")
    ).to_be_visible()
    # And after Back, from the phone's user-IDs.
    screen(old, "copy-show").get_by_role("button", name="Back").click()
    old.get_by_role("button", name="Copy MitID to a new phone").click()
    expect(code).to_have_attribute("data-qr", qr)

    new = phones.new_page()
    new.goto(f"{server}/en/demo/app/?phone=2")
    new.get_by_role("button", name="From your other phone").click()
    screen(new, "scan").get_by_label("Or paste the text of the QR code").fill(qr)
    screen(new, "scan").get_by_role("button", name="Scan", exact=True).click()
    screen(new, "copy-user-id").get_by_label("Your user-ID").fill("J()nas Jen5en")
    screen(new, "copy-user-id").get_by_role("button", name="Next").click()
    match_code = screen(new, "copy-wait").locator('[data-field="match_code"]')
    expect(match_code).to_have_text(re.compile(r"^[0-9]{4}$"))
    screen(old, "copy-show").get_by_role("button", name="The new phone has scanned it").click()
    expect(screen(old, "copy-show").get_by_label("Your PIN")).to_be_visible()

    # In Danish: the phone that scanned, when, its four digits and the PIN form.
    old.goto(f"{server}/da/demo/app/")
    confirm = screen(old, "copy-show")
    expect(confirm.locator("#app-copy-scanned")).to_contain_text("“MitID app simulator 2”")
    scanned_at = timezone.localtime(AppCopy.objects.get().scanned_at).strftime("%H:%M:%S")
    # Danish writes the time with dots (Intl's da), as the page did before the reload.
    expect(confirm.locator('[data-field="copy_scanned_at"]')).to_have_text(
        scanned_at.replace(":", ".")
    )
    expect(confirm.locator('[data-field="match_code"]')).to_have_text(
        match_code.text_content() or ""
    )
    expect(code).to_be_hidden()
    screenshot(old, "app-simulator-copy-scanned-reloaded-da-phone")
    confirm.get_by_label("Din PIN-kode").fill("246810")
    confirm.get_by_role("button", name="Bekræft kopien").click()
    expect(old.locator("#app-message")).to_contain_text("Bekræftet.")
    # Confirmed, it is over: a reload shows the phone's user-IDs.
    old.reload()
    expect(screen(old, "home")).to_be_visible()

    screen(new, "copy-wait").get_by_role("button", name="I have confirmed it").click()
    expect(new.get_by_text("A temporary PIN is on its way to you by SMS.")).to_be_visible()
    expect(screen(new, "confirm")).to_be_visible()


def test_an_old_phone_reloaded_after_the_time_to_confirm_ran_out_says_so(
    browser: Browser, short_copy_server: str, activation_code: str
) -> None:
    phones = browser.new_context(viewport=PHONE, is_mobile=True)
    old = jonas_activates_the_simulator(phones, short_copy_server, activation_code)
    new = a_new_phone_scans_the_copy(phones, short_copy_server, old)
    refused(new, "The time to confirm the copy on your other phone ran out", "copy_code_expired")
    old.goto(f"{short_copy_server}/kl/demo/app/")
    refused(old, "Assilinerup uppernarsarnissaanut piffissaq naavoq.", "copy_code_expired")
    expect(screen(old, "copy-show").locator("#app-copy-pin")).to_be_hidden()
    expect(screen(old, "copy-show").locator("#app-copy-button")).to_be_visible()
    # Said once: it is forgotten, and a reload shows the phone's user-IDs.
    old.reload()
    expect(screen(old, "home")).to_be_visible()
