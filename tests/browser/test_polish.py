"""What a person notices and a rule checker does not (issue 17): each test walks one finding."""

import re
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from nemid.demo import seed_demo_people

from .conftest import DESKTOP, PHONE, nemid_log_in, new_context_without_javascript, screenshot

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


@pytest.mark.urls("tests.pages.danish_only_urls")  # every real page is in da, en and kl
@pytest.mark.parametrize("language", ["en", "kl"])
def test_the_not_translated_notice_leads_with_the_chosen_language(
    page: Page, live_server: Any, language: str, check_accessibility: Any
) -> None:
    page.goto(f"{live_server.url}/{language}/danish-only/")
    expect(page.locator("h1")).to_have_count(1)
    first = page.locator("main section").first
    expect(first).to_have_attribute("lang", language)
    expect(first.locator("h1")).to_be_visible()
    check_accessibility(page)
    screenshot(page, f"not-translated-{language}")


def submit(page: Page) -> None:
    with page.expect_navigation():
        page.locator("#page-form button[type=submit]").first.click()


def test_the_bank_order_in_greenlandic_every_step_and_its_errors_pass_axe(
    page: Page, live_server: Any, people: None, check_accessibility: Any
) -> None:
    """Every enrollment step in kl, on the bank's order, and each form's error state."""
    from enrollment.demo import seed_offices
    from messaging.models import OutboxMessage

    seed_offices()
    base = live_server.url
    page.set_viewport_size(DESKTOP)
    nemid_log_in(page, base, "kl", "/kl/enrollment/bank/")
    page.wait_for_url("**/kl/enrollment/bank/")
    check_accessibility(page)
    with page.expect_navigation():
        page.locator("button[name=choice][value=now]").click()

    expect(page).to_have_url(re.compile(r"/kl/enrollment/terms/$"))  # the bank's order
    expect(page.locator(".step-indicator-item.current").first).to_contain_text("2")
    submit(page)  # without the tick
    expect(page.locator("[data-error-summary]")).to_be_focused()
    check_accessibility(page)
    page.locator("input[name=accept]").check()
    check_accessibility(page)
    submit(page)

    expect(page).to_have_url(re.compile(r"/kl/enrollment/method/$"))
    submit(page)  # nothing chosen
    expect(page.locator("[data-error-summary]")).to_be_visible()
    check_accessibility(page)
    page.locator("input[name=method][value=app]").check()
    submit(page)

    expect(page).to_have_url(re.compile(r"/kl/enrollment/contact/$"))
    submit(page)  # no number
    expect(page.locator("[data-error-summary]")).to_be_visible()
    check_accessibility(page)
    page.locator("input[name=mobile]").fill("20 30 40 50")
    submit(page)

    expect(page).to_have_url(re.compile(r"/kl/enrollment/contact/confirm/"))
    check_accessibility(page)
    page.locator("input[name=sms-code]").fill("000000")
    submit(page)  # a wrong code
    expect(page.locator("[data-error-summary]")).to_be_visible()
    check_accessibility(page)
    message = OutboxMessage.objects.filter(recipient="+4520304050").first()
    assert message is not None
    found = re.search(r"\b(\d{6})\b", message.body)
    assert found
    page.locator("input[name=sms-code]").fill(found.group(1))
    submit(page)

    expect(page).to_have_url(re.compile(r"/kl/enrollment/user-id/$"))
    page.locator("input[name=user_id]").fill("211788-0967")
    submit(page)
    expect(page.locator("[data-error-summary]")).to_be_visible()
    check_accessibility(page)
    page.locator("input[name=user_id]").fill("J()nas Jen5en")
    submit(page)

    expect(page).to_have_url(re.compile(r"/kl/enrollment/delivery/$"))
    check_accessibility(page)
    screenshot(page, "bank-kl-delivery")
    submit(page)
    expect(page.get_by_test_id("activation-code")).to_be_visible()
    check_accessibility(page)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_step_indicator_on_desktop_and_phone_with_and_without_javascript(
    browser: Any, page: Page, live_server: Any, people: None, language: str
) -> None:
    base = live_server.url
    nemid_log_in(page, base, language, f"/{language}/enrollment/")
    page.goto(f"{base}/{language}/enrollment/method/")
    page.locator("input[name=method][value=app]").check()
    submit(page)
    # Desktop: the list beside the content, the back link at the content's edge.
    page.set_viewport_size(DESKTOP)
    steps = page.locator("nav.portal-step-nav .step-indicator")
    expect(steps).to_be_visible()
    expect(steps.locator("li")).to_have_count(7)
    expect(steps.locator("li.current")).to_have_attribute("aria-current", "step")
    back = page.locator("a.back-link")
    expect(back.locator("svg.icon-svg")).to_have_count(1)  # the design system's chevron
    expect(back).to_have_attribute("href", f"/{language}/enrollment/method/")
    heading = page.get_by_role("heading", level=1)
    assert back.bounding_box()["x"] == pytest.approx(heading.bounding_box()["x"], abs=1)  # type: ignore[index]
    screenshot(page, f"steps-desktop-{language}")
    # Phone: the design system's button opens the steps in its dialog.
    page.set_viewport_size(PHONE)
    expect(steps).to_be_hidden()
    button = page.locator("button.step-indicator-button")
    expect(button).to_be_visible()
    screenshot(page, f"steps-phone-{language}")
    button.click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_be_visible()
    expect(dialog.locator("li.current")).to_be_visible()
    screenshot(page, f"steps-phone-dialog-{language}")
    # The dialog sits outside what it makes inert: its own close button works.
    dialog.locator("[data-modal-close]").click()
    expect(dialog).to_be_hidden()
    expect(button).to_be_focused()
    # Without JavaScript the button would do nothing: the step's number is plain text.
    context = new_context_without_javascript(
        browser, viewport=PHONE, storage_state=page.context.storage_state()
    )
    bare = context.new_page()
    bare.goto(f"{base}/{language}/enrollment/terms/")
    expect(bare.locator("button.step-indicator-button")).to_be_hidden()
    expect(bare.locator("p.portal-step-counter")).to_be_visible()
    expect(bare.locator("a.back-link")).to_be_visible()
    screenshot(bare, f"steps-phone-nojs-{language}")
    context.close()


@pytest.mark.parametrize("language", LANGUAGES)
def test_on_a_phone_the_navigation_is_the_design_systems_mobile_menu(
    browser: Any, page: Page, live_server: Any, language: str, check_accessibility: Any
) -> None:
    base = live_server.url
    page.set_viewport_size(PHONE)
    page.goto(f"{base}/{language}/safety/")
    expect(page.locator("nav.portal-nav")).to_be_hidden()
    opener = page.locator("button.js-menu-open")
    expect(opener).to_be_visible()
    screenshot(page, f"menu-closed-{language}")
    opener.click()
    drawer = page.locator("nav.mobile-drawer")
    expect(drawer).to_be_visible()
    expect(drawer.locator("a.nav-link")).to_have_count(4)
    expect(drawer.locator("a[aria-current=page]")).to_have_attribute("href", f"/{language}/safety/")
    expect(page.locator("button.js-menu-close")).to_be_focused()
    check_accessibility(page)
    screenshot(page, f"menu-open-{language}")
    page.keyboard.press("Escape")
    expect(drawer).to_be_hidden()
    expect(opener).to_be_focused()
    # On a desktop the links are in the header, and there is no menu button.
    page.set_viewport_size(DESKTOP)
    expect(page.locator("nav.portal-nav")).to_be_visible()
    expect(opener).to_be_hidden()
    # Without JavaScript the drawer could not open: the phone keeps the plain links.
    context = new_context_without_javascript(browser, viewport=PHONE)
    bare = context.new_page()
    bare.goto(f"{base}/{language}/safety/")
    expect(bare.locator("nav.portal-nav")).to_be_visible()
    expect(bare.locator("button.js-menu-open")).to_be_hidden()
    screenshot(bare, f"menu-nojs-{language}")
    context.close()


def start_qr_login(page: Page, base: str, language: str) -> None:
    page.goto(f"{base}/{language}/login/")
    page.locator("input[name=user_id]").fill("somebody")
    with page.expect_navigation():
        page.locator("#page-form button[type=submit]").click()
    expect(page.locator("#app-login")).to_be_visible()
    # The user-ID's answer is the app page itself, and the script gives it its own address;
    # without JavaScript the answer is a redirect to it, so that Back sends no form again.
    page.wait_for_url(f"**/{language}/login/app/")


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_qr_page_counts_down_warns_a_minute_before_and_gives_more_time(
    page: Page, live_server: Any, settings: Any, language: str, check_accessibility: Any
) -> None:
    from authenticators.models import AppLogin

    settings.APP_LOGIN_SECONDS = 64
    page.set_viewport_size(DESKTOP)
    start_qr_login(page, live_server.url, language)
    countdown = page.locator("[data-countdown]")
    expect(countdown).to_have_text(re.compile(r"^1:0\d$"))
    more = page.locator("[data-more-time]")
    expect(more).to_be_hidden()
    expect(page.locator("#login-time-announce")).to_be_empty()
    screenshot(page, f"qr-time-{language}")
    # A minute before the end: said once, and the button for more time is there.
    expect(page.locator("#login-time-announce")).not_to_be_empty(timeout=10_000)
    expect(more).to_be_visible()
    check_accessibility(page)
    page.set_viewport_size(PHONE)
    screenshot(page, f"qr-time-warning-phone-{language}")
    first = AppLogin.objects.get()
    with page.expect_navigation():
        more.get_by_role("button").click()
    assert AppLogin.objects.exclude(pk=first.pk).filter(status="waiting").count() == 1
    expect(countdown).to_have_text(re.compile(r"^1:0\d$"))


def test_the_warning_goes_when_the_login_moves_on(
    page: Page, live_server: Any, settings: Any
) -> None:
    """When the status part is swapped for one without a clock (approved, expired), the
    warning a screen reader could still find on the page goes with it (a walk heard "press
    More time" after the login had expired)."""
    settings.APP_LOGIN_SECONDS = 62
    start_qr_login(page, live_server.url, "da")
    announce = page.locator("#login-time-announce")
    expect(announce).not_to_be_empty(timeout=10_000)
    # The page's own swap, as it makes it from the <template> it brought.
    page.evaluate(
        "document.getElementById('login-time').remove();"
        "document.body.dispatchEvent(new Event('portal:swapped'))"
    )
    expect(announce).to_be_empty()


@pytest.mark.parametrize("language", LANGUAGES)
def test_without_javascript_the_qr_page_waits_without_reloading(
    browser: Any, live_server: Any, language: str, check_accessibility: Any
) -> None:
    from authenticators.models import AppLogin

    for size in (DESKTOP, PHONE):
        context = new_context_without_javascript(browser, viewport=size)
        page = context.new_page()
        start_qr_login(page, live_server.url, language)
        loads: list[str] = []
        page.on("load", lambda _page, seen=loads: seen.append("load"))
        page.wait_for_timeout(4_000)
        assert loads == [], "the page reloaded itself"
        assert page.locator("meta[http-equiv=refresh]").count() == 0
        expect(page.locator(".login-qr img")).to_be_visible()
        expect(page.locator("[data-more-time]")).to_be_visible()
        check_accessibility(page)
        screenshot(page, f"qr-nojs-{language}-{size['width']}")
        # The citizen scans, approves in the app, and moves the page on themselves.
        AppLogin.objects.filter(status="waiting").update(status="scanned")
        page.get_by_test_id("approved-no-js").click()
        expect(page.locator("[data-announce]").first).to_be_visible()
        expect(page.locator(".login-qr")).to_have_count(0)
        # Pressed before the app approved: the page says so, not itself again.
        expect(page.locator(".alert-warning .alert-text")).to_be_visible()
        assert "?" not in page.url, "the page's own address, nothing to repeat on a reload"
        check_accessibility(page)
        screenshot(page, f"qr-nojs-not-yet-{language}-{size['width']}")
        context.close()
        AppLogin.objects.all().delete()


def at_contact_step(page: Page, base: str, language: str) -> None:
    nemid_log_in(page, base, language, f"/{language}/enrollment/")
    page.goto(f"{base}/{language}/enrollment/method/")
    page.locator("input[name=method][value=app]").check()
    submit(page)
    page.locator("input[name=accept]").check()
    submit(page)
    page.wait_for_url(f"**/{language}/enrollment/contact/")


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_session_warns_before_it_ends_and_more_time_keeps_what_was_typed(
    page: Page,
    live_server: Any,
    people: None,
    settings: Any,
    language: str,
    check_accessibility: Any,
) -> None:
    base = live_server.url
    at_contact_step(page, base, language)
    settings.SESSION_WARNING_SECONDS = settings.SESSION_COOKIE_AGE - 3
    # The page's clock is the test's: the warning comes when the test has typed, however
    # slow the machine is.
    page.clock.install()
    page.reload()
    mobile = page.locator("input[name=mobile]")
    mobile.fill("20 30 40 50")
    dialog = page.locator("#session-warning")
    expect(dialog).to_be_hidden()
    page.clock.run_for(5_000)
    expect(dialog).to_be_visible()
    expect(dialog.locator("[data-session-countdown]")).to_have_text(re.compile(r"^\d+:\d\d$"))
    check_accessibility(page)
    screenshot(page, f"session-warning-{language}")
    page.set_viewport_size(PHONE)
    screenshot(page, f"session-warning-phone-{language}")
    page.set_viewport_size(DESKTOP)
    dialog.locator("[data-session-extend] button").click()
    expect(dialog).to_be_hidden()
    # Still on the page, nothing typed lost, and back in the field.
    assert page.url.endswith(f"/{language}/enrollment/contact/")
    expect(mobile).to_have_value("20 30 40 50")
    expect(mobile).to_be_focused()


def test_when_the_time_runs_out_the_dialog_says_so_and_the_page_stays(
    page: Page, live_server: Any, people: None, settings: Any
) -> None:
    base = live_server.url
    at_contact_step(page, base, "en")
    settings.SESSION_COOKIE_AGE = 6
    settings.SESSION_WARNING_SECONDS = 4
    page.clock.install()
    page.reload()
    page.locator("input[name=mobile]").fill("20 30 40 50")
    page.clock.run_for(8_000)
    expect(page.get_by_role("heading", name="You have been logged out")).to_be_visible()
    expect(page.get_by_role("link", name="Log in again")).to_be_visible()
    expect(page.locator("input[name=mobile]")).to_have_value("20 30 40 50")
    screenshot(page, "session-ended-en")


def log_in_as_karen(page: Page, base: str, language: str) -> Any:
    from authenticators.models import CodeDevice

    from .test_languages import KAREN_PASSWORD, karens_code_display

    karen = karens_code_display()
    page.goto(f"{base}/{language}/login/")
    page.locator("input[name=user_id]").fill("karen.h")
    page.locator("#page-form button[type=submit]").click()
    page.goto(f"{base}/{language}/login/code-device/")
    page.locator("input[name=password]").fill(KAREN_PASSWORD)
    CodeDevice.objects.filter(pk=karen.pk).update(last_t=-1)
    page.locator("input[name=code]").fill(karen.token.current_code())
    page.locator("#page-form button[type=submit]").click()
    page.wait_for_url(f"**/{language}/selfservice/")
    return karen


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_overview_on_a_phone_shows_apps_apart_and_no_empty_service(
    page: Page, live_server: Any, language: str, check_accessibility: Any
) -> None:
    from authenticators import services as device_services
    from authenticators.models import AuthenticatorEvent
    from tests.factories import AppDeviceFactory

    karen = log_in_as_karen(page, live_server.url, language)
    phone = AppDeviceFactory(identity=karen.identity, name="Karen's iPhone")
    AppDeviceFactory(identity=karen.identity, name="Karen's iPad")
    device_services.record(phone, AuthenticatorEvent.Kind.VERIFIED, "activation")
    device_services.record(phone, AuthenticatorEvent.Kind.ACTIVATED)
    page.set_viewport_size(PHONE)
    page.reload()
    names = page.get_by_test_id("device-name")
    expect(names.filter(has_text="Karen's iPhone")).to_have_count(1)
    expect(names.filter(has_text="Karen's iPad")).to_have_count(1)
    history = page.locator("table").nth(1)
    # On a phone every cell is labelled by its column; a change has no "Service" line.
    labels = history.locator("td[data-label]").evaluate_all(
        "cells => cells.map(c => getComputedStyle(c, '::before').content + c.textContent.trim())"
    )
    assert not [label for label in labels if label.endswith(': "')], labels
    check_accessibility(page)
    screenshot(page, f"overview-phone-{language}")


def log_in_with(page: Page, base: str, identity: Any, device: Any) -> None:
    """A MitID session for `identity`, logged in with `device`, as the login would leave it."""
    from django.conf import settings as django_settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.utils import timezone

    from login import session

    user = identity.ensure_user()
    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store[session.LOGGED_IN_KEY] = {
        "identity": identity.pk,
        "method": "app",
        "authenticator": "",
        "level": identity.level,
        "device": device.persistent_id,
        "at": timezone.now().isoformat(),
    }
    store.create()
    page.context.add_cookies(
        [{"name": django_settings.SESSION_COOKIE_NAME, "value": store.session_key, "url": base}]
    )


@pytest.mark.parametrize("language", LANGUAGES)
def test_after_blocking_the_only_app_the_citizen_sees_what_works(
    page: Page, live_server: Any, language: str, check_accessibility: Any
) -> None:
    from tests.factories import AppDeviceFactory, IdentityFactory

    karen = IdentityFactory(cpr="0203754322", user_id="karen.h", language=language)
    phone = AppDeviceFactory(identity=karen, name="Karen's iPhone")
    base = live_server.url
    log_in_with(page, base, karen, phone)
    page.goto(f"{base}/{language}/selfservice/authenticators/app/{phone.pk}/block/")
    page.locator("input[name=reason]").first.check()
    with page.expect_navigation():
        page.locator("#page-form button[type=submit]").click()
    ways = page.get_by_test_id("ways-after-block")
    expect(ways).to_be_visible()
    expect(ways.locator(f"a[href='/{language}/selfservice/order/']")).to_be_visible()
    expect(ways.locator(f"a[href='/{language}/help/']")).to_be_visible()
    check_accessibility(page)
    screenshot(page, f"blocked-only-app-{language}")


def typed_with_the_warning_due(page: Page, base: str, settings: Any, after: int = 3) -> None:
    """At the contact step in English, a mobile number typed, the warning due `after` seconds
    after the page was shown, and the page's clock the test's."""
    at_contact_step(page, base, "en")
    settings.SESSION_WARNING_SECONDS = settings.SESSION_COOKIE_AGE - after
    page.clock.install()
    page.reload()
    page.locator("input[name=mobile]").fill("20 30 40 50")


def test_more_time_after_logging_out_in_another_tab_says_the_citizen_was_logged_out(
    page: Page, live_server: Any, people: None, settings: Any
) -> None:
    """The dialog closed as if the time were given, and the next step went to the NemID login
    with the page's choices lost (a walk with two tabs, English, desktop)."""
    base = live_server.url
    typed_with_the_warning_due(page, base, settings)
    other = page.context.new_page()
    other.goto(f"{base}/en/enrollment/")
    other.locator("header").get_by_role("button", name="Log out").click()
    page.clock.run_for(5_000)
    dialog = page.locator("#session-warning")
    dialog.locator("[data-session-extend] button").click()
    expect(page.get_by_role("heading", name="You have been logged out")).to_be_visible()
    expect(page.get_by_role("link", name="Log in again")).to_be_visible()
    expect(page.locator("input[name=mobile]")).to_have_value("20 30 40 50")
    screenshot(page, "session-more-time-after-log-out-en")


def test_a_tab_whose_session_was_kept_elsewhere_asks_and_does_not_warn(
    page: Page, live_server: Any, people: None, settings: Any
) -> None:
    """A tab left alone while another kept the session said "You have been logged out" (a walk
    with two tabs). The page's clock runs on by more than the session's once-a-minute write,
    while the server's session keeps nearly its full time, as another tab's would: the page
    asks before it warns, counts from the server's time, and says nothing."""
    base = live_server.url
    # The warning due half a minute after the page is shown, and the page's clock then moved
    # two minutes on at once: the page asks only after the jump, and takes the server's time,
    # which is more than a minute later than its own if the session was written less than a
    # minute ago. (Due after 3 seconds and moved 70 on, a loaded CI run asked before the jump,
    # or over ten seconds after the write, and counted the page's own time: a flaky test.)
    typed_with_the_warning_due(page, base, settings, after=30)
    page.clock.run_for(120_000)
    dialog = page.locator("#session-warning")
    minutes = (settings.SESSION_COOKIE_AGE - 1) // 60
    expect(dialog.locator("[data-session-countdown]")).to_have_text(re.compile(rf"^{minutes}:"))
    expect(dialog).to_be_hidden()
    expect(page.locator("input[name=mobile]")).to_have_value("20 30 40 50")
