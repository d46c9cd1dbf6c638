"""Bad input: each gets the error the OAuth and OpenID Connect specifications name, a page in
the citizen's language where a person is involved, and nobody is logged in anywhere."""

import base64
import hashlib
import html
import json
import re
import sys
import unicodedata
from datetime import timedelta
from urllib.parse import quote

import pytest
from django.http import QueryDict
from django.test import Client
from django.utils import timezone, translation
from oauth2_provider.models import AccessToken, Grant, IDToken, RefreshToken
from oauth2_provider.signals import app_authorized

from audit.labels import reason_label
from audit.models import AuditEntry
from authenticators import lifecycle
from authenticators.models import AppDevice, AppLogin, Identity
from relying_parties import parameters
from relying_parties.models import PartyLogin
from relying_parties.validators import MitIDValidator
from tests.factories import active_code_device

from .conftest import REDIRECT_URI, Party
from .helpers import (
    LOA,
    VERIFIER,
    authorize_url,
    basic,
    exchange,
    log_in_with_app,
    login_page_for_party,
    query_of,
    start,
    type_user_id,
)

pytestmark = pytest.mark.django_db


def nobody_logged_in(client: Client) -> bool:
    return "_auth_user_id" not in client.session and "mitid_login" not in client.session


def test_an_unknown_client_is_told_on_our_page_never_redirected(client: Client) -> None:
    response = client.get(
        "/oidc/authorize/?client_id=nobody&redirect_uri=https://evil.example/&response_type=code"
        "&scope=openid&code_challenge=x&code_challenge_method=S256&ui_locales=da"
    )
    assert response.status_code == 400 and "Location" not in response
    page = response.content.decode()
    assert 'data-code="unknown_client"' in page
    assert "ikke registreret" in page  # in the citizen's language (ui_locales)
    assert "portal-logout" not in page  # about a party's login: no portal "Log in" beside it
    assert nobody_logged_in(client)
    in_greenlandic = client.get(
        "/oidc/authorize/?client_id=nobody&redirect_uri=https://evil.example/&ui_locales=kl"
    )
    assert '<html lang="kl">' in in_greenlandic.content.decode()
    assert in_greenlandic["Content-Language"] == "kl"  # the header too, not the address's da


def test_a_client_id_with_a_nul_byte_is_unknown_not_a_database_error(client: Client) -> None:
    """PostgreSQL's text cannot hold a NUL byte, and SQLite refuses one in a query."""
    response = client.get(
        "/oidc/authorize/?client_id=a%00b&redirect_uri=https://evil.example/&response_type=code"
        "&scope=openid&code_challenge=x&code_challenge_method=S256"
    )
    assert response.status_code == 400 and 'data-code="unknown_client"' in response.content.decode()
    token = client.post(
        "/oidc/token/",
        {"grant_type": "authorization_code", "code": "x", "redirect_uri": REDIRECT_URI},
        headers={"Authorization": "Basic " + base64.b64encode(b"a\x00b:secret").decode()},
    )
    assert (token.status_code, token.json()["error"]) == (401, "invalid_client")


def test_an_unregistered_redirect_uri_is_shown_on_our_page_never_redirected(
    client: Client, party: Party
) -> None:
    response = client.get(authorize_url(party, redirect_uri="https://evil.example/steal"))
    assert response.status_code == 400 and "Location" not in response
    page = response.content.decode()
    assert 'data-code="unregistered_redirect_uri"' in page
    assert "https://evil.example/steal" in page
    assert nobody_logged_in(client)


@pytest.mark.parametrize(
    ("params", "error"),
    [
        ({"code_challenge": None, "code_challenge_method": None}, "invalid_request"),
        ({"code_challenge_method": "plain"}, "invalid_request"),
        ({"acr_values": "https://example.com/loa/very-high"}, "invalid_request"),
        ({"scope": "openid cpr"}, "invalid_scope"),
        ({"resource": "https://api.nordbank.example/"}, "invalid_target"),
        ({"scope": "profile"}, "invalid_scope"),
        ({"authorization_details": "not json"}, "invalid_authorization_details"),
        ({"claims": "not json"}, "invalid_request"),  # oauthlib says it without the address
        ({"response_type": "token"}, "unsupported_response_type"),  # RFC 6749 4.1.2.1
        ({"response_type": "id_token"}, "unsupported_response_type"),
        ({"response_type": "code id_token"}, "unsupported_response_type"),
        ({"response_type": "none"}, "unsupported_response_type"),
        ({"scope": None}, "invalid_scope"),  # no openid: not an OpenID Connect request
        ({"nonce": "n" * 256}, "invalid_request"),  # longer than a login keeps
        ({"nonce": "n\x001"}, "invalid_request"),  # PostgreSQL keeps no NUL in text
        ({"nonce": "n\n1"}, "invalid_request"),
        ({"claims": '{"id_token": {"acr": {"value": "a\\u0000b"}}}'}, "invalid_request"),
        ({"claims": '{"id_token": {"acr": {"value": 1e999}}}'}, "invalid_request"),
        ({"claims": '{"id_token": {"acr": {"value": NaN}}}'}, "invalid_request"),
        ({"claims": '{"id_token": {"acr": {"value": "\\ud800"}}}'}, "invalid_request"),
        ({"claims": "[1]"}, "invalid_request"),  # an object, or the login fails after approval
        # OpenID Connect Core 5.5.1.1: not served, and a level is asked for with acr_values.
        ({"claims": json.dumps({"id_token": {"acr": {"essential": True}}})}, "invalid_request"),
        ({"claims": json.dumps({"userinfo": {"acr": {"values": ["x"]}}})}, "invalid_request"),
        ({"max_age": "abc"}, "invalid_request"),
        ({"max_age": "-1"}, "invalid_request"),
        (
            {
                "authorization_details": json.dumps(
                    [{"type": "mitid_approval", "text": "Pay\u3164"}]
                )
            },
            "invalid_authorization_details",  # a letter that shows nothing
        ),
        (
            {
                "authorization_details": json.dumps(
                    [{"type": "mitid_approval", "text": "a" + "\u0301" * 4}]
                )
            },
            "invalid_authorization_details",  # marks stacked over the text around them
        ),
        (
            {
                "authorization_details": json.dumps(
                    [{"type": "mitid_approval", "text": "a" + "\u20dd" * 4}]
                )
            },
            "invalid_authorization_details",  # enclosing marks too
        ),
        (
            {
                "authorization_details": json.dumps(
                    [{"type": "mitid_approval", "text": "Pay\u3000\u3000 1"}]
                )
            },
            "invalid_authorization_details",  # wide spaces
        ),
        (
            {"authorization_details": json.dumps({"type": "mitid_approval", "text": "x"})},
            "invalid_authorization_details",  # an object, not an array of one (RFC 9396)
        ),
        (
            {"authorization_details": json.dumps([{"type": "payment_initiation", "text": "x"}])},
            "invalid_authorization_details",
        ),
        (
            {"authorization_details": json.dumps([{"type": "mitid_approval", "text": "x" * 251}])},
            "invalid_authorization_details",
        ),
        (
            {"authorization_details": json.dumps([{"type": "mitid_approval", "text": "Pay\n1"}])},
            "invalid_authorization_details",
        ),
        (
            {
                "authorization_details": json.dumps(
                    [{"type": "mitid_approval", "text": "Pay 1 kr.\u202e0001"}]
                )
            },
            "invalid_authorization_details",
        ),
        *(
            (
                {"authorization_details": json.dumps([{"type": "mitid_approval", "text": text}])},
                "invalid_authorization_details",
            )
            for text in (
                # A right-to-left letter turns the digits after it: shown "5678 1234 <alef>".
                "Overfør 200,00 kr. til konto \u0627 1234 5678",
                "Overfør 200,00 kr. til konto \u05d0 1234 5678",  # Hebrew
                "Betaling til \u05d0\u05d1\u05e8\u05d4\u05dd: 200 kr.",  # "200" shown first
                # Digits first, then Hebrew: a display that takes the direction from the text
                # (dir="auto", phones) shows the two groups swapped.
                "1234 5678 \u05d0\u05d1",
                "Overfør \u0662\u0660\u0660 kr.",  # Arabic-Indic digits
                "Overfør \u07c2\u07c0\u07c0 kr.",  # NKo digits, drawn right to left
                "Overfør \U0001e952\U0001e950\U0001e950 kr.",  # Adlam's too
                # Marks and selectors that draw nothing: the same look, another text signed.
                "Overfør 2\u034f00 kr.",
                "Overfør 2\ufe0f00 kr.",
                "Overfør 2\u180b00 kr.",
                "Overfør 2\u17b400 kr.",
                "Overfør 2\U000e010000 kr.",
                # Space and width that push the rest of the text out of sight.
                "Log på" + " " * 200 + "Overfør 50.000 kr.",
                "Log på \u00a0 Overfør",
                "Log på " + "\u2e3b" * 40 + " Overfør 50.000 kr.",
                # Lookalikes: another text signed than the one read.
                "Overfør 200 kr. til k\u043env\u043e 1234",  # Cyrillic o (U+043E) in "konto"
                "Overfør 200 kr. til \u0399BAN DK50",  # a Greek capital iota in "IBAN"
                "Overfør \uff12\uff10\uff10 kr.",  # full-width digits
                "Overfør \U0001d7d0\U0001d7ce\U0001d7ce kr.",  # mathematical digits
                "Overfør 200 kr. til \U0001d5c4\U0001d5c8\U0001d5c7\U0001d5cd\U0001d5c8",
                "Overfør 200 kr. til \ua4f2BAN DK50",  # a Lisu letter for I
                "Overfør 200 kr. til \u2d30BC",  # a Tifinagh letter for a
                "Overfør 200 kr. til konto 1234-5678\u041e0",  # a Cyrillic O among digits
                "Overfør 200 kr. til \uff76\uff80",  # half-width katakana
                # Digits of other scripts, and letters drawn like digits in a number (a probe).
                "Overfør 200 kr. til konto 1234-56789\u1040",  # Myanmar digit zero
                "Overfør 200 kr. til konto 1234-567\u09ea90",  # Bengali digit four
                "Overfør 200 kr. til konto 1234-567\u096a90",  # Devanagari digit four
                "Overfør 200 kr. til konto 1234-56789O",  # a Latin capital O
                "Overfør 1O0 kr.",
                "Overfør 200 kr. til konto 1234-5678l0",  # a small L
                "Overfør 200 kr. til konto 1234-\u01c0234",  # a dental click
                "Overfør 200 kr. til konto 1234-\u01bc678",  # tone five
            )
        ),
    ],
)
def test_a_bad_request_goes_back_to_the_party_with_the_error_the_specs_name(
    client: Client, party: Party, params: dict[str, str | None], error: str
) -> None:
    response = client.get(authorize_url(party, **params))
    assert response.status_code == 302
    answer = query_of(response["Location"])
    assert answer["error"] == error and answer["state"] == "s-1"
    assert answer["iss"] == "http://testserver"  # oauthlib's errors too (RFC 9207)
    assert nobody_logged_in(client)


@pytest.mark.parametrize(
    ("query", "why"),
    [
        ("&nonce=second", "Repeated parameters: nonce"),
        ("&ui_locales=da", "Repeated parameters: ui_locales"),
        ("&response_mode=fragment", "response_mode"),
        ("&response_mode=form_post", "response_mode"),
        ("&code_challenge_method=S256&code_challenge=x", "Repeated parameters"),
        (
            "&authorization_details="
            + quote('{"type": "mitid_approval", "text": "Pay 1 kr", "text": "Pay 9999 kr"}'),
            "not JSON of one object",
        ),
        ("&authorization_details=" + "%5B" * 5000 + "%5D" * 5000, "not JSON of one object"),
        (
            "&authorization_details="
            + quote(json.dumps([{"type": "mitid_approval", "text": "a"}]))
            + "&authorization_details="
            + quote(json.dumps([{"type": "mitid_approval", "text": "b"}])),
            "Repeated parameters: authorization_details",
        ),
    ],
)
def test_what_the_specs_leave_to_the_provider_is_refused_not_guessed(
    client: Client, party: Party, query: str, why: str
) -> None:
    """A repeated parameter (RFC 6749 section 3.1), a response mode not served, a JSON member
    named twice or nested past reading: refused, rather than one of them chosen."""
    response = client.get(authorize_url(party) + query)
    assert response.status_code == 302
    answer = query_of(response["Location"])
    assert answer["error"] in ("invalid_request", "invalid_authorization_details"), answer
    assert why in answer["error_description"] and answer["iss"] == "http://testserver"
    assert nobody_logged_in(client)


@pytest.mark.parametrize(
    ("name", "error"),
    [
        ("request", "request_not_supported"),
        ("request_uri", "request_uri_not_supported"),
        ("registration", "registration_not_supported"),
    ],
)
def test_request_objects_and_registration_are_refused_not_ignored(
    client: Client, party: Party, name: str, error: str
) -> None:
    """OpenID Connect Core 3.1.2.6: what they would hold would go unchecked."""
    answer = query_of(
        client.get(authorize_url(party, **{name: "eyJhbGciOiJub25lIn0.e30."}))["Location"]
    )
    assert (answer["error"], answer["state"]) == (error, "s-1")


@pytest.mark.parametrize("challenge", ["abc", "!" * 43, "~" * 43, "a" * 44, "a" * 128])
def test_a_code_challenge_that_s256_could_not_make_is_refused(
    client: Client, party: Party, challenge: str
) -> None:
    answer = query_of(client.get(authorize_url(party, code_challenge=challenge))["Location"])
    assert answer["error"] == "invalid_request" and "RFC 7636" in answer["error_description"]


def test_prompt_none_is_login_required_as_every_login_is_fresh(
    client: Client, party: Party
) -> None:
    """OpenID Connect Core 3.1.2.6; oauthlib asks the validator, which DOT leaves undone."""
    response = client.get(authorize_url(party, prompt="none"))
    assert response.status_code == 302
    answer = query_of(response["Location"])
    assert (answer["error"], answer["state"]) == ("login_required", "s-1")
    assert answer["iss"] == "http://testserver"
    assert nobody_logged_in(client)


@pytest.mark.parametrize(
    "redirect_uri",
    [
        "HTTPS://bank.example/callback",
        "https://BANK.example/callback",
        "https://bank.example:443/callback",
        "https://bank.example/callback?x=1",
        "https://bank.example/callback/",
    ],
)
def test_a_redirect_uri_is_the_registered_one_character_for_character(
    client: Client, party: Party, redirect_uri: str
) -> None:
    """OpenID Connect Core 3.1.2.1 and RFC 9700 section 4.1.3: simple string comparison."""
    response = client.get(authorize_url(party, redirect_uri=redirect_uri))
    assert response.status_code == 400 and "Location" not in response
    assert 'data-code="unregistered_redirect_uri"' in response.content.decode()


def test_a_repeated_state_is_told_as_a_bad_request_on_our_page(
    client: Client, party: Party
) -> None:
    """oauthlib refuses a repeated state, client_id or redirect_uri before the address can be
    trusted: the citizen is told the request was not valid (not that the party is unknown)."""
    response = client.get(authorize_url(party) + "&state=s-2&ui_locales=da")
    assert response.status_code == 400 and "Location" not in response
    page = response.content.decode()
    assert 'data-code="invalid_request"' in page


def test_a_text_in_any_language_is_accepted(client: Client, party: Party) -> None:
    text = (
        "Overfør 200,00\u00a0kr. – Kalaallisut: ĸ, Tiếng Việt: ệ, 한국어, עברית, العربية, "
        "Ελληνικά, Сбербанк, Сбербанк-konto, Հայերեն, Ærø, Straße, ı; "
        # Superscripts, fractions, the micro sign and ligatures are no lookalikes (a review).
        "husleje 120 m², vand 12 m³, 1½ time, 5 µm, ﬁnans, 1º; "
        # Numbers beside letters that are no digits' lookalikes, or among other letters.
        "Vestergade 12B, iOS 17, iPhone15, ordre PO12345, 4G, 100kr"
    )
    details = json.dumps([{"type": "mitid_approval", "text": text}])
    assert login_page_for_party(client.get(authorize_url(party, authorization_details=details)))


def test_a_text_in_hebrew_or_arabic_is_accepted_with_its_numbers_beside_latin_letters(
    client: Client, party: Party
) -> None:
    for text in (
        "Overfør 200 kr. til \u05d0\u05d1\u05e8\u05d4\u05dd",
        "العربية: kr. 200",
        "konto 1234 5678 \u05d0",  # after a Latin letter, the digits keep their order
    ):
        details = json.dumps([{"type": "mitid_approval", "text": text}])
        assert start(client, party, authorization_details=details), text


def test_a_text_of_250_characters_is_accepted(client: Client, party: Party) -> None:
    details = json.dumps([{"type": "mitid_approval", "text": "æ" * 250}])
    assert start(client, party, authorization_details=details)


def test_cancel_returns_access_denied_and_ends_the_app_login(
    client: Client, party: Party, jonas_phone: AppDevice
) -> None:
    reference = start(client, party)
    type_user_id(client, reference, "J()nas Jen5en")
    page = client.get("/en/login/app/").content.decode()
    assert "Cancel and return to Nordbank" in page
    response = client.get(f"/en/relying-parties/{reference}/back/")
    answer = query_of(response["Location"])
    assert answer == {"error": "access_denied", "state": "s-1", "iss": "http://testserver"}
    assert AppLogin.objects.get().status == "cancelled"
    assert nobody_logged_in(client)


def test_a_party_login_is_fresh_even_with_a_session(
    client: Client, party: Party, jonas_phone: AppDevice
) -> None:
    first = log_in_with_app(client, party, jonas_phone)
    assert "code" in query_of(first)
    # Logged in now; the next request for the party asks for MitID again all the same.
    response = client.get(authorize_url(party, state="s-2"))
    assert login_page_for_party(response)
    assert AppLogin.objects.count() == 1


def test_the_code_with_a_wrong_or_missing_verifier_is_refused(
    client: Client, party: Party, jonas_phone: AppDevice
) -> None:
    code = query_of(log_in_with_app(client, party, jonas_phone))["code"]
    status, body = exchange(client, party, code, verifier="wrong-" * 10)
    assert (status, body["error"]) == (400, "invalid_grant")
    status, body = exchange(client, party, code, verifier=None)
    assert status == 400 and body["error"] in ("invalid_request", "invalid_grant")
    assert not AccessToken.objects.exists()


@pytest.mark.parametrize("listening", [False, True], ids=["", "app_authorized heard"])
@pytest.mark.parametrize("first", ["wrong-" * 10, "k", "ä" * 50, "a" * 129])
def test_a_code_is_tried_once_so_its_verifier_cannot_be_guessed(
    client: Client, party: Party, jonas_phone: AppDevice, first: str | None, listening: bool
) -> None:
    """RFC 6749 section 10.10, RFC 7636 section 4.1: a probe found a party's verifier `k` in
    eleven tries while the code lasted. A verifier not made as RFC 7636 makes it is refused
    as such, and a code refused once is spent: the right verifier after it gets nothing,
    whichever of the token endpoint's two ways answered (DOT's own, taken while something
    listens to its signal)."""
    code = query_of(log_in_with_app(client, party, jonas_phone))["code"]

    def listener(**kwargs: object) -> None:
        pass

    if listening:
        app_authorized.connect(listener)
    try:
        status, body = exchange(client, party, code, verifier=first)
    finally:
        app_authorized.disconnect(listener)
    assert status == 400
    if first != "wrong-" * 10:
        assert body == {
            "error": "invalid_request",
            "error_description": (
                "code_verifier must be 43 to 128 unreserved characters (RFC 7636)"
            ),
        }
    status, body = exchange(client, party, code)
    assert (status, body["error"]) == (400, "invalid_grant")
    assert not AccessToken.objects.exists()


@pytest.mark.parametrize("verifier", ["wrong-" * 10, "k"])
def test_a_client_that_fails_to_authenticate_does_not_spend_the_code(
    client: Client, party: Party, jonas_phone: AppDevice, verifier: str
) -> None:
    """Whoever holds a code but not the party's secret cannot end it with a bad verifier:
    the client is authenticated first, and its refusal leaves the code to the party."""
    code = query_of(log_in_with_app(client, party, jonas_phone))["code"]
    stranger = Party(party.client_id, "not-the-secret", party.registered)
    status, body = exchange(client, stranger, code, verifier=verifier)
    assert (status, body["error"]) == (401, "invalid_client")
    status, body = exchange(client, party, code)
    assert status == 200, body
    assert "id_token" in body


def test_a_token_request_naming_a_resource_is_refused_and_gets_no_tokens(
    client: Client, party: Party, jonas_phone: AppDevice
) -> None:
    """RFC 8707: the provider restricts tokens to no audience, so it names none it did not
    check: an OAuth error in JSON, nothing made, and the code stays good for a request
    without one (an empty value is none)."""
    code = query_of(log_in_with_app(client, party, jonas_phone))["code"]
    data = {"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT_URI}
    data |= {"code_verifier": VERIFIER, "resource": "https://api.example/"}
    response = Client().post("/oidc/token/", data, headers={"Authorization": basic(party)})
    assert response.status_code == 400 and response["Content-Type"] == "application/json"
    assert response["Cache-Control"] == "no-store"
    assert json.loads(response.content)["error"] == "invalid_target"
    assert not AccessToken.objects.exists() and not IDToken.objects.exists()
    status, _tokens = exchange(client, party, code, extra={"resource": ""})
    assert status == 200 and AccessToken.objects.get().resource == []


def test_a_code_used_twice_is_refused_and_its_tokens_revoked(
    client: Client, party: Party, jonas_phone: AppDevice
) -> None:
    code = query_of(log_in_with_app(client, party, jonas_phone))["code"]
    status, tokens = exchange(client, party, code)
    assert status == 200
    bearer = {"Authorization": f"Bearer {tokens['access_token']}"}
    assert Client().get("/oidc/userinfo/", headers=bearer).status_code == 200
    status, body = exchange(client, party, code)
    assert (status, body["error"]) == (400, "invalid_grant")
    assert Client().get("/oidc/userinfo/", headers=bearer).status_code == 401
    entry = AuditEntry.objects.get(action="oidc_code_reused")
    # A reason code, read in the staff member's language on the audit log's screen.
    assert (entry.actor_name, entry.reason, entry.detail) == ("system", "tokens_revoked", "")
    for language, words in (
        ("da", "tokens fra første brug tilbagekaldt"),
        ("en", "the tokens of the first use revoked"),
        ("kl", "token-it siullermik atornermi pissarsiat atorunnaarsinneqarput"),
    ):
        with translation.override(language):
            assert reason_label(entry.reason, entry.action) == words


def test_a_code_swapped_by_another_request_meanwhile_gets_no_tokens(
    client: Client, party: Party, jonas_phone: AppDevice, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two token requests with one code at once: both find it unused, only one gets tokens."""
    code = query_of(log_in_with_app(client, party, jonas_phone))["code"]
    checked = MitIDValidator.validate_code

    def checked_then_swapped_elsewhere(self: MitIDValidator, *args: object, **kwargs: object):
        valid = checked(self, *args, **kwargs)
        PartyLogin.objects.update(redeemed_at=timezone.now())  # the other request commits
        return valid

    monkeypatch.setattr(MitIDValidator, "validate_code", checked_then_swapped_elsewhere)
    status, body = exchange(client, party, code)
    assert (status, body["error"]) == (400, "invalid_grant")
    assert not AccessToken.objects.exists() and not RefreshToken.objects.exists()
    assert not IDToken.objects.exists(), "the ID token is written in the tokens' transaction"
    assert PartyLogin.objects.get().access_token is None


def test_a_code_swapped_by_another_request_meanwhile_revokes_what_that_request_got(
    client: Client, party: Party, jonas_phone: AppDevice, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The same code twice at once, both found unused: the one that loses the race is refused
    and, as for a code that comes again later, the winner's tokens are revoked (RFC 6749
    section 4.1.2): whoever raced the party with a stolen code and verifier keeps nothing."""
    code = query_of(log_in_with_app(client, party, jonas_phone))["code"]
    status, tokens = exchange(client, party, code)  # the request that wins the race
    assert status == 200
    bearer = {"Authorization": f"Bearer {tokens['access_token']}"}
    swapped_at = PartyLogin.objects.get().redeemed_at
    PartyLogin.objects.update(redeemed_at=None)  # as the other request read it, before the commit
    checked = MitIDValidator.validate_code

    def checked_then_swapped_elsewhere(self: MitIDValidator, *args: object, **kwargs: object):
        valid = checked(self, *args, **kwargs)
        PartyLogin.objects.update(redeemed_at=swapped_at)  # the winner commits
        return valid

    monkeypatch.setattr(MitIDValidator, "validate_code", checked_then_swapped_elsewhere)
    status, body = exchange(client, party, code)
    assert (status, body["error"]) == (400, "invalid_grant")
    assert Client().get("/oidc/userinfo/", headers=bearer).status_code == 401
    assert AuditEntry.objects.filter(action="oidc_code_reused").count() == 1
    assert AccessToken.objects.count() == 0, "neither request's access token is left"


def test_a_code_sent_again_while_another_such_request_revokes_its_tokens_is_refused(
    client: Client, party: Party, jonas_phone: AppDevice, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A swapped code sent again several times at once: each request reads the login with its
    tokens, and the first to refuse it deletes them; the others, finding them gone, answer
    `invalid_grant` and record the reuse too (a probe saw a 500 here)."""
    code = query_of(log_in_with_app(client, party, jonas_phone))["code"]
    status, _tokens = exchange(client, party, code)
    assert status == 200
    read = MitIDValidator._client_login

    def read_then_revoked_elsewhere(self: MitIDValidator, *args: object, **kwargs: object):
        party_login = read(self, *args, **kwargs)
        AccessToken.objects.all().delete()  # the other request's refusal commits
        IDToken.objects.all().delete()
        return party_login

    monkeypatch.setattr(MitIDValidator, "_client_login", read_then_revoked_elsewhere)
    status, body = exchange(client, party, code)
    assert (status, body["error"]) == (400, "invalid_grant")
    assert AuditEntry.objects.filter(action="oidc_code_reused").count() == 1


def test_an_expired_code_is_refused(client: Client, party: Party, jonas_phone: AppDevice) -> None:
    code = query_of(log_in_with_app(client, party, jonas_phone))["code"]
    PartyLogin.objects.update(code_expires=timezone.now() - timedelta(seconds=1))
    status, body = exchange(client, party, code)
    assert (status, body["error"]) == (400, "invalid_grant")


def test_a_wrong_client_secret_is_refused(
    client: Client, party: Party, jonas_phone: AppDevice
) -> None:
    code = query_of(log_in_with_app(client, party, jonas_phone))["code"]
    party.client_secret = "not-the-secret"
    status, body = exchange(client, party, code)
    assert (status, body["error"]) == (401, "invalid_client")


def test_a_blocked_device_logs_nobody_in_and_cancel_says_access_denied(
    client: Client, party: Party
) -> None:
    device = active_code_device(
        Identity.objects.create(
            cpr="0101801111", user_id="Karen K", user_id_key="karen k", status="active"
        )
    )
    lifecycle.block_device(device, reason="lost", by=None)
    reference = start(client, party)
    type_user_id(client, reference, "Karen K")
    page = client.post(
        "/en/login/code-device/",
        {"password": "Karens kodeord 7", "code": device.token.current_code()},
        follow=True,
    ).content.decode()
    assert "This device is blocked." in page and "<h1>Nordbank</h1>" in page
    assert nobody_logged_in(client)
    answer = query_of(client.get(f"/en/relying-parties/{reference}/back/")["Location"])
    assert answer["error"] == "access_denied"


def test_a_blocked_identity_can_never_log_in_for_a_party(
    client: Client, party: Party, jonas_phone: AppDevice
) -> None:
    lifecycle.block_identity(jonas_phone.identity, reason="lost", by=None)
    reference = start(client, party)
    type_user_id(client, reference, "J()nas Jen5en")
    client.get("/en/login/app/")
    login = AppLogin.objects.get()
    assert login.identity is None  # nobody's: it can never be approved
    assert nobody_logged_in(client)
    answer = query_of(client.get(f"/en/relying-parties/{reference}/back/")["Location"])
    assert answer["error"] == "access_denied"


def test_asking_for_high_tells_the_citizen_about_borgerservice_and_the_party_why(
    client: Client, party: Party, jonas_phone: AppDevice
) -> None:
    page = log_in_with_app(client, party, jonas_phone, acr_values=f"{LOA}High")
    assert page.status_code == 403  # type: ignore[attr-defined]
    text = page.content.decode()  # type: ignore[attr-defined]
    assert "Borgerservice" in text
    # Both levels link to the page that explains them.
    assert 'level <strong><a href="/en/levels/#high">High</a></strong>.' in text
    assert 'level <strong><a href="/en/levels/#substantial">Substantial</a></strong>,' in text
    assert nobody_logged_in(client)
    reference = text.split("/relying-parties/")[1].split("/")[0]
    answer = query_of(client.get(f"/en/relying-parties/{reference}/back/")["Location"])
    assert answer["error"] == "unmet_authentication_requirements"


def test_the_level_asked_for_is_the_lowest_of_the_values(
    client: Client, party: Party, jonas_phone: AppDevice
) -> None:
    location = log_in_with_app(client, party, jonas_phone, acr_values=f"{LOA}High {LOA}Substantial")
    assert "code" in query_of(location)


def test_the_refusal_page_speaks_the_language_the_party_asked_for(
    client: Client, party: Party
) -> None:
    response = client.get(
        authorize_url(party, redirect_uri="https://evil.example/", ui_locales="da")
    )
    assert "ikke har registreret hos MitID" in response.content.decode()
    assert response.status_code == 400
    assert REDIRECT_URI not in response.content.decode()


def test_a_code_is_kept_only_as_its_hash_on_the_party_login(
    client: Client, party: Party, jonas_phone: AppDevice
) -> None:
    code = query_of(log_in_with_app(client, party, jonas_phone))["code"]
    row = PartyLogin.objects.values().get()
    assert not Grant.objects.exists()  # django-oauth-toolkit's plain-text code table
    assert code not in json.dumps(row, default=str)
    assert row["code_hash"] == hashlib.sha256(code.encode()).hexdigest()


def test_an_unknown_code_is_refused(client: Client, party: Party) -> None:
    status, body = exchange(client, party, "not-a-code-we-gave")
    assert (status, body["error"]) == (400, "invalid_grant")
    assert not AuditEntry.objects.filter(action="oidc_code_reused").exists()


def test_the_code_with_another_redirect_uri_is_refused(
    client: Client, party: Party, jonas_phone: AppDevice
) -> None:
    code = query_of(log_in_with_app(client, party, jonas_phone))["code"]
    response = Client().post(
        "/oidc/token/",
        {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": "https://bank.example/other",
            "code_verifier": VERIFIER,
        },
        headers={"Authorization": basic(party)},
    )
    # oauthlib answers invalid_request here (RFC 6749 section 5.2 would name invalid_grant).
    assert (response.status_code, response.json()["error"]) == (400, "invalid_request")
    assert exchange(client, party, code)[0] == 200  # not used up by the refusal


def test_another_partys_code_is_refused_and_revokes_nothing(
    client: Client, party: Party, cpr_party: Party, jonas_phone: AppDevice
) -> None:
    code = query_of(log_in_with_app(client, party, jonas_phone))["code"]
    status, tokens = exchange(client, party, code)
    assert status == 200
    status, body = exchange(client, cpr_party, code)
    assert (status, body["error"]) == (400, "invalid_grant")
    bearer = {"Authorization": f"Bearer {tokens['access_token']}"}
    assert Client().get("/oidc/userinfo/", headers=bearer).status_code == 200
    assert not AuditEntry.objects.filter(action="oidc_code_reused").exists()


@pytest.mark.parametrize(
    "form",
    [
        {"grant_type": "password", "username": "staff", "password": "Right-Or-Wrong-1"},
        {"grant_type": "client_credentials"},
        {"grant_type": "urn:ietf:params:oauth:grant-type:device_code"},
        {"grant_type": "urn:ietf:params:oauth:grant-type:device_code", "device_code": "x"},
        {"grant_type": "refresh_token", "refresh_token": "x"},
    ],
)
def test_only_the_code_grant_is_served_and_no_password_is_ever_checked(
    party: Party, form: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """oauthlib's password grant checks the password before whether the client may use the
    grant: served, it would tell any client whether a staff member's or citizen's password
    is right, with no lock-out. Every grant but the code's is unsupported_grant_type."""
    from django.contrib.auth import authenticate as real_authenticate
    from oauth2_provider import oauth2_validators

    checked: list[object] = []
    monkeypatch.setattr(
        oauth2_validators,
        "authenticate",
        lambda *args, **kwargs: checked.append(kwargs) or real_authenticate(*args, **kwargs),
    )
    response = Client().post("/oidc/token/", form, headers={"Authorization": basic(party)})
    assert response.status_code == 400, response.content
    assert response.json()["error"] == "unsupported_grant_type"
    assert response["Content-Type"] == "application/json"
    assert checked == []


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        ('{"grant_type": "authorization_code", "code": "x"}', "application/json"),
        ("grant_type=authorization_code&code=x", "text/plain"),
        ("code=x", "application/x-www-form-urlencoded"),
    ],
)
def test_a_token_request_without_a_grant_type_in_a_form_is_invalid_request(
    party: Party, body: str, content_type: str
) -> None:
    """A parameter missing (RFC 6749 section 5.2), not a grant that is not served (a probe's
    JSON body was told unsupported_grant_type)."""
    response = Client().post(
        "/oidc/token/", body, content_type=content_type, headers={"Authorization": basic(party)}
    )
    assert (response.status_code, response.json()["error"]) == (400, "invalid_request")
    assert response["Cache-Control"] == "no-store"


def test_an_error_description_quoting_the_request_is_printable_ascii(
    client: Client, party: Party
) -> None:
    """RFC 6749 section 4.1.2.1: %x20-21 / %x23-5B / %x5D-7E, whatever the party sent."""
    answer = query_of(
        client.get(authorize_url(party, acr_values='https://ex.example/"høj"\\'))["Location"]
    )
    assert answer["error"] == "invalid_request"
    assert answer["error_description"].endswith("https://ex.example/?h?j??")


@pytest.mark.parametrize(
    ("details", "said"),
    [
        (None, "The login was rejected in the app."),
        (
            json.dumps([{"type": "mitid_approval", "text": "Pay 200 kr."}]),
            "The approval was rejected in the app.",
        ),
    ],
)
def test_a_rejection_in_the_app_is_told_as_what_was_asked(
    client: Client, party: Party, jonas_phone: AppDevice, details: str | None, said: str
) -> None:
    from login import app_logins

    reference = start(client, party, authorization_details=details)
    type_user_id(client, reference, "J()nas Jen5en")
    login = AppLogin.objects.get()
    app_logins.scan(signer=jonas_phone, frame_text=app_logins.frame(login))
    app_logins.reject(signer=jonas_phone, token=str(login.token))
    page = client.get("/en/login/app/").content.decode()
    assert said in page and "<h1>Nordbank</h1>" in page
    assert nobody_logged_in(client)


def test_a_transfer_rejected_in_the_app_is_in_the_citizens_history(
    client: Client, party: Party, jonas_phone: AppDevice
) -> None:
    """Someone else's transfer, said no to: the very line a citizen looks for in the history."""
    from login import app_logins
    from selfservice.services import history

    details = json.dumps([{"type": "mitid_approval", "text": "Pay 200 kr."}])
    type_user_id(client, start(client, party, authorization_details=details), "J()nas Jen5en")
    login = AppLogin.objects.get()
    app_logins.scan(signer=jonas_phone, frame_text=app_logins.frame(login))
    app_logins.reject(signer=jonas_phone, token=str(login.token))
    (use,) = history(jonas_phone.identity)
    assert (use.kind, use.service, use.text) == ("rejected", "Nordbank", "Pay 200 kr.")


@pytest.mark.parametrize(
    ("asked", "english"),
    [
        (
            "/oidc/authorize/?client_id=nobody&redirect_uri=https://evil.example/&ui_locales=da",
            "We cannot log you in to this service",
        ),
        ("/oidc/logout/?client_id=nobody&ui_locales=da", "The service could not log you out"),
    ],
)
def test_the_language_buttons_on_a_partys_refused_page_show_it_in_that_language(
    client: Client, asked: str, english: str
) -> None:
    """The party's `ui_locales` names the page's language, so the switch names the chosen one
    there: "English" brought the page back in Danish (a walk, the refused and logout pages)."""
    page = client.get(asked).content.decode()
    assert '<html lang="da">' in page
    action = re.search(
        r'value="en" lang="en"\s+form="language-switcher-form" formaction="([^"]+)"', page
    )
    assert action
    switched = client.post(html.unescape(action.group(1)), {"language": "en"})
    assert "ui_locales=en" in switched["Location"] and "ui_locales=da" not in switched["Location"]
    again = client.get(switched["Location"]).content.decode()
    assert '<html lang="en">' in again and english in again


def query(**values: str) -> QueryDict:
    made = QueryDict(mutable=True)
    made.update(values)
    return made


def test_every_control_character_in_a_parameter_is_refused_and_nothing_else() -> None:
    """Unicode's category Cc, each of its characters, in any parameter; no other character
    (the check is one pattern a value, not a look-up of each character's category)."""
    controls = [chr(c) for c in range(sys.maxunicode + 1) if unicodedata.category(chr(c)) == "Cc"]
    for control in controls:
        with pytest.raises(parameters.BadRequest, match="Control characters in: state"):
            parameters.plain_values(query(nonce="n", state=f"s{control}"))
    others = "".join(
        chr(c)
        for c in range(sys.maxunicode + 1)
        if unicodedata.category(chr(c)) not in {"Cc", "Cs"}  # no lone surrogates in a query
    )
    parameters.plain_values(query(state=others))
