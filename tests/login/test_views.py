"""Logging in with MitID through the pages: app, code device and chip."""

import re
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from fido2.utils import websafe_decode, websafe_encode

from authenticators import app_keys, lifecycle
from authenticators.models import (
    AppDevice,
    AppLogin,
    AuthenticatorEvent,
    ChipDevice,
    CodeDevice,
    Identity,
)
from login import app_logins
from login import services as login_services
from messaging.models import OutboxMessage
from selfservice.services import history
from tests.authenticators.soft_chip import SoftChip
from tests.factories import AppDeviceFactory, IdentityFactory, active_code_device

pytestmark = pytest.mark.django_db


@pytest.fixture
def jonas_phone() -> AppDevice:
    return AppDeviceFactory(identity__user_id="J()nas Jen5en")


@pytest.fixture
def karens_device() -> CodeDevice:
    return active_code_device(IdentityFactory(user_id="Karen K"))


def type_user_id(client: Client, user_id: str, next_url: str = "") -> str:
    """Type the user-ID: the answer is the next page itself; returns where that page lives."""
    response = client.post("/en/login/", {"user_id": user_id, "next": next_url})
    assert response.status_code == 200
    home = re.search(r'data-refresh="([^"]+)"', response.content.decode())
    assert home is not None, "the answer is the app's page"
    return home.group(1)


def test_an_unknown_user_id_gets_the_same_next_page_as_an_app_user(
    client: Client, jonas_phone: AppDevice
) -> None:
    assert type_user_id(client, "j()nas jen5en") == "/en/login/app/"
    assert type_user_id(Client(), "nobody-here") == "/en/login/app/"
    page = Client()
    type_user_id(page, "nobody-here")
    assert b'data-first-frame="mitid.' in page.get("/en/login/app/").content


def test_the_user_ids_answer_is_the_app_page_and_it_says_where_it_lives(client: Client) -> None:
    """One round trip less than a redirect; the page's forms and the language switcher still
    go to the app page's own address, not back to the user-ID's form."""
    response = client.post("/en/login/", {"user_id": "nobody-here", "next": ""})
    assert response.templates[0].name == "login/app.html"
    page = response.content.decode()
    assert page.count('action="/en/login/app/"') >= 3  # same phone, typed code, more time
    assert "?next=/en/login/app/" in page  # the language switcher
    assert client.get("/en/login/app/").status_code == 200  # a reload shows the same login
    assert AppLogin.objects.count() == 1


def test_without_javascript_the_user_ids_answer_is_a_redirect_to_the_page(
    client: Client, karens_device: CodeDevice
) -> None:
    """The page cannot give itself its address without a script, and Back to a POST's answer
    asks to send the form again: the form's <noscript> field asks for a redirect instead."""
    form = client.get("/en/login/").content.decode()
    assert '<noscript><input type="hidden" name="without_script" value="1"></noscript>' in form
    typed = {"user_id": "nobody-here", "next": "", "without_script": "1"}
    response = client.post("/en/login/", typed)
    assert (response.status_code, response["Location"]) == (302, "/en/login/app/")
    assert b'data-first-frame="mitid.' in client.get(response["Location"]).content
    client.cookies["mitid_way"] = "code_device"  # the way this browser used last
    response = client.post("/en/login/", {**typed, "user_id": "Karen K"})
    assert (response.status_code, response["Location"]) == (302, "/en/login/code-device/")


def test_the_browser_remembers_the_way_in_it_used_and_goes_there_next_time(
    client: Client, karens_device: CodeDevice
) -> None:
    """After a login with the code device, this browser's user-ID is answered with the code
    device's page: no app login is started, and the login takes one request less."""
    type_user_id(client, "Karen K")
    client.post(
        "/en/login/code-device/",
        {"password": "Karens kodeord 7", "code": karens_device.token.current_code()},
    )
    assert client.cookies["mitid_way"].value == "code_device"
    assert client.cookies["mitid_way"]["httponly"]
    client.post("/en/login/log-out/")
    started = AppLogin.objects.count()

    answer = client.post("/en/login/", {"user_id": "Karen K", "next": ""})
    assert answer.templates[0].name == "login/code_device.html"
    page = answer.content.decode()
    assert 'data-page-path="/en/login/code-device/"' in page
    assert 'action="/en/login/code-device/"' in page  # the form goes to its own page
    assert "?next=/en/login/code-device/" in page  # and so does the language switcher
    assert "form-error" not in page  # the user-ID's POST is not this page's form
    assert AppLogin.objects.count() == started
    CodeDevice.objects.filter(pk=karens_device.pk).update(last_t=-1)  # as if 30 s later
    done = client.post(
        "/en/login/code-device/",
        {"password": "Karens kodeord 7", "code": karens_device.token.current_code()},
    )
    assert done.status_code == 302 and "/login/" not in done["Location"]


def test_a_next_that_is_not_a_path_here_goes_to_self_service(
    client: Client, karens_device: CodeDevice
) -> None:
    """A bare word in `next` (which Django's redirect() takes for a view's name): a probe's
    shared link `/da/login/?next=abc` ended every good login in a server error."""
    page = client.get("/en/login/?next=abc").content.decode()
    client.post("/en/login/", {"user_id": "Karen K", "next": "abc"})
    done = client.post(
        "/en/login/code-device/",
        {"password": "Karens kodeord 7", "code": karens_device.token.current_code()},
    )
    assert (done.status_code, done["Location"]) == (302, "/en/selfservice/"), page
    again = client.get("/en/login/?next=abc")  # logged in already
    assert (again.status_code, again["Location"]) == (302, "/en/selfservice/")


def test_a_remembered_way_in_says_nothing_of_whom_a_user_id_is(
    karens_device: CodeDevice, jonas_phone: AppDevice
) -> None:
    """The page follows the browser's cookie, never the user-ID: the same for everyone."""
    pages = []
    for user_id in ("Karen K", "j()nas jen5en", "nobody-here"):
        browser = Client()
        browser.cookies["mitid_way"] = "code_device"
        answer = browser.post("/en/login/", {"user_id": user_id, "next": ""})
        assert answer.templates[0].name == "login/code_device.html"
        pages.append(answer.content.decode().replace(user_id, "X"))
    assert len({re.sub(r'value="[^"]{20,}"', "", page) for page in pages}) == 1
    anything = Client()
    anything.cookies["mitid_way"] = "something else"
    answer = anything.post("/en/login/", {"user_id": "Karen K", "next": ""})
    assert answer.templates[0].name == "login/app.html"


def test_a_second_browser_cancels_the_first_whether_the_user_id_is_anybodys(
    jonas_phone: AppDevice,
) -> None:
    """Two browsers typing one user-ID: the first hears "cancelled" for a person's user-ID and
    for nobody's alike, so polling it tells nobody who has MitID (a security probe's way)."""
    heard = []
    for user_id in ("J()nas Jen5en", "nobody-here"):
        first, second = Client(), Client()
        type_user_id(first, user_id)
        type_user_id(second, user_id.upper())
        heard.append(first.get("/en/login/app/status/").json())
        assert second.get("/en/login/app/status/").json()["status"] == "waiting"
    assert heard == [{"status": "cancelled"}, {"status": "cancelled"}]


def test_every_user_id_gets_the_same_next_page_and_the_same_ways_in(
    client: Client, karens_device: CodeDevice, jonas_phone: AppDevice
) -> None:
    pages = []
    for user_id in ("KAREN K", "j()nas jen5en", "nobody-here"):
        browser = Client()
        assert type_user_id(browser, user_id) == "/en/login/app/"
        page = browser.get("/en/login/app/").content.decode()
        pages.append(page[page.index("Other ways to log in") :].replace(user_id, "X"))
    assert "Log in with your code device" in pages[0]
    assert pages[0].count("<li>") == pages[1].count("<li>") == pages[2].count("<li>")


def test_an_unknown_user_id_fails_and_locks_like_a_known_one(
    client: Client, karens_device: CodeDevice, settings
) -> None:
    settings.AUTHENTICATOR_MAX_FAILURES = 3
    answers = {}
    for user_id in ("Karen K", "nobody-here"):
        browser = Client()
        type_user_id(browser, user_id)
        answers[user_id] = [
            "Too many wrong attempts." in page
            for page in (
                browser.post(
                    "/en/login/code-device/",
                    {"password": "wrong password", "code": "123456"},
                    follow=True,
                ).content.decode()
                for _ in range(4)
            )
        ]
    assert answers["Karen K"] == answers["nobody-here"] == [False, False, False, True]


def test_a_blocked_device_is_told_only_to_who_knows_the_password(
    client: Client, karens_device: CodeDevice
) -> None:
    lifecycle.block_device(karens_device, reason="lost", by=None)
    type_user_id(client, "Karen K")
    code = karens_device.token.current_code()
    wrong = client.post(
        "/en/login/code-device/", {"password": "not it at all", "code": code}, follow=True
    )
    assert "The user-ID, the password or the code is wrong." in wrong.content.decode()
    assert not AuthenticatorEvent.objects.filter(kind="refused").exists()
    right = client.post(
        "/en/login/code-device/", {"password": "Karens kodeord 7", "code": code}, follow=True
    )
    assert "This device is blocked." in right.content.decode()
    # Someone knows her password: a Refused use in her history (and told, had she asked).
    refused = AuthenticatorEvent.objects.get(kind="refused")
    assert (refused.detail, refused.service, refused.device) == (
        "not_active",
        "MitID.dk",
        karens_device.persistent_id,
    )


def test_a_whole_mitid_blocked_is_told_only_to_who_knows_the_password(
    client: Client, karens_device: CodeDevice
) -> None:
    # A walk: Karen blocked her whole MitID, then typed her right password and code, and was
    # told they were wrong ("Try again"), with no word of the block or of Borgerservice.
    Identity.objects.update(status="blocked")
    type_user_id(client, "Karen K")
    code = karens_device.token.current_code()
    wrong = client.post(
        "/en/login/code-device/", {"password": "not it at all", "code": code}, follow=True
    )
    assert "The user-ID, the password or the code is wrong." in wrong.content.decode()
    right = client.post(
        "/en/login/code-device/", {"password": "Karens kodeord 7", "code": code}, follow=True
    )
    page = right.content.decode()
    assert "Your whole MitID is blocked" in page and "Borgerservice" in page
    # A page that says the block and where it is lifted, with no form to try again.
    assert 'name="password"' not in page and "Try again" not in page
    assert client.get("/en/selfservice/").status_code == 302
    # Someone knows her password: a Refused use in her history, in words of the MitID.
    (refused,) = AuthenticatorEvent.objects.filter(kind="refused")
    assert (refused.detail, refused.service, refused.device) == (
        "mitid_blocked",
        "MitID.dk",
        karens_device.persistent_id,
    )
    # In words, as the citizen's history and the staff's show a refused use's reason.
    (use, *_changes) = history(karens_device.identity)
    assert (use.outcome, use.why) == ("Refused", "the whole MitID is blocked")


def karen_hears_of_every_use(identity: Identity) -> None:
    Identity.objects.filter(pk=identity.pk).update(
        notify_on_use=True,
        mobile="+4520304050",
        email="karen@example.dk",
        contact_set_at=timezone.now(),
        language="en",
    )


def test_a_try_on_a_whole_blocked_mitid_is_told_as_such_once_a_while(
    client: Client, karens_device: CodeDevice, settings, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    settings.BLOCKED_USE_QUIET_MINUTES = 15
    karen_hears_of_every_use(karens_device.identity)
    lifecycle.block_identity(karens_device.identity, reason="misuse", by=None)
    OutboxMessage.objects.all().delete()  # the block's own notice
    for _ in range(3):
        type_user_id(client, "Karen K")
        with django_capture_on_commit_callbacks(execute=True):
            client.post(
                "/en/login/code-device/",
                {"password": "Karens kodeord 7", "code": karens_device.token.current_code()},
            )
    assert AuthenticatorEvent.objects.filter(kind="refused").count() == 1
    sms, email = OutboxMessage.objects.order_by("pk")
    # The MitID is blocked, not the device: the notice says so, and where it is lifted.
    assert "Someone tried to use your MitID with your" in sms.body
    assert "Your whole MitID is blocked, so the try was refused" in sms.body
    assert "Borgerservice" in sms.body and "MitID.dk" in sms.body
    assert email.subject == "Your blocked MitID was tried"


def test_a_try_on_a_whole_blocked_mitid_is_not_told_to_who_did_not_ask(
    client: Client, karens_device: CodeDevice, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    lifecycle.block_identity(karens_device.identity, reason="misuse", by=None)
    OutboxMessage.objects.all().delete()
    type_user_id(client, "Karen K")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/en/login/code-device/",
            {"password": "Karens kodeord 7", "code": karens_device.token.current_code()},
        )
    assert AuthenticatorEvent.objects.filter(kind="refused", detail="mitid_blocked").exists()
    assert not OutboxMessage.objects.exists()


def karens_active_chip(client: Client, device: CodeDevice) -> SoftChip:
    """Karen adds a chip and confirms it after the wait; then she is logged out."""
    type_user_id(client, "Karen K")
    client.post(
        "/en/login/code-device/",
        {"password": "Karens kodeord 7", "code": device.token.current_code()},
    )
    soft = SoftChip()
    options = client.get("/en/authenticators/chip/").context["options"]
    client.post("/en/authenticators/chip/", {"credential": soft.register(options)})
    chip = ChipDevice.objects.get()
    ChipDevice.objects.update(confirm_after=timezone.now() - timedelta(seconds=1))
    confirm = client.get(f"/en/authenticators/chip/{chip.pk}/confirm/")
    client.post(
        f"/en/authenticators/chip/{chip.pk}/confirm/",
        {"credential": soft.sign_in(confirm.context["options"])},
    )
    client.post("/en/login/log-out/")
    return soft


def chip_id(chip: ChipDevice) -> str:
    return websafe_encode(chip.credential.credential_id)


def chips_offered(user_id: str) -> list[str]:
    """The credential IDs the chip page offers the browser for `user_id`, typed anew."""
    browser = Client()
    type_user_id(browser, user_id)
    options = browser.get("/en/login/chip/").context["options"]
    return [each["id"] for each in options["publicKey"]["allowCredentials"]]


def test_the_chip_page_does_not_tell_whether_a_user_id_has_a_chip_or_exists(
    client: Client, karens_device: CodeDevice
) -> None:
    # The options are in the page: no chips offered said "no chip here, maybe nobody".
    nobodys = chips_offered("Nobody Here")
    assert len(nobodys) == 1 and len(websafe_decode(nobodys[0])) == 32
    # The same on every ask, as a real chip's is, and for the user-ID however it is typed.
    assert chips_offered(" nobody here ") == nobodys
    assert chips_offered("Somebody Else") != nobodys
    karens_without = chips_offered("Karen K")
    assert len(karens_without) == 1 and karens_without != nobodys
    karens_active_chip(client, karens_device)
    assert chips_offered("karen k") == [chip_id(ChipDevice.objects.get())] != karens_without


def test_a_chip_of_a_whole_blocked_mitid_is_told_the_block_not_try_again(
    client: Client, karens_device: CodeDevice, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    # A walk: with her whole MitID blocked, Karen's chip login said "The chip could not be
    # used. Try again." for ever: the key was not even asked for (no chips in the options).
    soft = karens_active_chip(client, karens_device)
    karen_hears_of_every_use(karens_device.identity)
    lifecycle.block_identity(karens_device.identity, reason="stolen", by=None)
    OutboxMessage.objects.all().delete()
    browser = Client()
    type_user_id(browser, "Karen K")
    options = browser.get("/en/login/chip/").context["options"]
    offered = [each["id"] for each in options["publicKey"]["allowCredentials"]]
    assert offered == [chip_id(ChipDevice.objects.get())], "the key is asked"
    with django_capture_on_commit_callbacks(execute=True):
        answer = browser.post("/en/login/chip/", {"credential": soft.sign_in(options)}, follow=True)
    page = answer.content.decode()
    assert "Your whole MitID is blocked" in page and "Borgerservice" in page
    assert "Try again" not in page and 'data-webauthn="get"' not in page
    assert answer.status_code == 200 and browser.get("/en/selfservice/").status_code == 302
    chip = ChipDevice.objects.get()
    (refused,) = AuthenticatorEvent.objects.filter(kind="refused")
    assert (refused.detail, refused.device) == ("mitid_blocked", chip.persistent_id)
    assert "Your whole MitID is blocked" in OutboxMessage.objects.first().body  # type: ignore[union-attr]


def test_a_chip_answer_that_does_not_check_out_on_a_blocked_mitid_says_nothing_of_it(
    client: Client, karens_device: CodeDevice
) -> None:
    karens_active_chip(client, karens_device)
    Identity.objects.update(status="blocked")
    stranger = SoftChip()
    stranger.credential_id = ChipDevice.objects.get().credential.credential_id  # not its key
    browser = Client()
    type_user_id(browser, "Karen K")
    options = browser.get("/en/login/chip/").context["options"]
    answer = browser.post("/en/login/chip/", {"credential": stranger.sign_in(options)}, follow=True)
    assert "The chip could not be used." in answer.content.decode()
    assert "blocked" not in answer.content.decode()
    assert not AuthenticatorEvent.objects.filter(kind="refused").exists()


def test_the_app_page_of_a_whole_blocked_mitid_says_so_when_its_app_scans(
    client: Client, jonas_phone: AppDevice
) -> None:
    lifecycle.block_identity(jonas_phone.identity, reason="stolen", by=None)
    type_user_id(client, "J()nas Jen5en")
    login = AppLogin.objects.get()
    with pytest.raises(app_logins.LoginRefused, match="identity_blocked"):
        app_logins.scan(signer=jonas_phone, frame_text=app_logins.frame(login))
    page = client.get("/en/login/app/").content.decode()
    assert "Your whole MitID is blocked, so nobody is logged in." in page
    assert "Borgerservice" in page and 'value="restart"' not in page
    assert "The MitID app that scanned the code is blocked" not in page


def test_jonas_scans_approves_and_is_logged_in(client: Client, jonas_phone: AppDevice) -> None:
    type_user_id(client, "J()nas Jen5en")
    waiting = client.get("/en/login/app/")
    assert b'data-first-frame="mitid.' in waiting.content
    login = AppLogin.objects.get()
    # Without JavaScript the page shows the code the server draws.
    image = client.get("/en/login/app/qr.svg")
    assert (image["Content-Type"], image.content[:4]) == ("image/svg+xml", b"<svg")

    app_logins.scan(signer=jonas_phone, frame_text=app_logins.frame(login))
    scanned = client.get("/en/login/app/")
    assert "Approve in the MitID app." in scanned.content.decode()
    assert "Log in to MitID.dk" in scanned.content.decode()

    before = client.session.session_key
    signature = app_keys.sign(jonas_phone.private_key, login.signing_input.encode())
    app_logins.approve(
        signer=jonas_phone, token=str(login.token), signature=signature, pin="246810"
    )
    done = client.get("/en/login/app/")
    assert done["Location"] == "/en/selfservice/"
    assert client.session.session_key != before, "the session key is rotated"

    page = client.get("/en/selfservice/").content.decode()
    assert "J()nas Jen5en" in page and "Substantial" in page and "MitID app" in page
    assert AppLogin.objects.get().status == "completed"

    # The browser's Back to the login's page: he is logged in, not asked for his user-ID.
    back = client.get("/en/login/app/")
    assert back["Location"] == "/en/selfservice/"
    assert "Type your user-ID" not in client.get(back["Location"]).content.decode()
    # Back once more, to the user-ID's form (or an old link to it): where the login went.
    assert client.get("/en/login/")["Location"] == "/en/selfservice/"
    assert client.get("/en/login/?next=/en/selfservice/history/")["Location"] == (
        "/en/selfservice/history/"
    )
    assert client.get("/en/login/?for=an-old-one")["Location"] == "/en/selfservice/"


def test_a_session_key_known_before_the_user_id_takes_nothing_of_the_login(
    client: Client, jonas_phone: AppDevice
) -> None:
    """Session fixation (a probe): a key planted in the browser before the login, by another
    site on the same domain or read off the wire, was the one the approval was waited on
    with; whoever asked with it first after the approval took the login. The user-ID starts
    the login under a new key."""
    client.get("/en/login/")
    client.session.save()  # a session with a key, as a planted cookie gives one
    planted = client.session.session_key
    assert planted
    type_user_id(client, "J()nas Jen5en")
    assert client.session.session_key != planted
    login = AppLogin.objects.get()
    app_logins.scan(signer=jonas_phone, frame_text=app_logins.frame(login))
    signature = app_keys.sign(jonas_phone.private_key, login.signing_input.encode())
    app_logins.approve(
        signer=jonas_phone, token=str(login.token), signature=signature, pin="246810"
    )
    attacker = Client()
    attacker.cookies["sessionid"] = planted
    taken = attacker.get("/en/login/app/")
    assert taken.status_code == 302 and taken["Location"].startswith("/en/login/")
    assert attacker.get("/en/selfservice/").status_code == 302  # not logged in
    assert client.get("/en/login/app/")["Location"] == "/en/selfservice/"
    assert "J()nas Jen5en" in client.get("/en/selfservice/").content.decode()


def test_i_have_approved_pressed_too_early_says_the_app_has_not(
    client: Client, jonas_phone: AppDevice
) -> None:
    """Without JavaScript the page moves on only when the citizen presses "I have approved":
    pressed before the app approved, the page says so rather than showing itself again, and
    its address stays the page's own (a reload says nothing)."""
    type_user_id(client, "J()nas Jen5en")
    waiting = client.get("/en/login/app/").content.decode()
    assert 'name="action" value="approved"' in waiting
    assert "has not approved yet" not in waiting
    early = client.post("/en/login/app/", {"action": "approved"})
    assert early["Location"] == "/en/login/app/"
    page = client.get(early["Location"]).content.decode()
    assert "The MitID app has not approved yet." in page and "data-first-frame" in page
    assert "has not approved yet" not in client.get("/en/login/app/").content.decode()
    login = AppLogin.objects.get()
    app_logins.scan(signer=jonas_phone, frame_text=app_logins.frame(login))
    client.post("/en/login/app/", {"action": "approved"})
    scanned = client.get("/en/login/app/").content.decode()
    assert "The MitID app has not approved yet." in scanned
    assert "Approve in the MitID app." in scanned
    assert AppLogin.objects.get().token == login.token, "the same login, not a new one"
    signature = app_keys.sign(jonas_phone.private_key, login.signing_input.encode())
    app_logins.approve(
        signer=jonas_phone, token=str(login.token), signature=signature, pin="246810"
    )
    approved = client.post("/en/login/app/", {"action": "approved"})
    assert client.get(approved["Location"])["Location"] == "/en/selfservice/"


def test_a_language_chosen_on_the_app_page_lasts_past_the_login(
    client: Client, jonas_phone: AppDevice
) -> None:
    """The page after the login was named in Danish when the user-ID was typed; the citizen
    switched to English on the app page, and lands on it in English."""
    response = client.post(
        "/da/login/", {"user_id": "J()nas Jen5en", "next": "/da/selfservice/history/"}
    )
    assert response.status_code == 200
    client.get("/en/login/app/")  # where the language switcher sends the browser
    login = AppLogin.objects.get(status="waiting")
    app_logins.scan(signer=jonas_phone, frame_text=app_logins.frame(login))
    signature = app_keys.sign(jonas_phone.private_key, login.signing_input.encode())
    app_logins.approve(
        signer=jonas_phone, token=str(login.token), signature=signature, pin="246810"
    )
    assert client.get("/en/login/app/")["Location"] == "/en/selfservice/history/"


def test_the_apps_text_follows_a_change_of_language_until_the_app_scans(
    client: Client, jonas_phone: AppDevice
) -> None:
    type_user_id(client, "J()nas Jen5en")
    client.get("/en/login/app/")
    english = AppLogin.objects.get()
    assert english.text == "Log in to MitID.dk"
    client.get("/da/login/app/")  # switched to Danish before scanning: a new code, in Danish
    danish = AppLogin.objects.get(status="waiting")
    assert danish.text == "Log på MitID.dk" and danish.token != english.token
    assert AppLogin.objects.get(pk=english.pk).status == "cancelled"
    app_logins.scan(signer=jonas_phone, frame_text=app_logins.frame(danish))
    client.get("/en/login/app/")  # scanned: the app shows the text, which stays
    assert AppLogin.objects.get(pk=danish.pk).status == "scanned"
    assert AppLogin.objects.count() == 2


def test_a_rejected_login_says_so_and_can_start_again(
    client: Client, jonas_phone: AppDevice
) -> None:
    type_user_id(client, "J()nas Jen5en")
    client.get("/en/login/app/")
    login = AppLogin.objects.get()
    app_logins.scan(signer=jonas_phone, frame_text=app_logins.frame(login))
    app_logins.reject(signer=jonas_phone, token=str(login.token))
    page = client.get("/en/login/app/").content.decode()
    assert "The login was rejected in the app." in page
    assert "_auth_user_id" not in client.session

    client.post("/en/login/app/", {"action": "restart"})
    assert AppLogin.objects.filter(status="waiting").count() == 1


def test_a_scan_by_the_persons_blocked_app_says_why_nobody_is_logged_in(
    client: Client, jonas_phone: AppDevice
) -> None:
    type_user_id(client, "J()nas Jen5en")
    client.get("/en/login/app/")
    login = AppLogin.objects.get()
    lifecycle.block_device(jonas_phone, reason="lost", by=None)
    jonas_phone.refresh_from_db()
    app_logins.refuse_blocked_app(device=jonas_phone, frame_text=app_logins.frame(login))
    page = client.get("/en/login/app/").content.decode()
    assert "The MitID app that scanned the code is blocked, so nobody is logged in." in page
    assert "_auth_user_id" not in client.session
    client.post("/en/login/app/", {"action": "restart"})
    assert AppLogin.objects.filter(status="waiting").count() == 1


def test_an_approval_by_a_device_blocked_since_is_not_a_login(
    client: Client, jonas_phone: AppDevice
) -> None:
    type_user_id(client, "J()nas Jen5en")
    client.get("/en/login/app/")
    login = AppLogin.objects.get()
    app_logins.scan(signer=jonas_phone, frame_text=app_logins.frame(login))
    signature = app_keys.sign(jonas_phone.private_key, login.signing_input.encode())
    app_logins.approve(
        signer=jonas_phone, token=str(login.token), signature=signature, pin="246810"
    )
    lifecycle.block_device(jonas_phone, reason="stolen", by=None)
    response = client.get("/en/login/app/", follow=True)
    assert "This device is blocked." in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_open_the_app_on_this_phone_instead_of_scanning(
    client: Client, jonas_phone: AppDevice
) -> None:
    type_user_id(client, "J()nas Jen5en")
    first = client.get("/en/login/app/").content.decode()
    # Two steps, two labels: the app on this phone is chosen, then opened (a walk pressed
    # "Open the MitID app" twice, the first press only reloading the page).
    assert 'value="same_device" class="button button-primary">Yes, use the app on this phone<' in (
        first
    )
    client.post("/en/login/app/", {"action": "same_device"})
    page = client.get("/en/login/app/")
    assert "Open the MitID app on this phone and approve." in page.content.decode()
    assert 'data-testid="open-app">Open the MitID app</a>' in page.content.decode()
    login = AppLogin.objects.get(status="waiting")
    assert page.context["app_link"] == (
        f"/en/demo/app/#autostart={login.token}.{login.autostart}&return=/en/login/app/"
    )
    # The phone's app is opened by that link, and only then holds the login.
    assert not app_logins.pending(jonas_phone).exists()
    app_logins.open_on_phone(signer=jonas_phone, token=str(login.token), autostart=login.autostart)
    assert list(app_logins.pending(jonas_phone)) == [login]


def test_karen_logs_in_with_password_and_code(client: Client, karens_device: CodeDevice) -> None:
    type_user_id(client, "Karen K", next_url="/en/authenticators/chip/")
    response = client.post(
        "/en/login/code-device/",
        {"password": "Karens kodeord 7", "code": karens_device.token.current_code()},
    )
    assert response["Location"] == "/en/authenticators/chip/"
    assert client.get("/en/selfservice/").status_code == 200


@pytest.mark.parametrize("wrong", ["password", "code"])
def test_a_wrong_password_or_code_is_refused_alike_and_counted(
    client: Client, karens_device: CodeDevice, wrong: str
) -> None:
    type_user_id(client, "Karen K")
    code = karens_device.token.current_code()
    form = {"password": "Karens kodeord 7", "code": code}
    form[wrong] = "Not it 12345" if wrong == "password" else f"{(int(code) + 1) % 10**6:06d}"
    refused = client.post("/en/login/code-device/", form)
    # A redirect to the page, which says why: Back or reload never sends the form again.
    assert refused["Location"] == "/en/login/code-device/"
    page = client.get(refused["Location"]).content.decode()
    assert "The user-ID, the password or the code is wrong." in page
    assert "<title>Error: " in page
    again = client.get("/en/login/code-device/").content.decode()
    assert "is wrong" not in again, "said once"
    karens_device.refresh_from_db()
    assert karens_device.throttling_failure_count == 1


def test_three_wrong_attempts_lock_the_device(
    client: Client, karens_device: CodeDevice, settings
) -> None:
    settings.AUTHENTICATOR_MAX_FAILURES = 3
    type_user_id(client, "Karen K")
    for _ in range(3):
        client.post("/en/login/code-device/", {"password": "wrong password", "code": "123456"})
    right = {"password": "Karens kodeord 7", "code": karens_device.token.current_code()}
    page = client.post("/en/login/code-device/", right, follow=True).content.decode()
    assert "Too many wrong attempts." in page
    assert "_auth_user_id" not in client.session


def test_a_typed_password_never_comes_back_in_the_page(
    client: Client, karens_device: CodeDevice
) -> None:
    type_user_id(client, "Karen K")
    client.post("/en/login/code-device/", {"password": "secret-ish 1", "code": "1"})
    assert "secret-ish 1" not in str(dict(client.session)), "only the errors are carried"
    page = client.get("/en/login/code-device/").content.decode()
    assert "The code is 6 digits." in page
    assert "secret-ish 1" not in page


def test_a_refusal_is_said_on_its_own_page_only_and_not_in_a_later_login(
    client: Client, karens_device: CodeDevice
) -> None:
    type_user_id(client, "Karen K")
    client.post("/en/login/code-device/", {"password": "wrong password", "code": "123456"})
    # Another tab opens another page of the login first: it neither shows nor takes the error.
    assert "is wrong" not in client.get("/en/login/app/").content.decode()
    assert "is wrong" in client.get("/en/login/code-device/").content.decode()
    # A refusal whose page was never shown (the browser closed) is not the next login's.
    client.post("/en/login/code-device/", {"password": "wrong password", "code": "123456"})
    type_user_id(client, "Karen K")
    assert "is wrong" not in client.get("/en/login/code-device/").content.decode()


def test_pages_of_a_login_need_the_user_id_first(client: Client, db: None) -> None:
    assert client.get("/en/login/app/")["Location"] == "/en/login/"


def test_add_a_chip_wait_confirm_and_log_in_with_it(
    client: Client, karens_device: CodeDevice
) -> None:
    type_user_id(client, "Karen K")
    client.post(
        "/en/login/code-device/",
        {"password": "Karens kodeord 7", "code": karens_device.token.current_code()},
    )
    page = client.get("/en/authenticators/chip/")
    options = page.context["options"]
    soft = SoftChip()
    added = client.post("/en/authenticators/chip/", {"credential": soft.register(options)})
    assert added["Location"] == "/en/authenticators/chip/"
    chip = ChipDevice.objects.get()
    assert chip.status == "pending"
    assert client.get(f"/en/authenticators/chip/{chip.pk}/confirm/").status_code == 302

    ChipDevice.objects.update(confirm_after=timezone.now() - timedelta(seconds=1))
    confirm = client.get(f"/en/authenticators/chip/{chip.pk}/confirm/")
    client.post(
        f"/en/authenticators/chip/{chip.pk}/confirm/",
        {"credential": soft.sign_in(confirm.context["options"])},
    )
    chip.refresh_from_db()
    assert chip.status == "active"
    # The browser's Back finds the chip page and how the chip stands, not a 404 (a walk).
    back = client.get(f"/en/authenticators/chip/{chip.pk}/confirm/", follow=True)
    assert back.redirect_chain == [("/en/authenticators/chip/", 302)]
    assert "This chip is already confirmed." in back.content.decode()
    # Each chip says when it was added, and the table is one a phone can stack (a walk: two
    # chips both read "MitID chip", and the kl table ran off a phone's screen).
    assert "Added on" in back.content.decode()
    assert "portal-stack-table" in back.content.decode()

    client.post("/en/login/log-out/")
    fresh = Client()
    type_user_id(fresh, "karen k")
    chip_page = fresh.get("/en/login/chip/")
    response = fresh.post(
        "/en/login/chip/", {"credential": soft.sign_in(chip_page.context["options"])}
    )
    assert response["Location"] == "/en/selfservice/"
    assert "MitID chip" in fresh.get("/en/selfservice/").content.decode()


def test_the_chip_pages_need_a_mitid_login(client: Client, db: None) -> None:
    response = client.get("/en/authenticators/chip/")
    assert response["Location"].startswith("/en/login/?next=")


def test_a_blocked_identity_is_logged_out(client: Client, karens_device: CodeDevice) -> None:
    type_user_id(client, "Karen K")
    client.post(
        "/en/login/code-device/",
        {"password": "Karens kodeord 7", "code": karens_device.token.current_code()},
    )
    Identity.objects.update(status="blocked")
    assert client.get("/en/selfservice/").status_code == 302


def test_the_chip_page_says_which_address_chips_work_on(
    client: Client, karens_device: CodeDevice, settings
) -> None:
    settings.WEBAUTHN_RP_ID = "mitid.example.dk"
    type_user_id(client, "Karen K")
    client.post(
        "/en/login/code-device/",
        {"password": "Karens kodeord 7", "code": karens_device.token.current_code()},
    )
    page = client.get("/en/authenticators/chip/").content.decode()
    assert "works only when the portal is opened at its own address (mitid.example.dk)" in page
    settings.ALLOWED_HOSTS = ["*"]
    page = client.get("/en/authenticators/chip/", HTTP_HOST="www.mitid.example.dk").content
    assert b"works only when" not in page


def test_polling_gives_the_status_and_the_current_frame(
    client: Client, jonas_phone: AppDevice
) -> None:
    from login import frames

    type_user_id(client, "J()nas Jen5en")
    client.get("/en/login/app/")
    login = AppLogin.objects.get()
    answer = client.get("/en/login/app/status/").json()
    assert answer["status"] == "waiting"
    assert frames.parse(answer["frame"]).is_authentic(login.secret)

    app_logins.scan(signer=jonas_phone, frame_text=answer["frame"])
    assert client.get("/en/login/app/status/").json() == {"status": "scanned"}
    assert Client().get("/en/login/app/status/").json() == {"status": "none"}


def test_htmx_gets_the_status_part_and_a_client_redirect_once_approved(
    client: Client, jonas_phone: AppDevice
) -> None:
    type_user_id(client, "J()nas Jen5en")
    client.get("/en/login/app/")
    login = AppLogin.objects.get()
    app_logins.scan(signer=jonas_phone, frame_text=app_logins.frame(login))
    part = client.get("/en/login/app/", headers={"HX-Request": "true"})
    assert part.content.decode().startswith('<div id="app-login"')
    assert "Approve in the MitID app." in part.content.decode()

    signature = app_keys.sign(jonas_phone.private_key, login.signing_input.encode())
    app_logins.approve(
        signer=jonas_phone, token=str(login.token), signature=signature, pin="246810"
    )
    done = client.get("/en/login/app/", headers={"HX-Request": "true"})
    assert done["HX-Redirect"] == "/en/selfservice/"
    assert done.cookies["mitid_way"].value == "app"  # the session's and the way in's cookies
    assert client.get("/en/selfservice/").status_code == 200


def test_htmx_asking_after_a_login_that_is_gone_moves_the_whole_page(
    client: Client, jonas_phone: AppDevice
) -> None:
    """A second tab's user-ID starts a new login in the session, under a new key: the first
    tab's live status, asked with the old key (the change is told while the second tab's
    request runs), was answered with a redirect that htmx followed and put the whole login
    page, header and footer, inside the first tab's page (a walk with two tabs, Danish)."""
    type_user_id(client, "J()nas Jen5en")
    client.get("/en/login/app/")
    old_key = client.cookies["sessionid"].value
    type_user_id(client, "J()nas Jen5en")  # the second tab
    first_tab = Client()
    first_tab.cookies["sessionid"] = old_key
    part = first_tab.get("/en/login/app/", headers={"HX-Request": "true"})
    assert part.status_code == 200 and part["HX-Redirect"] == "/en/login/"
    assert b"<header" not in part.content
    assert first_tab.get("/en/login/app/")["Location"] == "/en/login/", "without htmx as before"


def test_the_login_page_takes_the_typed_code_from_the_app(
    client: Client, jonas_phone: AppDevice
) -> None:
    Identity.objects.filter(pk=jonas_phone.identity_id).update(typed_codes=True)
    type_user_id(client, "J()nas Jen5en")
    page = client.get("/en/login/app/").content.decode()
    assert "Cannot scan the code?" in page
    login = AppLogin.objects.get()
    wrong = f"{(int(login.typed_code) + 1) % 10_000:04d}"
    # Refused like any form: in the summary and at the field; only a code typed is counted.
    for code, error, counted in (
        ("", "required", 0),
        ("99999", "max_length", 0),
        (wrong, "wrong_code", 1),
    ):
        refused = client.post("/en/login/app/", {"action": "typed_code", "code": code})
        assert refused["Location"] == "/en/login/app/"  # Back never sends the code again
        answer = client.get(refused["Location"])
        assert answer.context["typed_form"].has_error("code", error)
        page = answer.content.decode()
        assert "That is not the code." in page and "<title>Error: " in page
        assert 'href="#id_code"' in page and 'aria-invalid="true"' in page
        login.refresh_from_db()
        assert (login.status, login.typed_code_failures) == ("waiting", counted)
    assert "That is not the code." not in client.get("/en/login/app/").content.decode()
    client.post("/en/login/app/", {"action": "typed_code", "code": login.typed_code})
    assert "Approve in the MitID app." in client.get("/en/login/app/").content.decode()


def test_three_wrong_typed_codes_end_the_login_and_the_page_says_so(
    client: Client, jonas_phone: AppDevice, settings: Any
) -> None:
    Identity.objects.filter(pk=jonas_phone.identity_id).update(typed_codes=True)
    type_user_id(client, "J()nas Jen5en")
    login = AppLogin.objects.get()
    wrong = f"{(int(login.typed_code) + 1) % 10_000:04d}"
    for _ in range(settings.AUTHENTICATOR_MAX_FAILURES):
        client.post("/en/login/app/", {"action": "typed_code", "code": wrong})
    page = client.get("/en/login/app/").content.decode()
    assert "The login was stopped after too many wrong codes." in page
    assert "Start again" in page


def test_the_app_on_this_phone_chosen_by_mistake_goes_back_to_the_qr_code(
    client: Client, jonas_phone: AppDevice
) -> None:
    """A walk tapped "Yes, use the app on this phone" with the app on another phone: the
    page offers the QR code again; "More time" keeps the way chosen."""
    type_user_id(client, "J()nas Jen5en")
    client.post("/en/login/app/", {"action": "same_device"})
    page = client.get("/en/login/app/").content.decode()
    assert 'value="scan_instead"' in page
    client.post("/en/login/app/", {"action": "restart"})  # "More time"
    assert AppLogin.objects.get(status="waiting").same_device
    client.post("/en/login/app/", {"action": "scan_instead"})
    assert not AppLogin.objects.get(status="waiting").same_device
    assert 'id="login-qr"' in client.get("/en/login/app/").content.decode()


def test_typed_codes_locked_for_the_user_id_are_said_at_the_field(
    client: Client, jonas_phone: AppDevice, settings: Any
) -> None:
    settings.TYPED_CODE_FAILURES_PER_USER_ID = 1
    Identity.objects.filter(pk=jonas_phone.identity_id).update(typed_codes=True)
    type_user_id(client, "J()nas Jen5en")
    login = AppLogin.objects.get()
    wrong = f"{(int(login.typed_code) + 1) % 10_000:04d}"
    client.post("/en/login/app/", {"action": "typed_code", "code": wrong})
    refused = client.post("/en/login/app/", {"action": "typed_code", "code": login.typed_code})
    answer = client.get(refused["Location"])
    assert answer.context["typed_form"].has_error("code", "typed_codes_locked")
    assert "Too many wrong codes have been typed. Scan the QR code" in answer.content.decode()
    login.refresh_from_db()
    assert login.status == "waiting", "the login goes on: the QR code can still be scanned"


def test_a_login_started_again_elsewhere_tells_the_first_browser(
    client: Client, jonas_phone: AppDevice
) -> None:
    type_user_id(client, "J()nas Jen5en")
    type_user_id(Client(), "J()nas Jen5en")  # the same user-ID in another browser
    # The first page hears "cancelled" on its websocket and asks for its status part.
    part = client.get("/en/login/app/", headers={"HX-Request": "true"}).content.decode()
    assert "The login was cancelled, perhaps because it was started again elsewhere." in part


def test_blocking_the_device_used_ends_the_session(
    client: Client, karens_device: CodeDevice
) -> None:
    type_user_id(client, "Karen K")
    client.post(
        "/en/login/code-device/",
        {"password": "Karens kodeord 7", "code": karens_device.token.current_code()},
    )
    assert client.get("/en/selfservice/").status_code == 200
    lifecycle.block_device(karens_device, reason="lost", by=None)
    assert client.get("/en/selfservice/")["Location"].startswith("/en/login/")


def assert_statements(sent: CaptureQueriesContext, *beginnings: str) -> None:
    """Exactly these statements were sent, each beginning so, leaving out the transactions'
    own (SQLite's BEGIN and COMMIT, which PostgreSQL's driver sends unseen)."""
    sql = [q["sql"] for q in sent.captured_queries if q["sql"] not in ("BEGIN", "COMMIT")]
    assert len(sql) == len(beginnings), sql
    for statement, beginning in zip(sql, beginnings, strict=True):
        assert statement.startswith(beginning), statement


@pytest.mark.django_db(transaction=True)  # as served: no test transaction, no savepoints
def test_what_a_login_asks_of_the_database(
    client: Client,
    karens_device: CodeDevice,
    jonas_phone: AppDevice,
    django_assert_max_num_queries,  # type: ignore[no-untyped-def]
) -> None:
    """The statements a login costs (bench/peers compares them with peers' logins): the
    device, its person and the password's account in one locked query, only what the code's
    use changed written back (one table of the two), the session's row renamed to its new key
    in one statement, nobody's axes rows, no `last_login` on a citizen's account."""
    type_user_id(client, "Karen K")
    # The session, BEGIN, the locked device, its use, the event, COMMIT, the language the
    # citizen logged in with (remembered for their letters), the session renamed to a new key.
    with django_assert_max_num_queries(8):
        answer = client.post(
            "/en/login/code-device/",
            {"password": "Karens kodeord 7", "code": karens_device.token.current_code()},
        )
    assert answer.status_code == 302 and "/login/" not in answer["Location"]

    Identity.objects.update(language="en")  # logged in in English before: nothing to remember
    browser = Client()
    # The person found and locked, their open logins locked (none), the login, the session;
    # of the person only the key, of their open logins only what cancelling one reads.
    with CaptureQueriesContext(connection) as sent:
        type_user_id(browser, "j()nas jen5en")
    assert_statements(
        sent,
        'SELECT "authenticators_identity"."id" FROM',
        'SELECT "authenticators_applogin"."id", "authenticators_applogin"."token", '
        '"authenticators_applogin"."status", "authenticators_applogin"."expires_at" FROM',
        'INSERT INTO "authenticators_applogin"',
        'INSERT INTO "django_session"',
    )
    login = AppLogin.objects.get(typed_user_id="j()nas jen5en")
    app_logins.scan(signer=jonas_phone, frame_text=app_logins.frame(login))
    app_logins.approve(
        signer=jonas_phone,
        token=str(login.token),
        signature=app_keys.sign(jonas_phone.private_key, login.signing_input.encode()),
        pin="246810",
    )
    # The session, the login with its person, account and app (only the columns read: one
    # read but left out would cost a query of its own), the login completed, the session
    # renamed.
    with CaptureQueriesContext(connection) as sent:
        answer = browser.get("/en/login/app/")
    assert_statements(
        sent,
        'SELECT "django_session"',
        'SELECT "authenticators_applogin"."id"',
        'UPDATE "authenticators_applogin"',
        'UPDATE "django_session"',
    )
    assert answer.status_code == 302 and "/login/" not in answer["Location"]


def test_a_citizens_log_out_asks_nothing_of_axes(client: Client, karens_device: CodeDevice) -> None:
    """Axes counts staff logins only (staff.lockout); a citizen's log-out, like the end of a
    party's login, deletes the session and nothing else."""
    type_user_id(client, "Karen K")
    client.post(
        "/en/login/code-device/",
        {"password": "Karens kodeord 7", "code": karens_device.token.current_code()},
    )
    with CaptureQueriesContext(connection) as sent:
        client.post("/en/login/log-out/")
    tables = [q["sql"] for q in sent.captured_queries if q["sql"] not in ("BEGIN", "COMMIT")]
    assert not [sql for sql in tables if "axes_" in sql], tables
    assert any(sql.startswith('DELETE FROM "django_session"') for sql in tables), tables


@pytest.mark.parametrize("user_id", ["J()nas Jen5en", "nobody at all"])
def test_a_client_that_keeps_cancelling_someones_login_is_stopped_a_while(
    jonas_phone: AppDevice, settings: Any, user_id: str
) -> None:
    """A probe typed Jonas's user-ID in a loop: each new login cancelled his open one, so he
    could never approve. Past APP_LOGIN_REPLACEMENTS_PER_USER_ID from one client, the client's
    next start is refused for a while; his own, from elsewhere, goes on. An unknown user-ID
    is treated the same (nothing tells who has MitID)."""
    from tests.caches import empty_cache

    empty_cache()
    settings.APP_LOGIN_REPLACEMENTS_PER_USER_ID = 3
    jonas = Client(REMOTE_ADDR="192.0.2.10")
    type_user_id(jonas, user_id)  # his login, open
    stranger = Client(REMOTE_ADDR="203.0.113.5")
    for _ in range(3):  # each replaces the open one (his, then the stranger's own)
        type_user_id(stranger, user_id)
    refused = stranger.post("/en/login/", {"user_id": user_id, "next": ""})
    # The page says so, with the other ways in, which start no app login: it sent the client
    # back to the first page, whose user-ID led here again, so someone with only a code
    # device could not reach its page (a walk).
    assert refused.status_code == 429
    page = refused.content.decode()
    assert "Logins with the app for this user-ID have been started too many times" in page
    assert "Try again in 15 minutes, or use another way below." in page
    assert 'href="/en/login/code-device/"' in page and 'href="/en/login/chip/"' in page
    assert 'data-status="too_many_starts"' in page and "data-first-frame" not in page
    assert stranger.get("/en/login/app/").status_code == 429  # the page's own address too
    assert stranger.get("/en/login/code-device/").status_code == 200
    assert AppLogin.objects.filter(status="waiting").count() == 1  # the stranger's last
    # Jonas, from his own address, starts again and gets an open login.
    type_user_id(jonas, user_id)
    assert AppLogin.objects.filter(status="waiting").count() == 1
    empty_cache()


def test_the_chip_page_asks_the_database_as_often_for_nobody_as_for_a_chip_holder(
    client: Client, karens_device: CodeDevice
) -> None:
    # A probe's timing: a user-ID that was nobody's found no person and so asked for no chips,
    # one query fewer than a person's, whose chips were looked up after the person was found.
    karens_active_chip(client, karens_device)

    def options_queries(user_id: str) -> int:
        with CaptureQueriesContext(connection) as queries:
            login_services.chip_options(user_id)
        return len(queries)

    assert options_queries("Nobody Here") == options_queries("Karen K") == 1
    IdentityFactory(user_id="Without Chip")
    assert options_queries("Without Chip") == 1
