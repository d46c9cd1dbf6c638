import re

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

CONTENT_PAGES = ["", "get-mitid/", "alternatives/", "safety/", "help/"]


@pytest.mark.parametrize("language", ["da", "en", "kl"])
@pytest.mark.parametrize("page", CONTENT_PAGES)
def test_content_pages_render_in_each_language(client: Client, language: str, page: str) -> None:
    response = client.get(f"/{language}/{page}")
    html = response.content.decode()
    assert response.status_code == 200
    assert f'<html lang="{language}">' in html
    assert "33 98 00 10" in html, "the support number is on every page"


@pytest.mark.parametrize(
    ("language", "heading"),
    [
        ("da", "MitID – dit digitale ID"),
        ("en", "MitID – your digital ID"),
        ("kl", "MitID – kinaassutsimut uppernarsaatit digitaliusoq"),
    ],
)
def test_the_front_page_speaks_the_chosen_language(
    client: Client, language: str, heading: str
) -> None:
    assert heading in client.get(f"/{language}/").content.decode()


def test_the_root_redirects_to_danish_by_default(client: Client) -> None:
    assert client.get("/")["Location"] == "/da/"


def test_the_root_follows_the_browser_language(client: Client) -> None:
    assert client.get("/", HTTP_ACCEPT_LANGUAGE="kl")["Location"] == "/kl/"


def test_the_help_pages_show_the_support_hours_and_borgerservice(client: Client) -> None:
    html = client.get("/en/help/").content.decode()
    for fact in ["08:00–20:00", "10:00–16:00", "70 20 00 00", "Torvet 5", "96 28 24 00"]:
        assert fact in html


@pytest.mark.parametrize(
    ("language", "order"), [("en", ["en", "da", "kl"]), ("kl", ["kl", "da", "en"])]
)
def test_a_page_without_the_chosen_language_shows_the_trilingual_notice(
    client: Client, language: str, order: list[str]
) -> None:
    html = client.get(f"/{language}/help/help-someone-else/").content.decode()
    sections = re.findall(r'<section class="portal-notice-section" lang="(\w+)">\s*<(h\d)>', html)
    assert sections == [(order[0], "h1"), (order[1], "h2"), (order[2], "h2")], "chosen first"
    assert html.count("<h1") == 1
    # The seed's pattern: not available in the selected language; the languages listed below.
    assert "The page is not available in the selected language" in html
    assert "The languages it is available in are listed below." in html
    assert "Siden er ikke tilgængelig på det valgte sprog" in html
    assert 'href="/da/help/help-someone-else/"' in html
    assert 'href="/kl/help/help-someone-else/"' not in html, "only languages it exists in"


def test_the_page_shows_itself_in_a_language_it_exists_in(client: Client) -> None:
    html = client.get("/da/help/help-someone-else/").content.decode()
    assert "Hjælp en anden med at få MitID" in html
    assert "The page is not available" not in html


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("/en/no-such-page/", "Page not found"),
        ("/da/no-such-page/", "Siden blev ikke fundet"),
        ("/kl/no-such-page/", "Qupperneq nassaarineqanngilaq"),
    ],
)
def test_an_unknown_page_is_a_404_in_the_page_language(
    client: Client, path: str, message: str
) -> None:
    response = client.get(path)
    assert response.status_code == 404
    assert message in response.content.decode()


def test_an_unknown_language_prefix_is_a_404_in_the_default_language(client: Client) -> None:
    response = client.get("/xx/help/")
    assert response.status_code == 404
    assert "Siden blev ikke fundet" in response.content.decode()


def test_switching_language_keeps_the_citizen_on_the_same_page(client: Client) -> None:
    response = client.post("/i18n/switch/?next=/da/safety/", {"language": "kl"})
    assert response["Location"] == "/kl/safety/"


def test_switching_to_an_unknown_language_changes_nothing(client: Client) -> None:
    response = client.post("/i18n/switch/?next=/da/safety/", {"language": "xx"})
    assert response["Location"] == "/da/safety/"


def test_every_page_offers_the_other_languages(client: Client) -> None:
    html = client.get("/da/").content.decode()
    assert 'value="en" lang="en"' in html and "English" in html
    assert 'value="kl" lang="kl"' in html and "Kalaallisut" in html


def test_the_page_forms_own_next_field_does_not_steer_the_switch(client: Client) -> None:
    response = client.post(
        "/i18n/switch/?next=/da/nemid/login/%3Fnext%3D/da/help/",
        {"language": "en", "next": "/da/help/"},
    )
    assert response["Location"] == "/en/nemid/login/?next=/da/help/"


def test_an_offsite_next_in_the_switch_goes_to_the_front_page(client: Client) -> None:
    response = client.post("/i18n/switch/?next=https://evil.example/", {"language": "en"})
    assert response["Location"] == "/en/"


def test_the_switch_remembers_the_language_in_a_cookie(client: Client) -> None:
    client.post("/i18n/switch/?next=/da/", {"language": "kl"})
    assert client.get("/")["Location"] == "/kl/"


def test_the_switch_works_whatever_language_the_browser_prefers(client: Client) -> None:
    response = client.post(
        "/i18n/switch/?next=/da/nemid/login/",
        {"language": "kl", "user_id": "Jonas1983"},
        HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9",
    )
    assert response["Location"] == "/kl/nemid/login/"
    assert 'value="Jonas1983"' in client.get("/kl/nemid/login/").content.decode()
