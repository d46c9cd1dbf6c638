"""The way back to a party is the login's own last request: the answer that logs the citizen in
is the redirect to the party with its code, unless a page must come first."""

from typing import Any

import pytest
from django.contrib.auth.signals import user_logged_in
from django.contrib.sessions.models import Session
from django.core import signing
from django.test import Client

from authenticators import lifecycle
from authenticators.models import AppDevice, AppLogin, CodeDevice, Identity
from login import app_logins, session
from mitid_portal.sessions import _IN_BROWSER_SALT as IN_BROWSER_SALT
from mitid_portal.sessions import SessionStore, in_browser
from relying_parties import attempts, services
from relying_parties.validators import MitIDValidator
from tests.factories import AppDeviceFactory, active_code_device
from tests.logins import log_in_with_mitid
from tests.plans import plans_of

from .conftest import REDIRECT_URI, Party, approve_in_app
from .helpers import (
    LOA,
    exchange,
    id_token_claims,
    login_page_for_party,
    query_of,
    start,
    type_user_id,
)

pytestmark = pytest.mark.django_db


def approved_in_app(client: Client, phone: AppDevice, party: Party, **params: str) -> str:
    """A party's login, its user-ID typed and approved in the app; the attempt's reference."""
    reference = start(client, party, **params)
    type_user_id(client, reference, "J()nas Jen5en")
    approve_in_app(phone)
    return reference


def code_device_typed(client: Client, party: Party) -> CodeDevice:
    """Karen's code device, her user-ID typed for the party's login; the device."""
    identity = Identity.objects.create(
        cpr="0101801111", user_id="Karen K", user_id_key="karen k", status="active"
    )
    device = active_code_device(identity)
    type_user_id(client, start(client, party), "Karen K")
    return device


def test_the_app_login_answers_with_the_redirect_to_the_party(
    client: Client, party: Party, jonas_phone: AppDevice
) -> None:
    reference = approved_in_app(client, jonas_phone, party, acr_values=f"{LOA}Substantial")
    response = client.get("/en/login/app/")
    assert response.status_code == 302
    answer = query_of(response["Location"])
    assert set(answer) == {"code", "state", "iss"} and answer["state"] == "s-1"
    # The portal's login for the party ends with the way back (relying_parties.attempts.end).
    assert "mitid_login" not in client.session and "_auth_user_id" not in client.session
    status, tokens = exchange(client, party, answer["code"])
    assert status == 200
    claims = id_token_claims(tokens["id_token"])
    assert claims["acr"] == f"{LOA}Substantial" and claims["amr"] == ["app"]
    # The attempt is over: coming back to its page finds nothing to continue.
    assert client.get(f"/en/relying-parties/{reference}/continue/").status_code == 400


def test_a_login_that_goes_straight_back_is_never_a_login_to_the_portal(
    client: Client, party: Party, cpr_party: Party, jonas_phone: AppDevice
) -> None:
    """The way back ends the party's login, so that login is not kept in the session first
    (Django's login and logout, for nothing: `login.views.finish`); one with a page first
    (consent to the CPR number) is kept for that page, as before."""
    signed_in: list[Any] = []

    def heard(sender: Any, user: Any, **kwargs: Any) -> None:
        signed_in.append(user)

    user_logged_in.connect(heard)
    try:
        approved_in_app(client, jonas_phone, party)
        assert "code" in query_of(client.get("/en/login/app/")["Location"])
        assert signed_in == []
        browser = Client()
        reference = approved_in_app(browser, jonas_phone, cpr_party, scope="openid cpr")
        continued = browser.get("/en/login/app/")["Location"]
        assert continued == f"/en/relying-parties/{reference}/continue/"
        assert signed_in == [jonas_phone.user]  # kept for the consent page
    finally:
        user_logged_in.disconnect(heard)


def test_the_portals_own_login_stays_through_a_partys_login_that_goes_straight_back(
    client: Client, party: Party, cpr_party: Party, jonas_phone: AppDevice
) -> None:
    """Logged in to the self-service, the citizen logs in to a bank in another tab of the same
    browser: the bank gets its code, and the self-service is still open. A party's login that
    keeps a page first (consent) takes the place of the portal's own, and ends with it."""
    log_in_with_mitid(client, jonas_phone.identity, jonas_phone, method="app")
    assert client.get("/en/selfservice/").status_code == 200
    approved_in_app(client, jonas_phone, party)
    assert "code" in query_of(client.get("/en/login/app/")["Location"])
    assert client.get("/en/selfservice/").status_code == 200  # still logged in
    assert attempts.KEY not in client.session or not client.session[attempts.KEY]
    assert session.BEHALF_KEY not in client.session and session.PENDING_KEY not in client.session
    reference = approved_in_app(client, jonas_phone, cpr_party, scope="openid cpr")
    assert client.get("/en/login/app/")["Location"].endswith(f"/{reference}/continue/")
    consent = client.get(client.get(f"/en/relying-parties/{reference}/continue/")["Location"])
    assert "Give your data to Skat?" in consent.content.decode()
    client.post(f"/en/relying-parties/{reference}/consent/", {"answer": "give"})
    assert client.get("/en/selfservice/").status_code == 302  # the session ended with it


def test_anothers_self_service_ends_with_a_partys_login_that_goes_straight_back(
    client: Client, party: Party, jonas_phone: AppDevice, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Karen's self-service open in the browser, Jonas logs in to a bank there: her login ends
    (as his own login to the portal would end it), and oauthlib is told it is Jonas's code,
    not Karen's, though his login is never kept in the session."""
    karen = Identity.objects.create(
        cpr="0101801111", user_id="Karen K", user_id_key="karen k", status="active"
    )
    log_in_with_mitid(client, karen, active_code_device(karen))
    assert client.get("/en/selfservice/").status_code == 200
    told: list[Any] = []
    save_authorization_code = MitIDValidator.save_authorization_code

    def spy(validator: MitIDValidator, *args: Any, **kwargs: Any) -> None:
        told.append(args[2].user)  # (client_id, code, request)
        save_authorization_code(validator, *args, **kwargs)

    monkeypatch.setattr(MitIDValidator, "save_authorization_code", spy)
    approved_in_app(client, jonas_phone, party)
    assert "code" in query_of(client.get("/en/login/app/")["Location"])
    assert told == [jonas_phone.user]
    assert client.get("/en/selfservice/").status_code == 302  # Karen's login is over


def test_htmx_is_told_to_go_to_the_party(
    client: Client, party: Party, jonas_phone: AppDevice
) -> None:
    approved_in_app(client, jonas_phone, party)
    response = client.get("/en/login/app/", headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert "code" in query_of(response["HX-Redirect"])


def test_the_code_device_login_answers_with_the_redirect_to_the_party(
    client: Client, party: Party
) -> None:
    device = code_device_typed(client, party)
    response = client.post(
        "/en/login/code-device/",
        {"password": "Karens kodeord 7", "code": device.token.current_code()},
    )
    assert response.status_code == 302
    status, tokens = exchange(client, party, query_of(response["Location"])["code"])
    assert status == 200
    assert id_token_claims(tokens["id_token"])["amr"] == ["code_device"]


def test_consent_to_the_cpr_number_is_still_asked_first(
    client: Client, cpr_party: Party, jonas_phone: AppDevice
) -> None:
    reference = approved_in_app(client, jonas_phone, cpr_party, scope="openid cpr")
    response = client.get("/en/login/app/")
    assert response["Location"] == f"/en/relying-parties/{reference}/continue/"
    consent = client.get(client.get(response["Location"])["Location"])
    assert "Give your data to Skat?" in consent.content.decode()
    assert "portal-logout" not in consent.content.decode()  # the party's page, no portal account
    # Given: the code goes to the party, and the portal's login made for it ends.
    given = client.post(f"/en/relying-parties/{reference}/consent/", {"answer": "give"})
    back = client.get(given["Location"])
    assert back["Location"].startswith(REDIRECT_URI) and "code=" in back["Location"]
    assert "_auth_user_id" not in client.session


def test_a_consent_page_left_open_opens_none_of_the_portals_own_pages(
    client: Client, cpr_party: Party, jonas_phone: AppDevice
) -> None:
    """The login made for a party counts for that party's pages only: walking away from its
    consent page on a shared computer leaves no self-service open behind it."""
    reference = approved_in_app(client, jonas_phone, cpr_party, scope="openid cpr")
    client.get("/en/login/app/")
    consent = f"/en/relying-parties/{reference}/consent/"
    page = client.get(consent)
    assert page.status_code == 200
    # It still warns before the session runs out (WCAG 2.2.1), as any page of a login does.
    assert 'id="session-warning"' in page.content.decode()
    overview = client.get("/en/selfservice/")
    assert overview.status_code == 302 and overview["Location"].startswith("/en/login/")
    # Nor does the login page take the browser for logged in: it asks for a user-ID.
    assert client.get("/en/login/").status_code == 200
    # The party's page still knows its login, and consent still ends at the party.
    given = client.post(consent, {"answer": "give"})
    assert client.get(given["Location"])["Location"].startswith(REDIRECT_URI)


def test_a_level_too_low_still_shows_its_page(
    client: Client, party: Party, jonas_phone: AppDevice
) -> None:
    reference = approved_in_app(client, jonas_phone, party, acr_values=f"{LOA}High")
    response = client.get("/en/login/app/")
    assert response["Location"] == f"/en/relying-parties/{reference}/continue/"
    page = client.get(response["Location"])
    assert page.status_code == 403 and "Borgerservice" in page.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_mitid_at_high_with_a_device_below_is_not_sent_to_borgerservice(
    client: Client, party: Party, jonas_phone: AppDevice
) -> None:
    """Borgerservice raised the MitID already; the app logged in with was added later, at
    Substantial: another authenticator, not another visit, is what helps (a walk was told to
    bring the passport it had just shown)."""
    Identity.objects.filter(pk=jonas_phone.identity_id).update(level="high")
    reference = approved_in_app(client, jonas_phone, party, acr_values=f"{LOA}High")
    page = client.get(client.get("/en/login/app/")["Location"]).content.decode()
    assert "the authenticator you logged in with is not" in page
    assert "bring your passport" not in page
    assert reference


def test_the_address_of_the_login_request_asks_oauthlib_nothing(
    client: Client, party: Party, jonas_phone: AppDevice
) -> None:
    """Only the authorization request, as checked, makes the code: parameters on the login
    page's address (another response mode, a resource, another state) are not read."""
    approved_in_app(client, jonas_phone, party)
    response = client.get(
        "/en/login/app/?response_mode=fragment&state=other&resource=https://evil.example/"
    )
    location = response["Location"]
    assert "#" not in location
    answer = query_of(location)
    assert answer["state"] == "s-1"
    status, tokens = exchange(client, party, answer["code"])
    assert status == 200
    bearer = {"Authorization": f"Bearer {tokens['access_token']}"}
    assert Client().get("/oidc/userinfo/", headers=bearer).status_code == 200


def test_the_body_of_the_login_request_asks_oauthlib_nothing_either(
    client: Client, party: Party
) -> None:
    """The code device's login finishes with a POST: its form's fields (the password among
    them, and whatever else is posted) do not reach oauthlib."""
    device = code_device_typed(client, party)
    response = client.post(
        "/en/login/code-device/",
        {
            "password": "Karens kodeord 7",
            "code": device.token.current_code(),
            "response_mode": "fragment",
            "state": "other",
        },
    )
    location = response["Location"]
    assert "#" not in location
    assert query_of(location)["state"] == "s-1"


def test_oauthlib_is_given_neither_the_address_nor_the_body_of_the_login_request(
    rf: Any,
) -> None:
    from relying_parties.views import AttemptOnlyCore

    request = rf.post("/en/login/code-device/?state=other", {"password": "Karens kodeord 7"})
    uri, _method, body, _headers = AttemptOnlyCore()._extract_params(request)
    assert (uri, body) == ("/en/login/code-device/", "")


def form_action(response: Any) -> list[str]:
    policy = response["Content-Security-Policy"]
    directive = next(part for part in policy.split(";") if part.strip().startswith("form-action"))
    return directive.split()[1:]


def test_the_login_pages_forms_may_end_at_the_party(
    client: Client, party: Party, cpr_party: Party, jonas_phone: AppDevice
) -> None:
    """Browsers hold the redirects after a form to its page's form-action: a party's login
    pages, and the consent page, name the party's origin there, and only the party's."""
    identity = Identity.objects.create(
        cpr="0101801111", user_id="Karen K", user_id_key="karen k", status="active"
    )
    active_code_device(identity)
    reference = start(client, party)
    assert form_action(type_user_id(client, reference, "Karen K")) == [
        "'self'",
        "https://bank.example",
    ]
    assert form_action(client.get("/en/login/code-device/")) == ["'self'", "https://bank.example"]
    assert form_action(Client().get("/en/login/")) == ["'self'"]  # nobody else's login

    browser = Client()
    reference = approved_in_app(browser, jonas_phone, cpr_party, scope="openid cpr")
    onwards = browser.get(browser.get("/en/login/app/")["Location"])
    consent = browser.get(onwards["Location"])
    assert "Give your data to Skat?" in consent.content.decode()
    assert form_action(consent) == ["'self'", "https://bank.example"]


def ended_at_the_party(
    client: Client, phone: AppDevice, party: Party, ending: str, **params: str
) -> str:
    """A party's login approved in the app, then ended: logged in, or cancelled."""
    reference = approved_in_app(client, phone, party, **params)
    ended = (
        client.get("/en/login/app/")
        if ending == "logged in"
        else client.get(f"/en/relying-parties/{reference}/back/")
    )
    assert ended["Location"].startswith(REDIRECT_URI)
    return reference


@pytest.mark.parametrize("ending", ["logged in", "cancelled"])
def test_back_to_a_partys_login_that_is_over_says_so(
    client: Client, party: Party, jonas_phone: AppDevice, ending: str
) -> None:
    """The browser's Back to the login page of a party's login that is over: the page says
    the login is over, and is the portal's own login, not the party's passed off as it."""
    reference = ended_at_the_party(client, jonas_phone, party, ending)
    back = client.get(f"/en/login/?for={reference}")
    assert back.status_code == 302 and back["Location"] == "/en/login/"
    page = client.get(back["Location"]).content.decode()
    assert "The login for the service you came from is over." in page
    assert "Nordbank" not in page and f'value="{reference}"' not in page


@pytest.mark.parametrize("ending", ["logged in", "cancelled"])
def test_the_first_back_from_the_party_says_its_login_is_over_once(
    client: Client, party: Party, jonas_phone: AppDevice, ending: str
) -> None:
    """The app page gave itself the login's address: the first Back from the party lands on
    the portal's login pages, not on the party's link (a Danish walk read "Log on" with the
    bank's name gone, and only a second Back said the bank's login was over)."""
    ended_at_the_party(client, jonas_phone, party, ending)
    back = client.get("/en/login/app/")  # the address the app page gave itself
    assert back.status_code == 302 and back["Location"] == "/en/login/"
    page = client.get(back["Location"]).content.decode()
    assert "The login for the service you came from is over." in page
    assert "Type your user-ID to log in." not in page, "one message, not two"
    again = client.get("/en/login/app/", follow=True).content.decode()
    assert "The login for the service you came from is over." not in again, "said once"


@pytest.mark.parametrize("ending", ["logged in", "cancelled"])
def test_the_first_back_from_a_partys_transaction_says_its_approval_is_over(
    client: Client, party: Party, jonas_phone: AppDevice, ending: str
) -> None:
    """A transfer approved or cancelled is no login (a walk read "the login ... is over")."""
    details = '[{"type": "mitid_approval", "text": "Betal 200 kr."}]'
    ended_at_the_party(client, jonas_phone, party, ending, authorization_details=details)
    page = client.get("/en/login/app/", follow=True).content.decode()
    assert "The approval for the service you came from is over." in page
    assert "The login for the service you came from is over." not in page


def test_the_portals_own_login_just_after_a_partys_is_not_told_the_party_login_is_over(
    client: Client, party: Party, jonas_phone: AppDevice
) -> None:
    """Logged in at the bank, then to MitID self-service at once: a login of its own."""
    approved_in_app(client, jonas_phone, party)
    assert client.get("/en/login/app/")["Location"].startswith(REDIRECT_URI)
    page = client.get("/en/login/?next=/en/selfservice/").content.decode()
    assert "The login for the service you came from is over." not in page
    # Its own login begins: a Back after it, past its end, is no longer the party's.
    assert client.cookies["mitid_way_back_taken"].value == "1"
    client.post("/en/login/", {"user_id": "J()nas Jen5en", "next": "/en/selfservice/"})
    assert client.cookies["mitid_way_back_taken"].value == ""


def test_a_user_id_sent_for_a_partys_login_that_is_over_says_so_and_is_kept(
    client: Client, party: Party, jonas_phone: AppDevice
) -> None:
    """The party's user-ID page left open while its login ended (cancelled in another tab):
    the user-ID sent from it starts no login of the portal's own, silently, in its place."""
    reference = start(client, party)
    client.get(f"/en/relying-parties/{reference}/back/")  # cancelled
    sent = client.post("/en/login/", {"user_id": "J()nas Jen5en", "for": reference})
    assert sent.status_code == 302 and sent["Location"] == "/en/login/"
    page = client.get(sent["Location"]).content.decode()
    assert "The login for the service you came from is over." in page
    assert 'value="J()nas Jen5en"' in page
    assert "mitid_login_pending" not in client.session  # no login started


def test_a_partys_login_text_follows_the_page_and_a_transaction_text_stays(
    client: Client, party: Party, jonas_phone: AppDevice
) -> None:
    """The app's text of a party's login is the login pages' own, in their language; the
    text of a transaction is the party's, whatever the language."""
    from authenticators.models import AppLogin

    type_user_id(client, start(client, party, ui_locales="da"), "J()nas Jen5en")
    client.get("/da/login/app/")
    assert AppLogin.objects.get(status="waiting").text == "Log på"
    client.get("/en/login/app/")
    assert AppLogin.objects.get(status="waiting").text == "Log in"
    details = '[{"type": "mitid_approval", "text": "Betal 200 kr."}]'
    type_user_id(client, start(client, party, authorization_details=details), "J()nas Jen5en")
    client.get("/da/login/app/")
    client.get("/en/login/app/")
    assert AppLogin.objects.get(status="waiting").text == "Betal 200 kr."


def test_back_to_a_partys_open_login_after_the_portals_own_login_page(
    client: Client, party: Party
) -> None:
    """The citizen left the party's login for the portal's own login page (which forgets the
    party's) and comes back to the party's login while it is open: it is the party's again."""
    reference = start(client, party)
    client.get("/en/login/")  # the portal's own login page: the party's login is forgotten
    again = client.get(f"/en/relying-parties/{reference}/continue/")
    assert login_page_for_party(again) == reference  # the page itself, at its own address
    page = again.content.decode()
    assert f'data-page-path="/en/login/?for={reference}"' in page
    assert "Nordbank" in page and "is over" not in page
    assert "Log in with MitID to continue." in page


def test_a_blocked_mitid_ends_what_the_partys_token_can_read(
    client: Client, party: Party, jonas_phone: AppDevice
) -> None:
    """Blocking the whole MitID (a stolen phone) ends every party's access at once, not when
    the token runs out."""
    approved_in_app(client, jonas_phone, party, scope="openid profile")
    code = query_of(client.get("/en/login/app/")["Location"])["code"]
    _status, tokens = exchange(client, party, code)
    bearer = {"Authorization": f"Bearer {tokens['access_token']}"}
    assert Client().get("/oidc/userinfo/", headers=bearer).status_code == 200
    lifecycle.block_identity(jonas_phone.identity, reason="lost", by=None)
    refused = Client().get("/oidc/userinfo/", headers=bearer)
    assert refused.status_code == 401 and "invalid_token" in refused["WWW-Authenticate"]


def test_a_code_given_just_before_the_mitid_was_blocked_gets_no_tokens(
    client: Client, party: Party, jonas_phone: AppDevice
) -> None:
    approved_in_app(client, jonas_phone, party)
    code = query_of(client.get("/en/login/app/")["Location"])["code"]
    lifecycle.block_identity(jonas_phone.identity, reason="lost", by=None)
    status, answer = exchange(client, party, code)
    assert (status, answer["error"]) == (400, "invalid_grant")


@pytest.mark.parametrize("end", [lifecycle.block_device, lifecycle.revoke_device])
def test_a_code_given_just_before_its_phone_was_blocked_gets_no_tokens(
    client: Client, party: Party, jonas_phone: AppDevice, end: Any
) -> None:
    """A stolen phone reported in the minute between the login and the party's token
    request: the party gets no ID token for a login made with it (a probe got one)."""
    approved_in_app(client, jonas_phone, party)
    code = query_of(client.get("/en/login/app/")["Location"])["code"]
    end(jonas_phone, reason="lost", by=None)
    status, answer = exchange(client, party, code)
    assert (status, answer["error"]) == (400, "invalid_grant")


def test_a_code_of_another_device_is_not_ended_by_a_block(
    client: Client, party: Party, jonas_phone: AppDevice
) -> None:
    approved_in_app(client, jonas_phone, party)
    code = query_of(client.get("/en/login/app/")["Location"])["code"]
    other = AppDeviceFactory(identity=jonas_phone.identity)
    lifecycle.block_device(other, reason="lost", by=None)
    status, _answer = exchange(client, party, code)
    assert status == 200


def test_the_codes_a_block_ends_are_found_by_their_index(jonas_phone: AppDevice) -> None:
    """Every party login is kept; blocking a phone must not read them all to find its few
    codes not yet swapped."""
    plans = plans_of(lambda: services.end_codes_of_device(None, device=jonas_phone))
    assert "party_login_open_code_device" in plans


def test_blocking_the_phone_a_party_login_was_made_with_ends_its_token(
    client: Client, party: Party, jonas_phone: AppDevice
) -> None:
    """A stolen phone blocked ("I have lost it"): what parties' tokens of its logins read
    ends at once, though the MitID itself stays in use."""
    approved_in_app(client, jonas_phone, party, scope="openid profile")
    code = query_of(client.get("/en/login/app/")["Location"])["code"]
    _status, tokens = exchange(client, party, code)
    bearer = {"Authorization": f"Bearer {tokens['access_token']}"}
    assert Client().get("/oidc/userinfo/", headers=bearer).status_code == 200
    lifecycle.block_device(jonas_phone, reason="lost", by=None)
    assert Client().get("/oidc/userinfo/", headers=bearer).status_code == 401


def test_the_level_page_stays_through_a_reload_and_the_language_buttons(
    client: Client, party: Party, jonas_phone: AppDevice
) -> None:
    """The citizen is logged out as the level's page is shown; its address again (a reload,
    "Dansk") brought the login page instead, and the advice was gone (a walk, da and en)."""
    reference = approved_in_app(client, jonas_phone, party, acr_values=f"{LOA}High")
    first = client.get(client.get("/en/login/app/")["Location"])
    assert first.status_code == 403 and "bring your passport" in first.content.decode()
    again = client.get(f"/da/relying-parties/{reference}/continue/")
    page = again.content.decode()
    assert again.status_code == 403 and "Borgerservice" in page and '<html lang="da">' in page
    assert 'name="user_id"' not in page
    assert 'data-testid="log-in-again"' not in page  # High is raised at Borgerservice
    assert "_auth_user_id" not in client.session
    answer = query_of(client.get(f"/en/relying-parties/{reference}/back/")["Location"])
    assert answer["error"] == "unmet_authentication_requirements"


def test_a_login_below_the_level_with_another_authenticator_at_it_may_log_in_again(
    client: Client, party: Party, jonas_phone: AppDevice
) -> None:
    """The MitID is at High and only the app is not: "Log in again" brings the login pages
    back, where another authenticator can reach the level; going back from them is the
    citizen's own "no" (`access_denied`), not the level of the login left behind."""
    Identity.objects.filter(pk=jonas_phone.identity_id).update(level="high")
    reference = approved_in_app(client, jonas_phone, party, acr_values=f"{LOA}High")
    page = client.get(client.get("/en/login/app/")["Location"]).content.decode()
    assert "the authenticator you logged in with is not" in page
    assert f'href="/en/relying-parties/{reference}/continue/?again=1"' in page
    login = client.get(f"/en/relying-parties/{reference}/continue/?again=1")
    assert login.status_code == 200 and 'name="user_id"' in login.content.decode()
    answer = query_of(client.get(f"/en/relying-parties/{reference}/back/")["Location"])
    assert answer["error"] == "access_denied"


def test_a_party_login_whose_app_is_blocked_in_self_service_in_another_tab_says_so(
    client: Client, party: Party, jonas_phone: AppDevice
) -> None:
    """Logged in to MitID.dk with the app in one tab, the citizen logs in to a bank in
    another, scans its QR code, then blocks the app ("I have lost it") in the first tab, which
    logs that tab out: the bank's page lost its login with the session and said "Type your
    user-ID to log in" on the portal's own login page, with no word of the block nor a way
    back to the bank (a walk). It says what the portal's own login says, with the bank's
    Cancel, which tells the bank `access_denied`."""
    log_in_with_mitid(client, jonas_phone.identity, jonas_phone, method="app")
    reference = start(client, party)
    type_user_id(client, reference, "J()nas Jen5en")
    client.get("/en/login/app/")
    login = AppLogin.objects.get(status="waiting")
    app_logins.scan(signer=jonas_phone, frame_text=app_logins.frame(login))
    blocked = client.post(
        f"/en/selfservice/authenticators/app/{jonas_phone.pk}/block/", {"reason": "lost"}
    )
    assert blocked["Location"] == "/en/selfservice/blocked/"
    assert "You are logged out" in client.get(blocked["Location"]).content.decode()
    jonas_phone.refresh_from_db()
    app_logins.refuse_blocked_app(device=jonas_phone, token=str(login.token))

    page = client.get("/en/login/app/").content.decode()
    assert "The MitID app that scanned the code is blocked, so nobody is logged in" in page
    assert "Nordbank" in page and f"/en/relying-parties/{reference}/back/" in page
    answer = query_of(client.get(f"/en/relying-parties/{reference}/back/")["Location"])
    assert answer["error"] == "access_denied"
    assert client.get("/en/selfservice/").status_code == 302  # still logged out


def test_what_a_login_below_the_level_proved_is_kept_in_a_row_not_in_the_cookie(
    client: Client, party: Party, jonas_phone: AppDevice
) -> None:
    """After a login below the level asked, the attempt holds the level reached and whether
    the MitID itself is at the level asked: a signed cookie is readable by whoever holds it,
    so that session is a row (a review read it out of the cookie with base64 and zlib)."""
    Identity.objects.filter(pk=jonas_phone.identity_id).update(level="high")
    reference = approved_in_app(client, jonas_phone, party, acr_values=f"{LOA}High")
    page = client.get(client.get("/en/login/app/")["Location"])
    assert page.status_code == 403
    key = client.cookies["sessionid"].value
    assert not in_browser(key) and Session.objects.filter(pk=key).exists()
    assert SessionStore(key)[attempts.KEY][reference]["achieved"] == "substantial"


def test_an_attempt_altered_since_it_was_checked_is_refused_on_our_page_not_redirected(
    client: Client, party: Party, jonas_phone: AppDevice, settings: Any
) -> None:
    """Only with the secret key could an attempt be altered (a cookie signed anew): oauthlib
    refuses its address when the code is issued, and the refusal is said here, not sent on
    to that address as a redirect (a review's defence in depth)."""
    reference = start(client, party)
    data = signing.loads(client.cookies["sessionid"].value, salt=IN_BROWSER_SALT)
    data[attempts.KEY][reference]["credentials"]["redirect_uri"] = "https://evil.example/cb"
    client.cookies["sessionid"] = signing.dumps(data, salt=IN_BROWSER_SALT, compress=True)
    type_user_id(client, reference, "J()nas Jen5en")
    approve_in_app(jonas_phone)
    answer = client.get("/en/login/app/")
    assert answer.status_code == 400
    assert "evil.example" not in answer.get("Location", "")
