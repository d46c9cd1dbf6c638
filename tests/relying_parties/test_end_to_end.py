"""The provider against a real client library: Authlib, from the discovery document alone,
PKCE S256, the ID token verified against the JWKS with PyJWT, userinfo, and logout."""

import json
import re
import secrets
from collections.abc import Callable

import jwt
import pytest
import requests
from authlib.integrations.requests_client import OAuth2Session

from audit.models import AuditEntry
from authenticators.models import AppDevice, AuthenticatorEvent
from relying_parties.models import Approval, Subject
from selfservice.services import history

from .conftest import (
    BASE,
    LOGGED_OUT_URI,
    REDIRECT_URI,
    Browser,
    Party,
    approve_in_app,
    over_django,
)

pytestmark = pytest.mark.django_db
SUBSTANTIAL = "https://data.gov.dk/concept/core/nsis/loa/Substantial"


def discover(base: str) -> dict[str, object]:
    http = over_django(requests.Session())
    document = http.get(f"{base}/.well-known/openid-configuration", timeout=5).json()
    assert isinstance(document, dict)
    return document


def verified_id_token(raw: str, meta: dict[str, object], client_id: str) -> dict[str, object]:
    http = over_django(requests.Session())
    jwks = jwt.PyJWKSet.from_dict(http.get(str(meta["jwks_uri"]), timeout=5).json())
    kid = jwt.get_unverified_header(raw)["kid"]
    (key,) = [key for key in jwks.keys if key.key_id == kid]
    claims: dict[str, object] = jwt.decode(
        raw, key.key, algorithms=["RS256"], audience=client_id, issuer=str(meta["issuer"])
    )
    return claims


def test_authlib_logs_jonas_in_with_the_app_and_gets_verified_claims(
    citizen_browser: Callable[[], Browser], party: Party, jonas_phone: AppDevice
) -> None:
    base = BASE
    meta = discover(base)
    assert meta["issuer"] == base
    assert meta["code_challenge_methods_supported"] == ["S256"]
    assert SUBSTANTIAL in meta["acr_values_supported"]  # type: ignore[operator]

    client = over_django(
        OAuth2Session(
            party.client_id,
            party.client_secret,
            scope="openid profile",
            redirect_uri=REDIRECT_URI,
            code_challenge_method="S256",
            token_endpoint_auth_method="client_secret_basic",
        )
    )
    verifier = secrets.token_urlsafe(48)
    nonce = secrets.token_urlsafe(16)
    url, state = client.create_authorization_url(
        str(meta["authorization_endpoint"]),
        code_verifier=verifier,
        nonce=nonce,
        acr_values=SUBSTANTIAL,
        ui_locales="en",
    )
    citizen = citizen_browser()
    page = citizen.go(url)
    # The authorization request is answered with the login's user-ID page, which says where
    # it lives (its script gives it that address).
    assert re.search(r'data-page-path="/en/login/\?for=[\w-]+"', page.text), page.url
    assert "<h1>Nordbank</h1>" in page.text
    assert "{#" not in page.text and "#}" not in page.text  # a template's note, shown as text
    assert "Nordbank asked you to log in with MitID." in page.text
    assert "You approve:" not in page.text  # a login, no transaction
    assert "portal-logout" not in page.text  # the party's login: not the portal's own Log in
    citizen.type_user_id("J()nas Jen5en")
    approved = approve_in_app(jonas_phone)
    assert approved.service == "Nordbank"
    assert (approved.service, approved.text) == ("Nordbank", "Log in")
    back = citizen.go("/en/login/app/")
    callback = back.headers["Location"]
    assert callback.startswith(REDIRECT_URI) and f"state={state}" in callback

    token = client.fetch_token(
        str(meta["token_endpoint"]), authorization_response=callback, code_verifier=verifier
    )
    claims = verified_id_token(token["id_token"], meta, party.client_id)
    assert claims["nonce"] == nonce
    assert claims["acr"] == SUBSTANTIAL
    assert claims["amr"] == ["app"]
    assert claims["sub"] == str(Subject.objects.get().sub)
    assert claims["sub"] not in ("1505831235", "J()nas Jen5en")
    assert claims["name"] == "Jonas Jensen" and claims["birthdate"] == "1983-05-15"
    assert "cpr" not in claims
    assert isinstance(claims["auth_time"], int)

    userinfo = client.get(str(meta["userinfo_endpoint"])).json()
    assert userinfo["sub"] == claims["sub"]
    assert (userinfo["given_name"], userinfo["family_name"]) == ("Jonas", "Jensen")

    # The citizen's history names the party.
    use = AuthenticatorEvent.objects.filter(kind="verified").latest("at")
    assert use.service == "Nordbank"

    # RP-initiated logout: back to the party, and the portal session is over.
    out = citizen.http.get(
        str(meta["end_session_endpoint"]),
        params={
            "id_token_hint": token["id_token"],
            "post_logout_redirect_uri": LOGGED_OUT_URI,
            "client_id": party.client_id,
        },
        allow_redirects=False,
    )
    assert out.status_code == 302 and out.headers["Location"].startswith(LOGGED_OUT_URI)
    after = citizen.http.get(f"{base}/en/selfservice/", allow_redirects=False)
    assert "/en/login/" in after.headers["Location"]


def test_a_transfer_is_approved_signed_and_kept_as_evidence(
    citizen_browser: Callable[[], Browser], party: Party, jonas_phone: AppDevice
) -> None:
    base = BASE
    meta = discover(base)
    client = over_django(
        OAuth2Session(
            party.client_id,
            party.client_secret,
            scope="openid",
            redirect_uri=REDIRECT_URI,
            code_challenge_method="S256",
            token_endpoint_auth_method="client_secret_post",
        )
    )
    verifier = secrets.token_urlsafe(48)
    text = "Overfør 200,00 kr. til konto 1234-567890"
    details = [{"type": "mitid_approval", "text": text}]
    url, _state = client.create_authorization_url(
        str(meta["authorization_endpoint"]),
        code_verifier=verifier,
        nonce="n-1",
        authorization_details=json.dumps(details, ensure_ascii=False),
        ui_locales="da",
    )
    citizen = citizen_browser()
    page = citizen.go(url)
    assert text in page.text and 'data-page-path="/da/login/?for=' in page.text
    assert "Nordbank har bedt dig godkende med MitID." in page.text  # a transfer, not a login
    assert '<p class="login-behalf-way">Godkend med MitID</p>' in page.text
    assert "<title>Godkend med MitID" in page.text
    assert "Godkend kun det, du selv har bedt om." in page.text
    assert "Log på" not in page.text.split("<main")[1]
    citizen.type_user_id("J()nas Jen5en")
    app_page = citizen.go("/da/login/app/").text
    assert text in app_page and "Godkend med MitID appen</p>" in app_page
    assert "Du godkender som <strong>J()nas Jen5en</strong>." in app_page
    assert ">Godkend med din kodeviser eller kodeoplæser</a>" in app_page
    assert "Log på" not in app_page.split("<main")[1]  # the approval's pages, not a login's
    approved = approve_in_app(jonas_phone)
    assert (approved.service, approved.text) == ("Nordbank", text)
    assert approved.signing_input.endswith(f"\nNordbank\n{text}")
    back = citizen.go("/da/login/app/")
    token = client.fetch_token(
        str(meta["token_endpoint"]),
        authorization_response=back.headers["Location"],
        code_verifier=verifier,
    )
    claims = verified_id_token(token["id_token"], meta, party.client_id)
    assert claims["authorization_details"] == details
    assert token["authorization_details"] == details  # RFC 9396 section 7: the token response
    evidence = Approval.objects.get()
    assert str(evidence.transaction_id) == claims["transaction_id"]
    assert evidence.text == text and evidence.signed_text == approved.signing_input
    assert evidence.signature_is_valid()
    assert evidence.event is not None and evidence.event.service == "Nordbank"
    entry = AuditEntry.objects.get(action="transaction_approved")
    assert entry.target == "Nordbank" and evidence.signature in entry.detail
    # The citizen's history tells the approval by its text, not only as a use of Nordbank.
    (use,) = [use for use in history(jonas_phone.identity) if use.text]
    assert (use.service, use.text) == ("Nordbank", text)
