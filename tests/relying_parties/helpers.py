"""Driving a party's login through the pages with Django's test client."""

import base64
import hashlib
import json
import re
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

from django.http import HttpResponse
from django.test import Client

from authenticators.models import AppDevice

from .conftest import REDIRECT_URI, Party, approve_in_app

VERIFIER = "a-verifier-of-enough-length-for-pkce-0123456789abcdef"
CHALLENGE = (
    base64.urlsafe_b64encode(hashlib.sha256(VERIFIER.encode()).digest()).rstrip(b"=").decode()
)
LOA = "https://data.gov.dk/concept/core/nsis/loa/"


def authorize_url(party: Party, **params: Any) -> str:
    query = {
        "client_id": party.client_id,
        "redirect_uri": REDIRECT_URI,
        "response_type": "code",
        "scope": "openid profile",
        "state": "s-1",
        "nonce": "n-1",
        "code_challenge": CHALLENGE,
        "code_challenge_method": "S256",
        "ui_locales": "en",
        **params,
    }
    return "/oidc/authorize/?" + urlencode({k: v for k, v in query.items() if v is not None})


def query_of(location: str) -> dict[str, str]:
    assert location.startswith(REDIRECT_URI), location
    return {key: values[0] for key, values in parse_qs(urlsplit(location).query).items()}


def start(client: Client, party: Party, **params: Any) -> str:
    """The party sends the browser; the login's user-ID page answers; returns the attempt
    reference."""
    response = client.get(authorize_url(party, **params))
    assert response.status_code == 200, response.content[:500]
    page = response.content.decode()
    reference = reference_on(page)
    assert f'data-page-path="/{params.get("ui_locales", "en")}/login/?for={reference}"' in page
    return reference


def type_user_id(
    client: Client, reference: str, user_id: str, language: str = "en"
) -> HttpResponse:
    """The user-ID typed for the party's login; returns the page that answers it."""
    response = client.post(
        f"/{language}/login/", {"user_id": user_id, "next": "", "for": reference}
    )
    assert response.status_code == 200, response.content[:500]
    return response


def log_in_with_app(
    client: Client, party: Party, phone: AppDevice, user_id: str = "J()nas Jen5en", **params: Any
) -> str:
    """A whole login for the party with the app; returns where the browser was sent."""
    reference = start(client, party, **params)
    type_user_id(client, reference, user_id)
    client.get("/en/login/app/")
    approve_in_app(phone)
    response = client.get("/en/login/app/", follow=False)
    location = response["Location"]
    while not location.startswith(REDIRECT_URI):
        response = client.get(location)
        if response.status_code != 302:
            return response  # type: ignore[return-value]
        location = response["Location"]
    return str(location)


def basic(party: Party) -> str:
    return "Basic " + base64.b64encode(f"{party.client_id}:{party.client_secret}".encode()).decode()


def exchange(
    client: Client,
    party: Party,
    code: str,
    verifier: str | None = VERIFIER,
    extra: dict[str, str] | None = None,
    **headers: str,
) -> tuple[int, dict[str, Any]]:
    data = {"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT_URI}
    if verifier is not None:
        data["code_verifier"] = verifier
    data |= extra or {}
    response = Client().post(
        "/oidc/token/", data, headers={"Authorization": basic(party), **headers}
    )
    return response.status_code, json.loads(response.content)


def id_token_claims(raw: str) -> dict[str, Any]:
    """The ID token's claims, unverified (the end-to-end test verifies the signature)."""
    payload = raw.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


def login_page_for_party(response: HttpResponse) -> str:
    """The reference of the party's login whose user-ID page answered `response`'s request
    (the authorization request's answer, or the continue page's)."""
    assert response.status_code == 200, response.status_code
    return reference_on(response.content.decode())


def reference_on(page: str) -> str:
    match = re.search(r'name="for" value="([^"]+)"', page)
    assert match
    return match.group(1)
