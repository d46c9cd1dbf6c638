"""Self-service pages through the test client: login, the overview, blocking, ordering."""

import re
from collections.abc import Callable
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from django.utils.http import urlencode

from activation import services as activation
from authenticators import services
from authenticators.models import AuthenticatorEvent, CodeDevice, Identity
from authenticators.services import record
from authenticators.stock import fill_stock
from enrollment import orders
from enrollment.models import DeviceOrder
from login import session
from messaging.models import OutboxMessage
from nemid import session as nemid_session
from nemid.provider import NemIDProof
from tests.authenticators.soft_chip import SoftChip
from tests.caches import empty_cache
from tests.factories import AppDeviceFactory, IdentityFactory
from tests.logins import log_in_with_mitid

pytestmark = pytest.mark.django_db

PAGES = [
    "/en/selfservice/",
    "/en/selfservice/user-id/",
    "/en/selfservice/contact/?channel=sms",
    "/en/selfservice/settings/",
    "/en/selfservice/block/",
    "/en/selfservice/app/",
]


@pytest.mark.parametrize("url", PAGES)
def test_every_page_needs_a_mitid_login_and_comes_back_after_it(client: Client, url: str) -> None:
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"/en/login/?{urlencode({'next': url})}"


@pytest.mark.parametrize("url", PAGES)
@pytest.mark.parametrize("language", ["da", "en", "kl"])
def test_every_page_is_shown_never_cached_in_every_language(
    logged_in: Callable[..., Client],
    karen: Identity,
    kodeviser: CodeDevice,
    url: str,
    language: str,
) -> None:
    client = logged_in(karen, kodeviser)
    response = client.get(url.replace("/en/", f"/{language}/"))
    assert response.status_code == 200
    assert "no-cache" in response["Cache-Control"]


def test_the_login_goes_to_the_overview(
    client: Client, karen: Identity, kodeviser: CodeDevice
) -> None:
    client.post("/en/login/", {"user_id": "karen.h"})
    response = client.post(
        "/en/login/code-device/",
        {"password": "Karens kodeord 7", "code": kodeviser.token.current_code()},
    )
    assert response["Location"] == "/en/selfservice/"
    page = client.get("/en/selfservice/").content.decode()
    for fact in ("karen.h", "Substantial", "20 30 40 50", "karen@example.dk", kodeviser.label):
        assert fact in page
    assert '<dd><a href="/en/levels/#substantial">Substantial</a></dd>' in page
    assert "History of use" in page and "MitID.dk" in page
    assert client.get("/en/login/logged-in/")["Location"] == "/en/selfservice/"


def test_a_login_with_an_unsafe_next_goes_to_the_overview(
    client: Client, karen: Identity, kodeviser: CodeDevice
) -> None:
    client.post("/en/login/", {"user_id": "karen.h", "next": "https://evil.example/"})
    response = client.post(
        "/en/login/code-device/",
        {"password": "Karens kodeord 7", "code": kodeviser.token.current_code()},
    )
    assert response["Location"] == "/en/selfservice/"


def block_url(device: CodeDevice) -> str:
    return f"/en/selfservice/authenticators/code_device/{device.pk}/block/"


def test_blocking_the_device_logged_in_with_logs_out_and_offers_a_new_one(
    logged_in: Callable[..., Client], karen: Identity, kodeviser: CodeDevice
) -> None:
    client = logged_in(karen, kodeviser)
    response = client.post(block_url(kodeviser), {"reason": "lost"})
    assert response["Location"] == "/en/selfservice/blocked/"
    kodeviser.refresh_from_db()
    assert kodeviser.status == "blocked"
    page = client.get("/en/selfservice/blocked/").content.decode()
    assert "You are logged out" in page
    assert 'href="/en/selfservice/order/"' in page
    assert client.get("/en/selfservice/").status_code == 302  # logged out


@pytest.mark.parametrize(
    ("mobile", "email", "said"),
    [
        (
            "+4520304050",
            "karen@example.dk",
            "We have sent you an SMS and an e-mail about the block.",
        ),
        ("+4520304050", "", "We have sent you an SMS about the block."),
        ("", "karen@example.dk", "We have sent you an e-mail about the block."),
        ("", "", ""),
    ],
)
def test_the_block_page_says_only_the_ways_the_citizen_was_told(
    logged_in: Callable[..., Client],
    karen: Identity,
    kodeviser: CodeDevice,
    mobile: str,
    email: str,
    said: str,
    django_capture_on_commit_callbacks,
) -> None:  # type: ignore[no-untyped-def]
    Identity.objects.filter(pk=karen.pk).update(mobile=mobile, email=email)
    client = logged_in(karen, kodeviser)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(block_url(kodeviser), {"reason": "lost"})
    page = client.get("/en/selfservice/blocked/").content.decode()
    assert said in page and "The block is in the history of your MitID." in page
    assert ("We have sent you" in page) == bool(said)
    sent = OutboxMessage.objects.values_list("channel", flat=True)
    assert sorted(sent) == sorted(c for c, a in (("email", email), ("sms", mobile)) if a)


def test_a_block_without_a_reason_is_an_error_in_the_summary(
    logged_in: Callable[..., Client], karen: Identity, kodeviser: CodeDevice
) -> None:
    client = logged_in(karen, kodeviser)
    response = client.post(block_url(kodeviser), {}, follow=True)
    # Shown after a redirect, as the login's errors are: Back after the block, later, finds
    # a page, not the browser's "Confirm Form Resubmission" (a walk met it).
    assert response.redirect_chain == [(block_url(kodeviser), 302)]
    assert response.context["form"].has_error("reason", "required")
    assert "portal-error-summary" in response.content.decode()
    kodeviser.refresh_from_db()
    assert kodeviser.status == "active"
    mitid = client.post("/en/selfservice/block/", {}, follow=True)
    assert mitid.redirect_chain == [("/en/selfservice/block/", 302)]
    assert mitid.context["form"].has_error("reason", "required")


def test_the_reason_chosen_survives_a_change_of_language(
    logged_in: Callable[..., Client], karen: Identity, kodeviser: CodeDevice
) -> None:
    client = logged_in(karen, kodeviser)
    for page in (block_url(kodeviser), "/en/selfservice/block/"):
        switched = client.post(f"/i18n/switch/?next={page}", {"language": "da", "reason": "stolen"})
        assert switched["Location"] == page.replace("/en/", "/da/", 1)
        html = client.get(switched["Location"]).content.decode()
        assert re.search(r'value="stolen"[^>]*checked', html), page


def test_danish_speaks_of_the_whole_mitid_as_det_and_of_a_device_as_den(
    logged_in: Callable[..., Client], karen: Identity, kodeviser: CodeDevice
) -> None:
    """ "Dit MitID" is neuter, "din kodeviser" is not (Danish walk's finding)."""
    client = logged_in(karen, kodeviser)
    whole = client.get("/da/selfservice/block/").content.decode()
    device = client.get(block_url(kodeviser).replace("/en/", "/da/", 1)).content.decode()
    assert "Hvorfor spærrer du det?" in whole and "En anden har fået fat i det" in whole
    assert "Hvorfor spærrer du den?" in device and "Den er blevet stjålet" in device


def test_the_history_page_says_when_each_of_two_phones_of_one_name_was_added(
    logged_in: Callable[..., Client], karen: Identity, kodeviser: CodeDevice
) -> None:
    for days in (30, 23):
        phone = AppDeviceFactory(
            identity=karen, name="iPhone", activated_at=timezone.now() - timedelta(days=days)
        )
        record(phone, AuthenticatorEvent.Kind.VERIFIED, service="Bank")
    page = logged_in(karen, kodeviser).get("/da/selfservice/history/")
    rows = re.findall(r"<tr>.*?</tr>", page.content.decode(), re.S)
    added = [" ".join(re.sub("<[^>]+>", " ", row).split()) for row in rows if "iPhone" in row]
    assert len(added) == 2 and all("Tilføjet den" in row for row in added), added
    assert added[0] != added[1]


def test_the_block_page_says_when_the_device_was_added(
    logged_in: Callable[..., Client], karen: Identity, kodeviser: CodeDevice
) -> None:
    """Two phones of one name: the citizen checks it is the lost one, as on the overview."""
    phone = AppDeviceFactory(identity=karen, name="iPhone", activated_at=timezone.now())
    page = logged_in(karen, kodeviser).get(f"/en/selfservice/authenticators/app/{phone.pk}/block/")
    added = re.search(r'data-testid="device-added">([^<]*)<', page.content.decode())
    assert added is not None and added.group(1).startswith("Added on ")


def test_a_second_block_is_refused_with_a_message(
    logged_in: Callable[..., Client], karen: Identity, kodeviser: CodeDevice
) -> None:
    phone = AppDeviceFactory(identity=karen)
    client = logged_in(karen, phone)
    CodeDevice.objects.filter(pk=kodeviser.pk).update(status="blocked")
    response = client.post(block_url(kodeviser), {"reason": "lost"}, follow=True)
    assert response.redirect_chain == [(block_url(kodeviser), 302)]
    assert response.context["form"].non_field_errors().as_data()[0].code == "already_blocked"
    # Its page (the browser's Back after blocking it) says so and offers no block at all.
    page = client.get(block_url(kodeviser)).content.decode()
    assert "It is blocked." in page and 'data-testid="nothing-to-block"' in page
    assert 'id="page-form"' not in page and "Block it now" not in page
    # With no form of its own, the language buttons are the switcher's form's.
    assert 'form="page-form"' not in page and 'id="language-switcher-form"' in page


def test_a_revoked_device_cannot_be_blocked(
    logged_in: Callable[..., Client], karen: Identity, kodeviser: CodeDevice
) -> None:
    phone = AppDeviceFactory(identity=karen)
    client = logged_in(karen, phone)
    CodeDevice.objects.filter(pk=kodeviser.pk).update(status="revoked")
    response = client.post(block_url(kodeviser), {"reason": "lost"}, follow=True)
    assert response.context["form"].non_field_errors().as_data()[0].code == "revoked"


def test_someone_elses_device_is_not_found(
    logged_in: Callable[..., Client], karen: Identity, kodeviser: CodeDevice
) -> None:
    stranger = AppDeviceFactory()
    client = logged_in(karen, kodeviser)
    response = client.post(
        f"/en/selfservice/authenticators/app/{stranger.pk}/block/", {"reason": "lost"}
    )
    assert response.status_code == 404
    stranger.refresh_from_db()
    assert stranger.status == "active"


def test_a_post_without_csrf_is_refused_and_nothing_changes(
    karen: Identity, kodeviser: CodeDevice
) -> None:
    client = log_in_with_mitid(Client(enforce_csrf_checks=True), karen, kodeviser)
    response = client.post(block_url(kodeviser), {"reason": "lost"})
    assert response.status_code == 403
    kodeviser.refresh_from_db()
    assert kodeviser.status == "active"


def test_with_another_device_the_block_page_asks_to_confirm_with_it(
    logged_in: Callable[..., Client], karen: Identity, kodeviser: CodeDevice
) -> None:
    app = AppDeviceFactory(identity=karen, name="Phone 3")
    client = logged_in(karen, kodeviser)
    page = client.get(block_url(kodeviser)).content.decode()
    assert "Confirm with your MitID app" in page
    # Which one (a walk confirmed with the very app it blocked, and came back to this page).
    assert f"not with the one you are blocking: {app.label}." in page
    # Sent without a device to confirm with (the page had none when it was shown): the page
    # again after a redirect, the reason kept, so Back never meets "Confirm Form Resubmission".
    response = client.post(block_url(kodeviser), {"reason": "lost"})
    kodeviser.refresh_from_db()
    assert (response.status_code, kodeviser.status) == (302, "active")
    assert response["Location"] == f"{block_url(kodeviser)}?reason=lost"
    page = client.get(response["Location"]).content.decode()
    assert "Confirm with your MitID app" in page
    assert re.search(r'value="lost"[^>]* checked', page)
    response = client.post(block_url(kodeviser), {"reason": "stolen", "confirm_with": "app"})
    assert response["Location"] == "/en/login/app/"
    pending = client.session[session.PENDING_KEY]
    assert (pending["user_id"], pending["next_url"]) == (
        "karen.h",
        f"{block_url(kodeviser)}?reason=stolen",
    )


def test_blocking_the_whole_mitid_logs_out(
    logged_in: Callable[..., Client], karen: Identity, kodeviser: CodeDevice
) -> None:
    client = logged_in(karen, kodeviser)
    form = client.get("/en/selfservice/block/").content.decode()
    # Reasons that speak of a whole MitID, which is not lost as a phone is (a walk).
    assert "I have lost access to it" in form and "Someone else has got hold of it" in form
    response = client.post("/en/selfservice/block/", {"reason": "misuse"})
    assert response["Location"] == "/en/selfservice/blocked/"
    karen.refresh_from_db()
    assert karen.status == "blocked"
    page = client.get("/en/selfservice/blocked/").content.decode()
    assert "Borgerservice" in page and "Addresses and opening hours" in page
    assert "Your whole MitID is blocked, so you are logged out." in page
    assert "because you logged in with what is now blocked" not in page
    # Every way in is blocked with it: no login is offered (a walk met one).
    assert "Log in with another authenticator" not in page


def test_settings_switch_notices_on_and_ask_for_typed_codes(
    logged_in: Callable[..., Client], karen: Identity, kodeviser: CodeDevice
) -> None:
    client = logged_in(karen, kodeviser)
    client.post("/en/selfservice/settings/", {"action": "notify", "notify-notify_on_use": "1"})
    client.post("/en/selfservice/settings/", {"action": "typed", "typed-typed_codes": "1"})
    karen.refresh_from_db()
    assert karen.notify_on_use
    assert karen.typed_codes_requested and not karen.uses_typed_codes()
    assert "Your change takes effect on" in client.get("/en/selfservice/settings/").content.decode()
    response = client.post("/en/selfservice/settings/", {"action": "notify"})
    assert response.context["notify_form"].has_error("notify_on_use", "required")


def test_the_user_id_page_keeps_what_was_typed_and_says_why(
    logged_in: Callable[..., Client], karen: Identity, kodeviser: CodeDevice
) -> None:
    client = logged_in(karen, kodeviser)
    response = client.post("/en/selfservice/user-id/", {"user_id": "211788-0967"})
    assert response.context["form"].has_error("user_id", "looks_like_cpr")
    assert 'value="211788-0967"' in response.content.decode()
    IdentityFactory(user_id="Taken Name")
    response = client.post("/en/selfservice/user-id/", {"user_id": "taken name"})
    assert response.context["form"].has_error("user_id", "taken")
    assert len(response.context["suggestions"]) == 3
    assert response.context["suggestions"][0] in response.content.decode()
    response = client.post("/en/selfservice/user-id/", {"user_id": "Karen Hansen 1975"})
    assert response["Location"] == "/en/selfservice/"


def test_the_user_id_page_counts_towards_the_clients_checks(
    logged_in: Callable[..., Client], karen: Identity, kodeviser: CodeDevice, settings
) -> None:
    empty_cache()
    settings.USER_ID_CHECKS_PER_WINDOW = 2
    client = logged_in(karen, kodeviser)
    IdentityFactory(user_id="Taken Name")
    for _ in range(2):
        response = client.post("/en/selfservice/user-id/", {"user_id": "taken name"})
        assert response.context["form"].has_error("user_id", "taken")
    response = client.post("/en/selfservice/user-id/", {"user_id": "taken name"})
    assert response.context["form"].has_error("user_id", "limited")
    assert "Someone else has this user-ID already." not in response.content.decode()
    response = client.post("/en/selfservice/user-id/", {"user_id": "Karen Hansen 1975"})
    assert response.context["form"].has_error("user_id", "limited")
    karen.refresh_from_db()
    assert karen.user_id == "karen.h"


def test_a_tampered_channel_falls_back_to_the_mobile_number(
    logged_in: Callable[..., Client], karen: Identity, kodeviser: CodeDevice
) -> None:
    client = logged_in(karen, kodeviser)
    response = client.post("/en/selfservice/contact/", {"channel": "fax", "email": "x@y.dk"})
    assert response.status_code == 200
    assert response.context["form"].has_error("mobile", "required")
    assert "Type your new mobile number." in response.content.decode()


def test_contact_change_and_confirm(
    logged_in: Callable[..., Client],
    karen: Identity,
    kodeviser: CodeDevice,
    django_capture_on_commit_callbacks,  # type: ignore[no-untyped-def]
) -> None:
    client = logged_in(karen, kodeviser)
    response = client.post("/en/selfservice/contact/", {"channel": "sms", "mobile": "12"})
    assert response.context["form"].has_error("mobile", "invalid_phone")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/en/selfservice/contact/", {"channel": "sms", "mobile": "21 21 21 21"}
        )
    assert response["Location"] == "/en/selfservice/contact/confirm/?channel=sms"
    response = client.post("/en/selfservice/contact/confirm/?channel=sms", {"code": "000000"})
    # A redirect to the page, which says it: a reload or Back never sends the code again.
    assert response["Location"] == "/en/selfservice/contact/confirm/?channel=sms"
    response = client.get(response["Location"])
    assert response.context["form"].has_error("code", "wrong_code")
    page = response.content.decode()
    assert "We have sent a code to 21 21 21 21." in page
    # As the heading; the layout writes its dash as an entity (templates/base.html).
    assert "<title>Error: Type the code from the SMS &ndash; MitID</title>" in page
    assert (
        '<a href="/en/selfservice/contact/?change=1&amp;channel=sms">Change mobile number</a>'
        in page
    )
    # Back to the overview and "Change mobile number" again: the code sent is still good,
    # so the page to type it (the form would only have asked for another code too soon).
    again = client.get("/en/selfservice/contact/?channel=sms")
    assert again["Location"] == "/en/selfservice/contact/confirm/?channel=sms"
    changing = client.get("/en/selfservice/contact/?change=1&channel=sms").content.decode()
    assert 'value="21212121"' in changing, "the number typed, to mend, not to type anew"
    sms = OutboxMessage.objects.get(recipient="+4521212121").body
    code = re.search(r"\b(\d{6})\b", sms)
    assert code
    response = client.post("/en/selfservice/contact/confirm/?channel=sms", {"code": code.group(1)})
    assert response["Location"] == "/en/selfservice/"
    karen.refresh_from_db()
    assert karen.mobile == "+4521212121"


def test_the_number_the_mitid_has_already_sends_no_code_and_drops_a_change_begun(
    logged_in: Callable[..., Client], karen: Identity, kodeviser: CodeDevice
) -> None:
    """A Danish walk typed its own number and got a code for a change that changed nothing."""
    Identity.objects.filter(pk=karen.pk).update(mobile="+4520304050")
    client = logged_in(karen, kodeviser)
    # A number mistyped first, then her own typed to take it back: the change begun is gone.
    client.post("/en/selfservice/contact/", {"channel": "sms", "mobile": "20 30 40 59"})
    assert client.get("/en/selfservice/contact/?channel=sms").status_code == 302
    response = client.post(
        "/en/selfservice/contact/", {"channel": "sms", "mobile": "20 30 40 50"}, follow=True
    )
    assert response.redirect_chain == [("/en/selfservice/", 302)]
    assert "That is the mobile number your MitID has already. Nothing is changed." in (
        response.content.decode()
    )
    assert not OutboxMessage.objects.filter(recipient="+4520304050").exists()
    assert client.get("/en/selfservice/contact/?channel=sms").status_code == 200
    page = client.get("/en/selfservice/contact/?channel=sms").content.decode()
    assert "We send a code to the new number." in page


def test_an_e_mail_the_mitid_has_not_is_added_not_changed(
    logged_in: Callable[..., Client], karen: Identity, kodeviser: CodeDevice
) -> None:
    Identity.objects.filter(pk=karen.pk).update(email="")
    client = logged_in(karen, kodeviser)
    page = client.get("/en/selfservice/").content.decode()
    assert '?channel=email">Add an e-mail</a>' in page
    assert '?channel=sms">Change mobile number</a>' in page
    adding = client.get("/en/selfservice/contact/?channel=email").content.decode()
    assert "<h1>Add an e-mail</h1>" in adding and "It is added when you type the code." in adding
    assert "the one you have" not in adding


def test_the_app_page_shows_a_code_and_its_qr(
    logged_in: Callable[..., Client], karen: Identity, kodeviser: CodeDevice
) -> None:
    client = logged_in(karen, kodeviser)
    assert client.get("/en/selfservice/app/qr.svg").status_code == 404
    client.post("/en/selfservice/app/")
    page = client.get("/en/selfservice/app/").content.decode()
    assert 'data-testid="activation-code"' in page
    qr = client.get("/en/selfservice/app/qr.svg")
    assert (qr.status_code, qr["Content-Type"]) == (200, "image/svg+xml")


@pytest.mark.parametrize("language", ["en", "da", "kl"])
def test_with_three_apps_the_app_page_says_so_in_words(
    logged_in: Callable[..., Client], karen: Identity, kodeviser: CodeDevice, language: str
) -> None:
    AppDeviceFactory.create_batch(3, identity=karen)
    client = logged_in(karen, kodeviser)
    response = client.post(f"/{language}/selfservice/app/", follow=True)
    (message,) = [str(m) for m in response.context["messages"]]
    assert "3" in message
    if language == "en":
        assert message == (
            "You already have the MitID app on 3 devices. Block one before you add another."
        )


def test_nemid_alone_does_not_order_a_device_for_a_mitid_that_still_works(
    nemid_client: Callable[..., Client], karen: Identity
) -> None:
    AppDeviceFactory(identity=karen)  # her app works: MitID, not NemID, proves who orders
    client = nemid_client(cpr=karen.cpr, nemid_user_id="karen.h")
    response = client.post("/en/selfservice/order/", {"kind": "kodeviser", "delivery": "post"})
    assert response["Location"].startswith("/en/login/?next=%2Fen%2Fselfservice%2Forder%2F")
    assert not DeviceOrder.objects.filter(identity=karen).exists()


def test_after_a_block_the_order_page_takes_a_nemid_proof(
    client: Client, karen: Identity, kodeviser: CodeDevice
) -> None:
    from authenticators import lifecycle

    lifecycle.block_device(kodeviser, reason="lost", by=None)
    response = client.get("/en/selfservice/order/")
    assert response["Location"].startswith("/en/nemid/login/?next=%2Fen%2Fselfservice%2Forder%2F")
    request = type("R", (), {"session": client.session})()
    nemid_session.remember_proof(request, NemIDProof(cpr=karen.cpr, nemid_user_id="karen.h"))
    request.session.save()
    client.cookies["sessionid"] = request.session.session_key
    # Proven by NemID only: no way back to an overview that needs a MitID login.
    assert "Back to your MitID" not in client.get("/en/selfservice/order/").content.decode()
    response = client.post("/en/selfservice/order/", {"kind": "kodeviser"}, follow=True)
    assert response.context["form"].has_error("delivery", "required")
    assert response.redirect_chain == [("/en/selfservice/order/?kind=kodeviser", 302)]
    response = client.post("/en/selfservice/order/", {"kind": "kodeviser", "delivery": "post"})
    assert response["Location"] == "/en/selfservice/order/"
    assert DeviceOrder.objects.get(identity=karen).kind == "kodeviser"
    receipt = client.get("/en/selfservice/order/").content.decode()
    assert "Your code device is ordered" in receipt
    # Told by SMS and e-mail (Karen has both), said on the receipt the order led to.
    assert "We have told you by SMS and e-mail." in receipt
    # The ways of the moment she ordered, though her e-mail is gone since; a later visit
    # (without that moment's session data) names none rather than guess.
    Identity.objects.filter(pk=karen.pk).update(email="")
    assert (
        "We have told you by SMS and e-mail."
        in client.get("/en/selfservice/order/").content.decode()
    )
    other = Client()
    other.cookies["sessionid"] = client.cookies["sessionid"].value
    session = other.session
    session.pop("selfservice_order_told")
    session.save()
    later = other.get("/en/selfservice/order/").content.decode()
    assert "Your code device is ordered" in later and "We have told you" not in later


def test_the_overview_tells_two_apps_apart_and_lists_no_activation_as_a_use(
    karen: Identity, logged_in: Callable[..., Client]
) -> None:
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from authenticators import services as device_services
    from authenticators.models import AuthenticatorEvent

    added = datetime(2026, 11, 3, 12, 0, tzinfo=ZoneInfo("Europe/Copenhagen"))
    first = AppDeviceFactory(identity=karen, name="Karen's iPhone", activated_at=added)
    AppDeviceFactory(identity=karen, name="MitID app")  # no name given: the kind alone
    device_services.record(first, AuthenticatorEvent.Kind.VERIFIED, "activation")
    device_services.record(first, AuthenticatorEvent.Kind.ACTIVATED)
    html = logged_in(karen, first).get("/en/selfservice/").content.decode()
    assert (
        '<strong>MitID app</strong><br><span data-testid="device-name">Karen&#x27;s iPhone' in html
    )
    assert "MitID app MitID app" not in html and "MitID appKaren" not in html
    assert "Added on 3 November 2026 at 12:00" in html
    history = html.split("History of use", 2)[2].split("Block your MitID", 1)[0]
    assert "Activated" in history
    assert ">Used<" not in history, "the activation's own check is not a use"
    assert "–" not in history
    assert 'data-label="Service"></td>' not in history


def test_a_code_device_shows_its_kind_and_serial_apart(
    karen: Identity, kodeviser: CodeDevice, logged_in: Callable[..., Client]
) -> None:
    html = logged_in(karen, kodeviser).get("/en/selfservice/").content.decode()
    assert f"<strong>{kodeviser.kind_label}</strong>" in html
    assert f"Serial number {kodeviser.token.serial}" in html


def test_after_blocking_the_only_app_the_page_offers_what_works_without_it(
    logged_in: Callable[..., Client], karen: Identity
) -> None:
    phone = AppDeviceFactory(identity=karen, name="Karen's iPhone")
    client = logged_in(karen, phone)
    client.post(f"/en/selfservice/authenticators/app/{phone.pk}/block/", {"reason": "lost"})
    page = client.get("/en/selfservice/blocked/").content.decode()
    assert "add it from your MitID overview" not in page
    ways = page.split('data-testid="ways-after-block"', 1)[1].split("</ul>", 1)[0]
    assert 'href="/en/selfservice/order/"' in ways and "NemID" in ways
    assert "Borgerservice" in ways and 'href="/en/help/"' in ways
    # The passport road in the app, now that the portal has it.
    assert 'href="/en/get-mitid/#passport"' in ways
    assert "Log in with another authenticator" not in page, "there is none"


def test_after_blocking_the_only_chip_the_page_offers_what_works_without_it(
    logged_in: Callable[..., Client], karen: Identity
) -> None:
    # A walk: Karen's chip was her only way in; after blocking it the page said only "You can
    # add a new MitID chip when you are logged in with MitID", which she no longer can.
    options, state = activation.chip_registration_options(karen)
    chip = activation.register_chip(
        identity=karen, state=state, response=SoftChip().register(options)
    )
    services.activate(chip)
    client = logged_in(karen, chip)
    block = client.post(f"/en/selfservice/authenticators/chip/{chip.pk}/block/", {"reason": "lost"})
    assert block["Location"] == "/en/selfservice/blocked/"
    page = client.get("/en/selfservice/blocked/").content.decode()
    assert "when you are logged in with MitID" not in page
    assert "The chip was your only way to log in with MitID." in page
    ways = page.split('data-testid="ways-after-block"', 1)[1].split("</ul>", 1)[0]
    assert 'href="/en/selfservice/order/"' in ways and "NemID" in ways
    assert "Borgerservice" in ways and 'href="/en/help/"' in ways
    assert "Log in with another authenticator" not in page, "there is none"


def test_blocking_one_of_two_apps_still_points_to_the_overview(
    logged_in: Callable[..., Client], karen: Identity
) -> None:
    phone = AppDeviceFactory(identity=karen, name="Karen's iPhone")
    tablet = AppDeviceFactory(identity=karen, name="Karen's iPad")
    client = logged_in(karen, tablet)
    client.post(f"/en/selfservice/authenticators/app/{phone.pk}/block/", {"reason": "lost"})
    page = client.get("/en/selfservice/blocked/").content.decode()
    assert "add it from your MitID overview" in page
    assert 'data-testid="ways-after-block"' not in page


def test_you_already_have_mitid_points_to_blocking_in_self_service(
    nemid_client: Callable[..., Client],
) -> None:
    IdentityFactory(cpr="1505831235", user_id="J()nas Jen5en", status=Identity.Status.ACTIVE)
    html = nemid_client().get("/en/enrollment/").content.decode()
    assert "You already have MitID" in html
    # Their MitID first (most come here just after activating), a lost device second.
    first, lost = html.split("Lost your phone or code device?")
    assert 'class="button button-primary" href="/en/selfservice/"' in first
    assert "Go to your MitID" in first
    assert 'class="button button-secondary" href="/en/selfservice/"' in lost
    assert "Block it in MitID self-service" in lost
    assert "33 98 00 10" in html


def test_you_already_have_mitid_with_every_authenticator_blocked_offers_a_new_one(
    nemid_client: Callable[..., Client],
) -> None:
    """Karen blocked her only code device, then came to get MitID with NemID: she was told her
    MitID was active and sent to self-service, which needs the MitID login she cannot do (a
    walk in Danish, phone). Now the page says none works and offers what does."""
    karen = IdentityFactory(cpr="1505831235", user_id="Karen H", status=Identity.Status.ACTIVE)
    AppDeviceFactory(identity=karen, status="blocked")
    html = nemid_client().get("/en/enrollment/").content.decode()
    assert "You already have MitID" in html
    assert "none of its authenticators works now" in html
    ways = html.split('data-testid="ways-without-mitid"')[1]
    assert 'href="/en/selfservice/order/"' in ways and 'href="/en/get-mitid/#passport"' in ways
    assert "Go to your MitID" not in html and "Block it in MitID self-service" not in html
    kl = nemid_client().get("/kl/enrollment/").content.decode()
    assert "none of its authenticators" not in kl


def test_the_overview_shows_the_newest_uses_and_the_history_page_has_them_all(
    karen: Identity, kodeviser: CodeDevice, logged_in: Callable[..., Client]
) -> None:
    """A phone's overview stays short; the whole history is a page of its own, 50 a page."""
    from authenticators.models import AuthenticatorEvent

    for n in range(61):
        AuthenticatorEvent.objects.create(
            identity=karen, device=kodeviser.persistent_id, kind="verified", service=f"Bank {n}"
        )
    browser = logged_in(karen, kodeviser)
    overview = browser.get("/en/selfservice/").content.decode()
    assert overview.count('data-label="Service">Bank ') == 10
    assert ">Bank 60<" in overview and ">Bank 50<" not in overview  # the newest
    assert 'href="/en/selfservice/history/">The whole history of use</a>' in overview

    first = browser.get("/en/selfservice/history/").content.decode()
    assert first.count('data-label="Service">Bank ') == 50 and ">Bank 60<" in first
    assert 'href="?page=2">Older</a>' in first and "Newer" not in first
    second = browser.get("/en/selfservice/history/?page=2").content.decode()
    assert second.count('data-label="Service">Bank ') == 11 and ">Bank 0<" in second
    assert "<title>History of use (page 2 of 2)" in second
    assert 'href="?page=1">Newer</a>' in second and "Older<" not in second
    assert browser.get("/en/selfservice/history/?page=x").status_code == 200  # the first
    assert Client().get("/en/selfservice/history/")["Location"].startswith("/en/login/")


def test_the_overview_names_the_device_logged_in_with(
    logged_in: Callable[..., Client], karen: Identity, kodeviser: CodeDevice
) -> None:
    html = logged_in(karen, kodeviser).get("/en/selfservice/").content.decode()
    assert f"You logged in with your {kodeviser.label} on " in html


def test_a_citizen_without_nemid_activates_the_device_she_ordered_logged_in_with_mitid(
    karen: Identity, logged_in: Callable[..., Client]
) -> None:
    """Someone who got MitID with a passport or at Borgerservice has no NemID: the MitID login
    she ordered the device with is the one she activates it with (a walk found the page
    sending her to NemID)."""
    phone = AppDeviceFactory(identity=karen)
    client = logged_in(karen, phone)
    # Logged in, the way back to the overview is there, as on self-service's other pages.
    assert "Back to your MitID" in client.get("/en/selfservice/order/").content.decode()
    client.post("/en/selfservice/order/", {"kind": "kodeviser", "delivery": "post"})
    receipt = client.get("/en/selfservice/order/").content.decode()
    assert "activate it here, logged in with MitID" in receipt
    assert "you log in with NemID" not in receipt
    overview = client.get("/en/selfservice/").content.decode()
    assert "Your MitID code display is ordered." in overview and "(Ordered)" not in overview
    fill_stock(code_displays=1, code_readers=0)
    token = orders.fulfil_order(DeviceOrder.objects.get(identity=karen), handed_out=False)

    page = client.get("/en/authenticators/code-device/activate/")
    assert page.status_code == 200
    assert "You are logged in with MitID." in page.content.decode()
    done = client.post(
        "/en/authenticators/code-device/activate/",
        {
            "password1": "a-long-pass-phrase",
            "password2": "a-long-pass-phrase",
            "serial": token.serial,
            "code": token.current_code(),
        },
    )
    assert done["Location"] == "/en/authenticators/code-device/activated/"
    assert CodeDevice.objects.get(identity=karen).status == "active"


def test_someone_without_an_address_is_told_by_post_will_not_do_before_ordering(
    logged_in: Callable[..., Client],
) -> None:
    """A person with a P-code has no address in the CPR register (a walk learnt it only from
    the refusal after sending the order)."""
    ana = IdentityFactory(cpr="P10293847", user_id="Ana L")
    client = logged_in(ana, AppDeviceFactory(identity=ana))
    page = client.get("/en/selfservice/order/").content.decode()
    assert "We have no address for you in the CPR register. Choose pick-up instead." in page


def test_how_the_app_logs_in_on_a_computer_is_said_only_to_someone_with_the_app(
    karen: Identity, kodeviser: CodeDevice, logged_in: Callable[..., Client]
) -> None:
    """A walk found Karen, who has only a code display, told she scans the QR code."""
    client = logged_in(karen, kodeviser)
    assert (
        "Logging in with the app on a computer"
        not in client.get("/en/selfservice/").content.decode()
    )
    AppDeviceFactory(identity=karen)
    page = client.get("/en/selfservice/").content.decode()
    assert "Logging in with the app on a computer" in page and "You scan the QR code" in page
