"""Userinfo, logout and discovery, where django-oauth-toolkit's own views were told more:
a token only where logs do not keep it, a logout that reaches the asking party's tokens only,
and a discovery document that offers what is served."""

from urllib.parse import parse_qsl, urlencode, urlsplit

import pytest
from django.test import Client
from oauth2_provider.models import AccessToken

from authenticators.models import AppDevice
from relying_parties import parameters, services

from .conftest import LOGGED_OUT_URI, REDIRECT_URI, Party
from .helpers import (
    VERIFIER,
    authorize_url,
    basic,
    exchange,
    log_in_with_app,
    query_of,
    start,
)

pytestmark = pytest.mark.django_db


def tokens_for(party: Party, phone: AppDevice) -> dict[str, str]:
    code = query_of(log_in_with_app(Client(), party, phone))["code"]
    status, tokens = exchange(Client(), party, code)
    assert status == 200
    return tokens


def userinfo(access_token: str) -> int:
    response = Client().get("/oidc/userinfo/", headers={"Authorization": f"Bearer {access_token}"})
    return response.status_code


def test_userinfo_answers_a_post_as_a_party_sends_it_without_a_csrf_token(
    party: Party, jonas_phone: AppDevice
) -> None:
    """OpenID Connect Core 5.3.1: GET and POST; a party's server has no CSRF token."""
    token = tokens_for(party, jonas_phone)["access_token"]
    server = Client(enforce_csrf_checks=True)
    in_body = server.post("/oidc/userinfo/", {"access_token": token})
    assert in_body.status_code == 200 and in_body.json()["given_name"] == "Jonas"
    in_header = server.post("/oidc/userinfo/", headers={"Authorization": f"Bearer {token}"})
    assert in_header.status_code == 200


def test_userinfo_takes_the_token_in_the_header_not_the_address_and_is_never_stored(
    party: Party, jonas_phone: AppDevice
) -> None:
    token = tokens_for(party, jonas_phone)["access_token"]
    in_address = Client().get("/oidc/userinfo/", {"access_token": token})
    assert in_address.status_code == 400 and in_address.json()["error"] == "invalid_request"
    assert in_address["WWW-Authenticate"] == 'Bearer error="invalid_request"'
    answer = Client().get("/oidc/userinfo/", headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 200 and answer.json()["given_name"] == "Jonas"
    assert "no-store" in answer["Cache-Control"]


def test_logout_revokes_the_asking_partys_tokens_and_no_other_partys(
    party: Party, cpr_party: Party, jonas_phone: AppDevice
) -> None:
    """Anyone holding one of Jonas's ID tokens (the party it was given to, and whoever it
    leaked to) can log him out of it; not out of every party."""
    at_nordbank = tokens_for(party, jonas_phone)
    at_skat = tokens_for(cpr_party, jonas_phone)
    out = Client().get(
        "/oidc/logout/",
        {"id_token_hint": at_nordbank["id_token"], "post_logout_redirect_uri": LOGGED_OUT_URI},
    )
    assert out.status_code == 302 and out["Location"] == LOGGED_OUT_URI
    assert userinfo(at_nordbank["access_token"]) == 401
    assert userinfo(at_skat["access_token"]) == 200
    assert AccessToken.objects.count() == 1


def test_a_party_may_send_the_logout_as_a_form_post_from_its_own_site(
    party: Party, jonas_phone: AppDevice
) -> None:
    """RP-Initiated Logout 1.0 section 2: GET and POST. A party's form carries no CSRF token
    of ours (a probe's POST got the "form expired" page)."""
    tokens = tokens_for(party, jonas_phone)
    out = Client(enforce_csrf_checks=True).post(
        "/oidc/logout/",
        {
            "id_token_hint": tokens["id_token"],
            "post_logout_redirect_uri": LOGGED_OUT_URI,
            "state": "s",
        },
    )
    assert (out.status_code, out["Location"]) == (302, f"{LOGGED_OUT_URI}?state=s")
    assert userinfo(tokens["access_token"]) == 401


@pytest.mark.parametrize("client_id", ["nobody", "a\x00b"])
def test_logout_for_an_unknown_client_is_a_page_not_a_server_error(client_id: str) -> None:
    response = Client(headers={"Accept-Language": "en"}).get(
        "/oidc/logout/",
        {"client_id": client_id, "post_logout_redirect_uri": "https://evil.example/bye"},
    )
    assert response.status_code == 400 and "Location" not in response
    assert "The service could not log you out" in response.content.decode()


def test_the_logout_page_speaks_the_language_the_party_asked_for() -> None:
    response = Client(headers={"Accept-Language": "da"}).get(
        "/oidc/logout/", {"client_id": "nobody", "ui_locales": "en"}
    )
    assert "The service could not log you out" in response.content.decode()
    assert '<html lang="en">' in response.content.decode()
    assert response["Content-Language"] == "en"  # the header says so too, not Danish


@pytest.mark.parametrize(
    "address", ["HTTPS://bank.example/logged-out", "https://bank.example/logged-out?x=1"]
)
def test_logout_goes_back_to_a_registered_address_character_for_character(
    party: Party, jonas_phone: AppDevice, address: str
) -> None:
    hint = tokens_for(party, jonas_phone)["id_token"]
    response = Client().get(
        "/oidc/logout/", {"id_token_hint": hint, "post_logout_redirect_uri": address}
    )
    assert response.status_code == 400 and "Location" not in response


def test_discovery_offers_what_is_served() -> None:
    meta = Client().get("/.well-known/openid-configuration").json()
    assert meta["id_token_signing_alg_values_supported"] == ["RS256"]
    assert meta["response_modes_supported"] == ["query"]
    assert meta["request_uri_parameter_supported"] is False
    assert meta["response_types_supported"] == ["code"]
    # none answered login_required; consent with the page; every login is a fresh one.
    assert meta["prompt_values_supported"] == ["none", "login", "consent", "select_account"]


def test_a_client_authenticates_one_way_per_token_request(
    party: Party, jonas_phone: AppDevice
) -> None:
    """RFC 6749 section 2.3: Basic credentials and a secret in the body are two ways, and a
    body naming another client than the header is not this client's request."""
    code = query_of(log_in_with_app(Client(), party, jonas_phone))["code"]
    for extra in ({"client_secret": party.client_secret}, {"client_id": "another"}):
        status, body = exchange(Client(), party, code, extra=extra)
        assert (status, body["error"]) == (400, "invalid_request"), body
    status, body = exchange(Client(), party, code, extra={"client_id": party.client_id})
    assert status == 200 and body["id_token"]


def test_a_wrong_secret_sent_in_basic_is_challenged_in_basic(party: Party) -> None:
    """RFC 6749 section 5.2: the challenge names the scheme the client used."""
    party.client_secret = "wrong"
    response = Client().post(
        "/oidc/token/",
        {"grant_type": "authorization_code", "code": "x", "redirect_uri": "https://b.example/"},
        headers={"Authorization": basic(party)},
    )
    assert response.status_code == 401 and response.json()["error"] == "invalid_client"
    assert response["WWW-Authenticate"].startswith("Basic ")
    in_body = Client().post(
        "/oidc/token/",
        {
            "grant_type": "authorization_code",
            "code": "x",
            "redirect_uri": "https://b.example/",
            "client_id": party.client_id,
            "client_secret": "wrong",
        },
    )
    # No scheme was used: the challenge names the one the endpoint takes (RFC 9110: a 401
    # has one), not oauthlib's Bearer, a scheme for resources.
    assert in_body.status_code == 401 and in_body["WWW-Authenticate"].startswith("Basic ")
    garbled = Client().post(
        "/oidc/token/",
        {"grant_type": "authorization_code", "code": "x", "redirect_uri": "https://b.example/"},
        headers={"Authorization": "Basic not-base64!"},
    )
    assert (garbled.status_code, garbled.json()["error"]) == (401, "invalid_client")


def test_a_token_request_django_refuses_before_any_view_is_answered_in_json(
    party: Party, settings
) -> None:
    """More fields than DATA_UPLOAD_MAX_NUMBER_FIELDS: the party's server reads JSON, as for
    any other refusal of the endpoint (RFC 6749 section 5.2), not the citizen's error page."""
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 10
    fields = {f"field{n}": "x" for n in range(20)}
    response = Client().post("/oidc/token/", fields, headers={"Authorization": basic(party)})
    assert response.status_code == 400 and response["Content-Type"] == "application/json"
    assert response.json() == {"error": "invalid_request"}


def form_action(response) -> str:  # type: ignore[no-untyped-def]
    policy = response["Content-Security-Policy"]
    return next(part for part in policy.split(";") if part.strip().startswith("form-action"))


def test_the_logout_page_that_asks_lets_its_form_end_at_the_party(
    party: Party, jonas_phone: AppDevice
) -> None:
    """Without an ID token the citizen is asked; the answer redirects to the party's address,
    which the browser allows only if the page's form-action names it."""
    browser = Client(headers={"Accept-Language": "en"})
    browser.force_login(jonas_phone.identity.ensure_user())  # logged in at MitID.dk itself
    asked = browser.get(
        "/oidc/logout/",
        {"client_id": party.client_id, "post_logout_redirect_uri": LOGGED_OUT_URI, "state": "s"},
    )
    assert asked.status_code == 200 and "Log out of MitID" in asked.content.decode()
    assert "https://bank.example" in form_action(asked)


@pytest.mark.parametrize(
    "extra",
    [{"code": "another"}, {"redirect_uri": "https://evil.example/"}, {"code_verifier": "zzz"}],
)
def test_a_repeated_token_parameter_is_refused(
    party: Party, jonas_phone: AppDevice, extra: dict[str, str]
) -> None:
    """RFC 6749 section 3.2: which code, which address, which verifier?"""
    code = query_of(log_in_with_app(Client(), party, jonas_phone))["code"]
    data = {"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT_URI}
    data["code_verifier"] = VERIFIER
    body = urlencode(data) + "&" + urlencode(extra)
    response = Client().post(
        "/oidc/token/",
        body,
        content_type="application/x-www-form-urlencoded",
        headers={"Authorization": basic(party)},
    )
    assert (response.status_code, response.json()["error"]) == (400, "invalid_request")
    status, _tokens = exchange(Client(), party, code)  # the code is not spent
    assert status == 200


def test_the_redirect_uri_is_required_at_both_ends(
    client: Client, party: Party, jonas_phone: AppDevice
) -> None:
    """OpenID Connect Core 3.1.2.1 and RFC 6749 section 4.1.3; oauthlib would take the one
    registered address in its place."""
    without = client.get(authorize_url(party, redirect_uri=None))
    assert without.status_code == 400 and "Location" not in without
    assert 'data-code="invalid_request"' in without.content.decode()
    code = query_of(log_in_with_app(Client(), party, jonas_phone))["code"]
    response = Client().post(
        "/oidc/token/",
        {"grant_type": "authorization_code", "code": code, "code_verifier": VERIFIER},
        headers={"Authorization": basic(party)},
    )
    assert (response.status_code, response.json()["error"]) == (400, "invalid_request")


def test_a_public_client_goes_back_to_its_registered_http_address_where_http_is_allowed(
    jonas_phone: AppDevice,
) -> None:
    registered = services.register_party(
        name="Pengeapp",
        redirect_uris=["http://127.0.0.1:9999/cb"],
        post_logout_redirect_uris=["http://127.0.0.1:9999/bye"],
        public=True,
    )
    application = registered.party.application
    out = Client().get(
        "/oidc/logout/",
        {
            "client_id": application.client_id,
            "post_logout_redirect_uri": "http://127.0.0.1:9999/bye",
        },
    )
    assert out.status_code == 302 and out["Location"] == "http://127.0.0.1:9999/bye"


def test_a_party_may_post_the_authorization_request_from_its_own_page(
    party: Party, jonas_phone: AppDevice
) -> None:
    """OpenID Connect Core 3.1.2.1: GET and POST. The form is on the party's site, with no
    CSRF token of ours; it is answered as the link it stands for (303 to the same request as a
    GET), so that it is checked from one source and the browser brings its session cookie."""
    browser = Client(enforce_csrf_checks=True)
    query = dict(parse_qsl(urlsplit(authorize_url(party)).query))
    sent = browser.post("/oidc/authorize/", query)
    assert sent.status_code == 303
    assert dict(parse_qsl(urlsplit(sent["Location"]).query)) == query
    reference = start(browser, party)
    assert reference
    both = browser.post("/oidc/authorize/?prompt=none", query)
    assert both.status_code == 400 and 'data-code="invalid_request"' in both.content.decode()


def test_revocation_authenticates_the_client_as_the_token_endpoint_does(
    party: Party, jonas_phone: AppDevice
) -> None:
    tokens = tokens_for(party, jonas_phone)
    server = Client(enforce_csrf_checks=True)
    two_ways = server.post(
        "/oidc/revoke/",
        {"token": tokens["access_token"], "client_secret": party.client_secret},
        headers={"Authorization": basic(party)},
    )
    assert (two_ways.status_code, two_ways.json()["error"]) == (400, "invalid_request")
    assert userinfo(tokens["access_token"]) == 200
    revoked = server.post(
        "/oidc/revoke/", {"token": tokens["access_token"]}, headers={"Authorization": basic(party)}
    )
    assert revoked.status_code == 200 and userinfo(tokens["access_token"]) == 401
    party.client_secret = "wrong"
    refused = server.post("/oidc/revoke/", {"token": "x"}, headers={"Authorization": basic(party)})
    assert refused.status_code == 401 and refused["WWW-Authenticate"].startswith("Basic ")


def test_a_party_cannot_revoke_another_partys_token(
    party: Party, cpr_party: Party, jonas_phone: AppDevice
) -> None:
    """RFC 7009 section 2.1: the token must have been issued to the client asking. The answer
    is the one for an unknown token (200), which tells the other party nothing of it."""
    tokens = tokens_for(party, jonas_phone)
    answer = Client().post(
        "/oidc/revoke/",
        {"token": tokens["access_token"]},
        headers={"Authorization": basic(cpr_party)},
    )
    assert answer.status_code == 200
    assert userinfo(tokens["access_token"]) == 200


def test_a_native_apps_loopback_address_may_take_any_port_and_nothing_else(
    client: Client,
) -> None:
    """RFC 8252 section 7.3: the system gives a native app its port."""
    registered = services.register_party(
        name="Pengeapp", redirect_uris=["http://127.0.0.1:9999/cb"], public=True
    )
    party = Party(registered.client_id, "", registered)
    for address, taken in [
        ("http://127.0.0.1:51234/cb", True),
        ("http://127.0.0.1:51234/other", False),
        ("HTTP://127.0.0.1:51234/cb", False),
        ("http://127.0.0.1.evil.example:51234/cb", False),
        ("http://127.0.0.1:80@evil.example/cb", False),
        ("http://127.0.0.1:port/cb", False),
        ("http://[::1]:51234/cb", False),  # another loopback address than the one registered
        ("http://127.0.0.1:0/cb", False),  # no port to listen on
    ]:
        response = client.get(authorize_url(party, redirect_uri=address))
        # Taken: the login's user-ID page; else the refusal's page (never a redirect to it).
        assert (response.status_code == 200) == taken, (address, response.status_code)
        # The portal's own check, whatever oauthlib would say after it.
        registered = "http://127.0.0.1:9999/cb"
        assert parameters.registered_address(address, registered, any_loopback_port=True) == taken


def test_a_partys_server_on_a_loopback_address_keeps_its_registered_port(
    client: Client,
) -> None:
    """RFC 8252's port that varies is a native app's (a public client); a confidential
    client's server listens on the port it registered (a probe's other port was taken)."""
    registered = services.register_party(
        name="Testbank", redirect_uris=["http://127.0.0.1:9999/cb"]
    )
    party = Party(registered.client_id, registered.client_secret, registered)
    assert (
        client.get(authorize_url(party, redirect_uri="http://127.0.0.1:9999/cb")).status_code == 200
    )
    other_port = client.get(authorize_url(party, redirect_uri="http://127.0.0.1:6666/cb"))
    assert other_port.status_code == 400 and "Location" not in other_port


def test_a_refusal_oauthlib_makes_without_headers_is_json_and_never_stored(party: Party) -> None:
    response = Client().post(
        "/oidc/token/?code=in-the-address",
        {"grant_type": "authorization_code", "code": "x", "redirect_uri": REDIRECT_URI},
        headers={"Authorization": basic(party)},
    )
    assert response.status_code == 400 and response.json()["error"] == "invalid_request"
    assert response["Content-Type"] == "application/json"
    assert response["Cache-Control"] == "no-store"


def test_userinfo_refusals_are_json_and_challenge_as_rfc_6750_says(
    party: Party, jonas_phone: AppDevice
) -> None:
    nothing = Client().get("/oidc/userinfo/")
    assert nothing.status_code == 401 and nothing["Content-Type"] == "application/json"
    assert nothing["WWW-Authenticate"] == 'Bearer realm="MitID"'  # no token: no error code
    basic_only = Client().get("/oidc/userinfo/", headers={"Authorization": "Basic eDp5"})
    assert basic_only.status_code == 401  # credentials, but no bearer token among them
    assert basic_only["WWW-Authenticate"] == 'Bearer realm="MitID"'
    unknown = Client().get("/oidc/userinfo/", headers={"Authorization": "Bearer made-up"})
    assert unknown.status_code == 401 and unknown["Content-Type"] == "application/json"
    assert unknown.json()["error"] == "invalid_token"
    assert unknown["WWW-Authenticate"].startswith('Bearer error="invalid_token"')

    token = tokens_for(party, jonas_phone)["access_token"]
    two_ways = Client().post(
        "/oidc/userinfo/", {"access_token": "made-up"}, headers={"Authorization": f"Bearer {token}"}
    )
    twice = Client().post(
        "/oidc/userinfo/",
        "access_token=a&access_token=" + token,
        content_type="application/x-www-form-urlencoded",
    )
    for refused in (two_ways, twice):
        assert refused.status_code == 400 and refused.json()["error"] == "invalid_request"


@pytest.mark.parametrize("path", ["/.well-known/openid-configuration", "/oidc/jwks/"])
def test_a_post_to_a_document_is_a_method_not_allowed_not_a_form_page(path: str) -> None:
    """Another server's POST has no CSRF token: it is told the method, not 'the form expired'."""
    answer = Client(enforce_csrf_checks=True).post(path)
    assert answer.status_code == 405 and answer["Allow"].startswith("GET")


@pytest.mark.parametrize("path", ["/oidc/token/", "/oidc/revoke/"])
def test_a_get_to_the_token_or_revocation_endpoint_is_told_in_json(path: str) -> None:
    """A party's server reads JSON from these endpoints, its mistakes too (a probe got an
    empty HTML 405)."""
    answer = Client().get(path)
    assert (answer.status_code, answer["Allow"]) == (405, "POST")
    assert answer.json()["error"] == "invalid_request"


def test_discovery_names_the_revocation_endpoint() -> None:
    document = Client().get("/.well-known/openid-configuration").json()
    assert document["revocation_endpoint"] == "http://testserver/oidc/revoke/"


def test_a_party_login_leaves_no_login_at_the_portal_behind(
    party: Party, jonas_phone: AppDevice
) -> None:
    """Every party login is a fresh one, so the portal's login made for it ends with the way
    back: MitID.dk's self-service is not left open where the citizen only logged in to a bank
    (a shared computer, the browser's Back from the bank)."""
    browser = Client()
    log_in_with_app(browser, party, jonas_phone)
    assert "_auth_user_id" not in browser.session
    assert browser.get("/en/selfservice/")["Location"].startswith("/en/login/")
    back = browser.get("/en/login/app/")  # the browser's Back from the party
    assert back["Location"] == "/en/login/"
    # RP-initiated logout finds nobody to ask about, and goes back to the party.
    out = browser.get(
        "/oidc/logout/",
        {"client_id": party.client_id, "post_logout_redirect_uri": LOGGED_OUT_URI},
    )
    assert out.status_code == 302 and out["Location"].startswith(LOGGED_OUT_URI)


def test_stay_logged_in_is_the_citizens_answer_not_an_error(
    party: Party, jonas_phone: AppDevice
) -> None:
    """The answer "Stay logged in" on the page that asks: the citizen is still logged in, told
    so, and can go back to the party (a probe met "The request to log out was not valid")."""
    browser = Client(headers={"Accept-Language": "en"})
    browser.force_login(jonas_phone.identity.ensure_user())
    asked = {"client_id": party.client_id, "post_logout_redirect_uri": LOGGED_OUT_URI}
    browser.get("/oidc/logout/", {**asked, "state": "s 1"})
    stayed = browser.post("/oidc/logout/", {**asked, "state": "s 1", "ui_locales": "da"})
    page = stayed.content.decode()
    assert stayed.status_code == 200
    assert "Du er stadig logget på MitID" in page and "ikke gyldig" not in page
    assert f'href="{LOGGED_OUT_URI}?state=s+1"' in page
    assert browser.session.get("_auth_user_id") == str(jonas_phone.identity.account_id)


def test_a_second_logout_with_the_same_hint_goes_back_to_the_party(
    party: Party, jonas_phone: AppDevice
) -> None:
    """The first logout revoked the ID token; the hint is still one this provider signed
    (RP-Initiated Logout 1.0 section 2): a bank's second logout, or one after its tokens were
    revoked, goes back to it, not to "The service could not log you out" (a probe)."""
    hint = tokens_for(party, jonas_phone)["id_token"]
    asked = {"id_token_hint": hint, "post_logout_redirect_uri": LOGGED_OUT_URI, "state": "s"}
    for _ in range(2):
        answer = Client().get("/oidc/logout/", asked)
        assert (answer.status_code, answer["Location"]) == (302, f"{LOGGED_OUT_URI}?state=s")
    # Another party's client_id beside it, or a hint tampered with, is still refused.
    other = Client().get("/oidc/logout/", {**asked, "client_id": "another"})
    assert other.status_code == 400
    head, payload, signature = hint.split(".")
    forged = Client().get(
        "/oidc/logout/", {**asked, "id_token_hint": f"{head}.{payload}.{signature[::-1]}"}
    )
    assert forged.status_code == 400


def test_logout_is_asked_by_get_or_post_and_a_put_is_not_a_logout() -> None:
    """RP-Initiated Logout 1.0 section 2: GET and POST. FormView took a PUT as a POST with an
    empty form and answered it with a redirect, as a logout."""
    response = Client().put("/oidc/logout/?client_id=nobody")
    assert response.status_code == 405 and "PUT" not in response["Allow"]
    assert {"GET", "POST"} <= set(response["Allow"].replace(" ", "").split(","))
