"""Every form a citizen fills in, sent with what it refuses: axe runs on the page that came back.

Each walk runs twice: with JavaScript in Greenlandic, and without JavaScript in Danish, where
the page checked is the very answer to the POST (see `check_accessibility`). Both at desktop
and at phone size. A walk reuses its login from form to form.
"""

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Locator, Page, Response, expect

from authenticators.models import AppDevice, ChipDevice, Identity
from enrollment.demo import seed_offices
from enrollment.services import reserve_nemid_user_ids
from nemid.demo import seed_demo_people
from nemid.models import NemIDAccount
from tests.authenticators.soft_chip import SoftChip
from tests.factories import AppDeviceFactory, IdentityFactory

from .conftest import DESKTOP, new_context_without_javascript, screenshot
from .test_enrollment import latest_code
from .test_languages import KAREN_PASSWORD, karens_code_display
from .test_polish import log_in_with

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@dataclass
class Citizen:
    page: Page
    base: str
    language: str
    javascript: bool

    def go(self, path: str) -> Page:
        self.page.goto(f"{self.base}/{self.language}/{path}")
        return self.page


@pytest.fixture(
    params=[
        pytest.param(("kl", True), id="kl-javascript"),
        pytest.param(("da", False), id="da-without-javascript"),
    ]
)
def citizen(request: Any, browser: Browser, live_server: Any) -> Iterator[Citizen]:
    language, javascript = request.param
    if javascript:
        context = browser.new_context(viewport=DESKTOP)
    else:
        context = new_context_without_javascript(browser, viewport=DESKTOP)
    # localhost, not 127.0.0.1: the MitID chip's WebAuthn relying party.
    base = live_server.url.replace("127.0.0.1", "localhost")
    yield Citizen(context.new_page(), base, language, javascript)
    context.close()


@pytest.fixture
def people(transactional_db: None) -> None:
    seed_demo_people()
    reserve_nemid_user_ids()
    seed_offices()


def send(page: Page, button: Locator | None = None) -> Response | None:
    """Send the form (the page's own, unless `button` says which) and wait for the answer."""
    with page.expect_navigation() as answer:
        (button or page.locator("#page-form button[type=submit]").first).click()
    return answer.value


def order(page: Page) -> None:
    """Send the order itself, not one of the buttons that show the next pick-up choice."""
    send(page, page.locator("#page-form button[type=submit]:not([name=narrow])"))


def refused(citizen: Citizen, check_accessibility: Any, name: str) -> None:
    """The answer is the form again with an error summary; axe finds nothing on it."""
    page = citizen.page
    summary = page.locator("[data-error-summary]")
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()  # without JavaScript too (autofocus; a walk)
    assert page.locator("html").get_attribute("lang") == citizen.language
    check_accessibility(page)
    screenshot(page, f"form-error-{name}-{citizen.language}")


def chips_that_refuse(page: Page) -> None:
    """A chip whose PIN check fails: the browser's WebAuthn call is refused at once."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "usb",
                "hasUserVerification": True,
                "isUserVerified": False,
                "automaticPresenceSimulation": True,
            }
        },
    )


def add_chip(identity: Identity, *, active: bool) -> ChipDevice:
    """A chip registered as the browser would, by a software key the browser does not hold."""
    from activation import services as activation
    from authenticators import services as devices

    options, state = activation.chip_registration_options(identity)
    response = SoftChip(origin="http://localhost").register(options)
    chip = activation.register_chip(identity=identity, state=state, response=response)
    ChipDevice.objects.filter(pk=chip.pk).update(confirm_after=timezone.now())
    if active:
        devices.activate(chip)
    return chip


def use_chip(citizen: Citizen, check_accessibility: Any, name: str) -> None:
    """With JavaScript the chip is asked and refuses; without, the form goes without it."""
    send(citizen.page)
    refused(citizen, check_accessibility, name)


def test_the_login_forms(citizen: Citizen, people: None, check_accessibility: Any) -> None:
    page = citizen.page
    add_chip(karens_code_display().identity, active=True)
    if citizen.javascript:
        chips_that_refuse(page)

    citizen.go("login/")
    send(page)  # no user-ID
    refused(citizen, check_accessibility, "login-user-id")
    page.locator("input[name=user_id]").fill("karen.h")
    send(page)

    # The app's page, the user-ID's answer (its script gives it its own address; without
    # JavaScript a redirect to it): "cannot scan?" opens a form for the code the app shows.
    expect(page).to_have_url(re.compile(r"/login/app/$"))
    page.locator(".login-typed-code summary").click()
    page.locator("input[name=code]").fill("1234")
    send(page, page.locator("button[name=action][value=typed_code]"))
    expect(page.locator(".login-typed-code")).to_have_attribute("open", "")
    refused(citizen, check_accessibility, "login-typed-code")

    citizen.go("login/code-device/")
    page.locator("input[name=password]").fill(KAREN_PASSWORD)
    send(page)  # no code
    refused(citizen, check_accessibility, "login-code-device-field")
    page.locator("input[name=password]").fill("not-her-password")
    page.locator("input[name=code]").fill("123456")
    send(page)
    refused(citizen, check_accessibility, "login-code-device-wrong")

    citizen.go("login/chip/")
    use_chip(citizen, check_accessibility, "login-chip")


def test_nemid_and_getting_a_code_display_through_the_bank(
    citizen: Citizen, people: None, check_accessibility: Any
) -> None:
    """The NemID login, the bank's order of the steps for a code display, and activating it."""
    from authenticators.stock import fill_stock
    from enrollment.models import DeviceOrder
    from enrollment.orders import fulfil_order

    page = citizen.page
    citizen.go(f"nemid/login/?next=/{citizen.language}/enrollment/bank/")
    send(page)  # nothing typed
    refused(citizen, check_accessibility, "nemid-empty")
    page.locator("input[name=user_id]").fill("karen.h")
    page.locator("input[name=password]").fill("not-her-password")
    send(page)
    refused(citizen, check_accessibility, "nemid-wrong")
    page.locator("input[name=password]").fill("Nemid-Karen-1975")
    send(page)
    page.locator("input[name=code]").fill("000000")
    send(page)
    refused(citizen, check_accessibility, "nemid-key-card")
    key = page.get_by_test_id("nemid-key").inner_text()
    page.locator("input[name=code]").fill(NemIDAccount.objects.get(user_id="karen.h").code_for(key))
    send(page)

    # The bank: later is a page of its own, the answer to the POST.
    expect(page).to_have_url(re.compile(r"/enrollment/bank/$"))
    send(page, page.locator("button[name=choice][value=later]"))
    expect(page.locator("a[href$='/enrollment/bank/']").last).to_be_visible()
    check_accessibility(page)
    citizen.go("enrollment/bank/")
    send(page, page.locator("button[name=choice][value=now]"))
    page.locator("input[name=accept]").check()
    send(page)
    page.locator("input[name=method][value=kodeviser]").check()
    send(page)

    expect(page).to_have_url(re.compile(r"/enrollment/contact/$"))
    send(page)  # neither number nor e-mail
    refused(citizen, check_accessibility, "enrollment-contact-none")
    page.locator("input[name=email]").fill("karen@example")
    send(page)
    refused(citizen, check_accessibility, "enrollment-contact-email")
    expect(page.locator("input[name=email]")).to_have_value("karen@example")
    page.locator("input[name=email]").fill("karen@example.dk")
    send(page)
    page.locator("input[name=email-code]").fill("000000")
    send(page)
    refused(citizen, check_accessibility, "enrollment-email-code")
    page.locator("input[name=email-code]").fill(latest_code("karen@example.dk"))
    send(page)

    expect(page).to_have_url(re.compile(r"/enrollment/user-id/$"))
    page.locator("input[name=user_id]").fill("211788-0967")
    send(page)
    refused(citizen, check_accessibility, "enrollment-user-id")
    page.locator("input[name=user_id]").fill("karen.h")
    send(page)
    expect(page).to_have_url(re.compile(r"/enrollment/delivery/$"))
    order(page)  # nothing chosen
    refused(citizen, check_accessibility, "enrollment-order-none")
    page.locator("input[name=delivery][value=pickup]").check()
    page.locator("input[name=office]").first.check()
    send(page, page.locator("button[name=narrow][value=office]"))
    page.locator("select[name=day]").select_option(index=1)
    send(page, page.locator("button[name=narrow][value=day]"))
    order(page)  # no time chosen
    refused(citizen, check_accessibility, "enrollment-order-no-time")
    page.locator("input[name=slot]").first.check()
    order(page)
    expect(page).to_have_url(re.compile(r"/enrollment/receipt/$"))
    check_accessibility(page)

    # Borgerservice hands her the device; she activates it.
    fill_stock(code_displays=1, code_readers=0)
    fulfil_order(DeviceOrder.objects.get(), handed_out=True)
    citizen.go("authenticators/code-device/activate/")
    send(page)  # nothing typed
    refused(citizen, check_accessibility, "activate-code-device")


@pytest.fixture
def karens_app(people: None) -> AppDevice:
    """Karen with the app (her only authenticator) and no mobile number yet; the user-ID
    "J()nas Jen5en" is someone else's."""
    IdentityFactory(user_id="J()nas Jen5en")
    karen = IdentityFactory(cpr="0203754322", user_id="karen.h", mobile="")
    return AppDeviceFactory(identity=karen, name="Karen's iPhone")


def untick(page: Page, name: str) -> None:
    """The radios start with a choice, so only a page changed in the browser sends none;
    the server's answer to that is an error page all the same."""
    page.locator(f"input[name='{name}']").evaluate_all(
        "radios => radios.forEach(radio => { radio.checked = false; })"
    )


def test_the_self_service_forms(
    citizen: Citizen, karens_app: AppDevice, check_accessibility: Any
) -> None:
    page = citizen.page
    karen = karens_app.identity
    add_chip(karen, active=False)
    log_in_with(page, citizen.base, karen, karens_app)
    if citizen.javascript:
        chips_that_refuse(page)

    # The app on another device needs a mobile number for its temporary PIN.
    citizen.go("selfservice/app/")
    send(page, page.locator("main form button[type=submit]"))
    expect(page.locator(".alert-error")).to_be_visible()
    check_accessibility(page)

    citizen.go("selfservice/user-id/")
    page.locator("input[name=user_id]").fill("J()nas Jen5en")
    send(page)  # taken: free ones are offered
    refused(citizen, check_accessibility, "selfservice-user-id-taken")
    page.locator("input[name=user_id]").fill("211788-0967")
    send(page)
    refused(citizen, check_accessibility, "selfservice-user-id-rules")

    citizen.go("selfservice/contact/?channel=sms")
    page.locator("input[name=mobile]").fill("12")
    send(page)
    refused(citizen, check_accessibility, "selfservice-mobile")
    page.locator("input[name=mobile]").fill("20 30 40 50")
    send(page)
    page.locator("input[name=code]").fill("000000")
    send(page)
    refused(citizen, check_accessibility, "selfservice-mobile-code")
    citizen.go("selfservice/contact/?channel=email")
    page.locator("input[name=email]").fill("karen@example")
    send(page)
    refused(citizen, check_accessibility, "selfservice-email")

    citizen.go("selfservice/settings/")
    untick(page, "notify-notify_on_use")
    send(page, page.locator("button[name=action][value=notify]"))
    refused(citizen, check_accessibility, "selfservice-settings-notify")
    untick(page, "typed-typed_codes")
    send(page, page.locator("button[name=action][value=typed]"))
    refused(citizen, check_accessibility, "selfservice-settings-typed")

    citizen.go("selfservice/order/")
    order(page)  # nothing chosen
    refused(citizen, check_accessibility, "selfservice-order")

    citizen.go(f"selfservice/authenticators/app/{karens_app.pk}/block/")
    send(page)  # no reason
    refused(citizen, check_accessibility, "selfservice-block-device")
    citizen.go("selfservice/block/")
    send(page)
    refused(citizen, check_accessibility, "selfservice-block-mitid")

    # The MitID chip: adding one, and confirming the one added a day ago.
    citizen.go("authenticators/chip/")
    use_chip(citizen, check_accessibility, "chip-add")
    page.locator("a[href*='/authenticators/chip/'][href$='/confirm/']").click()
    use_chip(citizen, check_accessibility, "chip-confirm")
    # Refused, every one: nothing was blocked, changed or added.
    karen.refresh_from_db()
    karens_app.refresh_from_db()
    assert (karen.status, karen.user_id, karen.mobile, karens_app.status) == (
        "active",
        "karen.h",
        "",
        "active",
    )
    assert list(karen.chipdevices.values_list("status", flat=True)) == ["pending"]


def test_the_public_check_and_the_demo_devices(
    citizen: Citizen, people: None, settings: Any, check_accessibility: Any
) -> None:
    page = citizen.page
    settings.USER_ID_CHECKS_PER_WINDOW = 1
    citizen.go("enrollment/check-user-id/")
    page.locator("input[name=user_id]").fill("211788-0967")
    send(page)
    refused(citizen, check_accessibility, "check-user-id")
    answer = send(page)  # one check too many
    assert answer is not None and answer.status == 429
    refused(citizen, check_accessibility, "check-user-id-limited")

    citizen.go("demo/code-device/")
    page.locator("input[name=serial]").fill("KV-NOSUCH")
    send(page)
    expect(page.locator("#serial")).to_have_attribute("aria-invalid", "true")
    check_accessibility(page)

    # What a relying party's bad request meets: a login refused, one that has ended, and a
    # logout MitID cannot check.
    page.goto(
        f"{citizen.base}/oidc/authorize/?client_id=nobody&response_type=code&scope=openid"
        f"&redirect_uri=https://bank.example/after-the-login/callback&ui_locales={citizen.language}"
    )
    expect(page.locator("[data-code=unknown_client]")).to_be_visible()
    assert page.locator("html").get_attribute("lang") == citizen.language
    check_accessibility(page)
    screenshot(page, f"form-error-party-refused-{citizen.language}")
    citizen.go("relying-parties/no-such-login/back/")
    expect(page.locator("h1")).to_have_count(1)
    check_accessibility(page)
    page.goto(f"{citizen.base}/oidc/logout/?id_token_hint=not-a-token")
    expect(page.locator("main form")).not_to_be_attached()
    check_accessibility(page)

    if citizen.javascript:  # the app simulator is JavaScript
        citizen.go("demo/app/")
        page.locator("button[data-go=activate]").click()
        page.locator("#app-user-id").fill("karen.h")
        page.locator("#app-activation-code").fill("NOPE-NOPE")
        page.locator("form[data-action=start-activation] button[type=submit]").click()
        expect(page.locator("#app-message.alert-error")).to_be_visible()
        check_accessibility(page)
