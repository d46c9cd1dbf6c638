import logging
import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from nemid.models import NemIDAccount

pytestmark = pytest.mark.django_db

JONAS_PASSWORD = "Nemid-Jonas-1983"


def url(name: str, language: str = "da") -> str:
    with translation.override(language):
        return reverse(name)


def shown_key(html: str) -> str:
    match = re.search(r'data-testid="nemid-key">(\d{4})<', html)
    assert match, "the key card page shows no key"
    return match.group(1)


def log_in_to_key_card(client: Client, language: str = "da") -> tuple[str, NemIDAccount]:
    response = client.post(
        url("nemid:login", language), {"user_id": "jonas1983", "password": JONAS_PASSWORD}
    )
    assert response.status_code == 302
    page = client.get(response["Location"])
    return shown_key(page.content.decode()), NemIDAccount.objects.get(user_id="Jonas1983")


@pytest.mark.parametrize(
    ("language", "greeting"),
    [("da", "Hej Jonas Jensen"), ("en", "Hello Jonas Jensen"), ("kl", "Aluu Jonas Jensen")],
)
def test_nemid_login_ends_on_a_page_greeting_the_citizen(
    client: Client, demo_people: None, language: str, greeting: str
) -> None:
    key, account = log_in_to_key_card(client, language)
    session_before = client.session.session_key

    response = client.post(
        url("nemid:key_card", language), {"code": account.code_for(key)}, follow=True
    )

    assert response.redirect_chain[-1][0] == url("enrollment:start", language)
    assert greeting in response.content.decode()
    assert client.session.session_key != session_before, "the session key must be rotated"
    assert client.session["nemid_proof"]["cpr"] == "1505831235"


def test_the_login_goes_on_to_a_safe_next_page(client: Client, demo_people: None) -> None:
    response = client.post(
        url("nemid:login"),
        {"user_id": "Jonas1983", "password": JONAS_PASSWORD, "next": "/da/help/"},
    )
    key = shown_key(client.get(response["Location"]).content.decode())
    code = NemIDAccount.objects.get(user_id="Jonas1983").code_for(key)
    assert client.post(url("nemid:key_card"), {"code": code})["Location"] == "/da/help/"


def test_the_next_page_follows_a_language_chosen_at_the_key_card(
    client: Client, demo_people: None
) -> None:
    response = client.post(
        "/da/nemid/login/",
        {"user_id": "Jonas1983", "password": JONAS_PASSWORD, "next": "/da/enrollment/"},
    )
    key = shown_key(client.get("/en/nemid/key-card/").content.decode())  # switched to English
    code = NemIDAccount.objects.get(user_id="Jonas1983").code_for(key)
    answer = client.post("/en/nemid/key-card/", {"code": code})
    assert answer["Location"] == "/en/enrollment/", response


@pytest.mark.parametrize("next_page", ["https://evil.example/", "abc", "selfservice:overview"])
def test_an_offsite_next_page_is_ignored(client: Client, demo_people: None, next_page: str) -> None:
    """Another site's address, and a bare word (which Django's redirect() takes for a view's
    name: a probe's `next=abc` was a server error)."""
    response = client.post(
        url("nemid:login"),
        {"user_id": "Jonas1983", "password": JONAS_PASSWORD, "next": next_page},
    )
    key = shown_key(client.get(response["Location"]).content.decode())
    code = NemIDAccount.objects.get(user_id="Jonas1983").code_for(key)
    assert client.post(url("nemid:key_card"), {"code": code})["Location"] == url("enrollment:start")


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("da", "Bruger-ID eller adgangskode er forkert"),
        ("en", "The user-ID or the password is wrong"),
        ("kl", "Atuisup ID-ia imaluunniit isissutissaq kukkuvoq"),
    ],
)
def test_a_wrong_password_is_explained_in_the_page_language_and_keeps_the_user_id(
    client: Client, demo_people: None, language: str, message: str
) -> None:
    refused = client.post(url("nemid:login", language), {"user_id": "Jonas1983", "password": "no"})
    # A redirect to the page, which says why: Back or reload never sends the password again.
    assert refused["Location"] == url("nemid:login", language)
    response = client.get(refused["Location"])
    html = response.content.decode()
    assert response.status_code == 200
    assert message in html
    assert 'value="Jonas1983"' in html
    assert 'value="no"' not in html, "a password is never sent back to the browser"
    assert 'aria-invalid="true"' in html
    assert 'href="#id_password"' in html, "the error summary links to the field"


def test_an_empty_form_gets_an_error_per_field(client: Client, db: None) -> None:
    html = client.post(url("nemid:login", "en"), {}, follow=True).content.decode()
    assert "Type your NemID user-ID." in html
    assert "Type your password." in html


def test_the_lock_is_told_to_the_citizen_and_logged_without_secrets(
    client: Client, demo_people: None, settings, caplog: pytest.LogCaptureFixture
) -> None:
    settings.NEMID_MAX_FAILURES = 5
    with caplog.at_level(logging.WARNING):
        for _ in range(5):
            response = client.post(
                url("nemid:login", "en"),
                {"user_id": "Jonas1983", "password": "guess-123"},
                follow=True,
            )
    assert "Your NemID is locked after too many failed attempts" in response.content.decode()
    assert "locked until" in caplog.text
    assert "guess-123" not in caplog.text
    assert "Jonas1983" not in caplog.text


def test_a_wrong_key_code_keeps_the_same_key(client: Client, demo_people: None) -> None:
    key, _account = log_in_to_key_card(client, "en")
    response = client.post(url("nemid:key_card", "en"), {"code": "000000"}, follow=True)
    html = response.content.decode()
    assert "The code does not match the key" in html
    assert shown_key(html) == key


def test_a_malformed_key_code_is_refused_before_asking_nemid(
    client: Client, demo_people: None
) -> None:
    log_in_to_key_card(client, "en")
    response = client.post(url("nemid:key_card", "en"), {"code": "12ab"}, follow=True)
    assert "The code is 6 digits" in response.content.decode()
    assert NemIDAccount.objects.get(user_id="Jonas1983").failed_attempts == 0


def test_replaying_a_used_key_code_sends_the_citizen_back_to_log_in(
    client: Client, demo_people: None
) -> None:
    key, account = log_in_to_key_card(client, "en")
    pending = dict(client.session["nemid_challenge"])
    client.post(url("nemid:key_card", "en"), {"code": account.code_for(key)})

    # An attacker replays the same challenge and code in a second browser.
    attacker = Client()
    session = attacker.session
    session["nemid_challenge"] = pending
    session.save()
    response = attacker.post(
        url("nemid:key_card", "en"), {"code": account.code_for(key)}, follow=True
    )

    assert "This key card code has already been used" in response.content.decode()
    assert "nemid_proof" not in attacker.session


def test_the_key_card_page_without_a_password_first_goes_to_log_in(
    client: Client, db: None
) -> None:
    response = client.get(url("nemid:key_card", "en"))
    assert response["Location"] == url("nemid:login", "en")


def test_a_post_without_csrf_token_gets_a_clear_page_in_the_language(demo_people: None) -> None:
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        url("nemid:login", "en"), {"user_id": "Jonas1983", "password": JONAS_PASSWORD}
    )
    assert response.status_code == 403
    assert "The form had expired" in response.content.decode()


def test_log_out_forgets_the_proof(client: Client, demo_people: None) -> None:
    key, account = log_in_to_key_card(client)
    client.post(url("nemid:key_card"), {"code": account.code_for(key)})
    client.post(url("nemid:log_out"))
    assert client.get(url("enrollment:start"))["Location"].startswith(url("nemid:login"))


def test_the_user_id_survives_a_change_of_language_but_the_password_does_not(
    client: Client, db: None
) -> None:
    response = client.post(
        reverse("switch_language") + "?next=/da/nemid/login/",
        {"language": "en", "user_id": "Jonas1983", "password": "typed-secret"},
    )
    assert response["Location"] == "/en/nemid/login/"
    assert "typed-secret" not in str(dict(client.session))

    html = client.get("/en/nemid/login/").content.decode()
    assert 'value="Jonas1983"' in html
    assert "typed-secret" not in html
    # The draft is used once.
    assert 'value="Jonas1983"' not in client.get("/en/nemid/login/").content.decode()


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("en", "A NemID user-ID is at most 64 characters."),
        ("kl", "NemID-mi atuisup ID-ia ilisarnaatinik 64-inik amerlanerpaamik imaqarsinnaavoq."),
    ],
)
def test_a_tampered_overlong_field_is_explained_in_the_page_language(
    client: Client, db: None, language: str, message: str
) -> None:
    response = client.post(
        url("nemid:login", language), {"user_id": "x" * 500, "password": "p"}, follow=True
    )
    assert response.status_code == 200
    assert message in response.content.decode()


def test_a_tampered_overlong_key_code_gets_the_format_message(
    client: Client, demo_people: None
) -> None:
    log_in_to_key_card(client, "en")
    response = client.post(url("nemid:key_card", "en"), {"code": "1" * 50}, follow=True)
    assert "The code is 6 digits" in response.content.decode()


def test_a_refused_password_comes_back_to_the_page_with_where_the_login_leads(
    client: Client, demo_people: None
) -> None:
    refused = client.post(
        url("nemid:login", "en"),
        {"user_id": "Jonas1983", "password": "no", "next": "/en/enrollment/"},
    )
    assert refused["Location"] == url("nemid:login", "en") + "?next=%2Fen%2Fenrollment%2F"
    html = client.get(refused["Location"]).content.decode()
    assert '<input type="hidden" name="next" value="/en/enrollment/">' in html
    assert 'value="Jonas1983"' in html and "The user-ID or the password is wrong" in html
    # Said once: a reload shows the page without the error, and keeps no user-ID.
    again = client.get(refused["Location"]).content.decode()
    assert "is wrong" not in again and 'value="Jonas1983"' not in again
