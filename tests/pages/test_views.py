import re

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

CONTENT_PAGES = [
    "",
    "get-mitid/",
    "alternatives/",
    "safety/",
    "help/",
    "help/help-someone-else/",
    "levels/",
]
# A test URLconf: the portal's pages plus one written in Danish only.
DANISH_ONLY_URLS = "tests.pages.danish_only_urls"


@pytest.mark.parametrize("language", ["da", "en", "kl"])
@pytest.mark.parametrize("page", CONTENT_PAGES)
def test_content_pages_render_in_each_language(client: Client, language: str, page: str) -> None:
    response = client.get(f"/{language}/{page}")
    html = response.content.decode()
    assert response.status_code == 200
    assert f'<html lang="{language}">' in html
    assert "33 98 00 10" in html, "the support number is on every page"


def test_every_way_to_get_mitid_says_how_to_begin(client: Client) -> None:
    """A walk found the passport's and Borgerservice's ways with no next step."""
    page = client.get("/en/get-mitid/").content.decode()
    passport = page.split('id="passport"')[1].split("<h2")[0]
    assert "choose “With your passport”" in passport
    borgerservice = page.split("At Borgerservice</h2>")[1].split("<h3")[0]
    assert '<a href="/en/help/">Addresses and opening hours</a>' in borgerservice


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
    assert 'assurance level <a href="/en/levels/#high">High</a>.' in html


@pytest.mark.parametrize(
    ("language", "heading", "facts"),
    [
        (
            "da",
            "Hjælp en anden med at få MitID med sit pas",
            ["CPR-nummer", "P-kode", "3 minutter", "Kig væk", "15 dage"],
        ),
        (
            "en",
            "Help someone else get MitID with their passport",
            ["CPR number", "P-code", "3 minutes", "Look away", "15 days"],
        ),
        (
            "kl",
            "Allamik pas-ni atorlugu MitID-mik pissarsiniartumik ikiuigit",
            ["CPR-normua", "P-kodia", "minutsit 3", "allamut isigigit", "ullullu 15"],
        ),
    ],
)
def test_the_guide_to_helping_someone_else_says_the_same_in_each_language(
    client: Client, language: str, heading: str, facts: list[str]
) -> None:
    """Seed 004 as the portal offers it: the passport road from the helper's app, then the
    person's own app copied by QR (3 minutes) or a code device by post."""
    html = client.get(f"/{language}/help/help-someone-else/").content.decode()
    assert f"<h1>{heading}</h1>" in html
    assert "portal-notice-section" not in html
    for fact in facts:
        assert fact in html
    assert f'href="/{language}/enrollment/documents/terms/"' in html


def test_the_help_page_links_the_guide_in_the_same_language(client: Client) -> None:
    html = client.get("/kl/help/").content.decode()
    assert 'href="/kl/help/help-someone-else/"' in html
    assert "(in Danish)" not in client.get("/en/help/").content.decode()


@pytest.mark.urls(DANISH_ONLY_URLS)
@pytest.mark.parametrize(
    ("language", "order"), [("en", ["en", "da", "kl"]), ("kl", ["kl", "da", "en"])]
)
def test_a_page_without_the_chosen_language_shows_the_trilingual_notice(
    client: Client, language: str, order: list[str]
) -> None:
    html = client.get(f"/{language}/danish-only/").content.decode()
    sections = re.findall(r'<section class="portal-notice-section" lang="(\w+)">\s*<(h\d)>', html)
    assert sections == [(order[0], "h1"), (order[1], "h2"), (order[2], "h2")], "chosen first"
    assert html.count("<h1") == 1
    # The seed's pattern: not available in the selected language; the languages listed below.
    assert "The page is not available in the selected language" in html
    assert "The languages it is available in are listed below." in html
    assert "Siden er ikke tilgængelig på det valgte sprog" in html
    assert 'href="/da/danish-only/"' in html
    assert 'href="/kl/danish-only/"' not in html, "only languages it exists in"
    assert "Keep MitID to yourself" not in html, "the page itself is not shown"


@pytest.mark.urls(DANISH_ONLY_URLS)
def test_the_page_shows_itself_in_a_language_it_exists_in(client: Client) -> None:
    html = client.get("/da/danish-only/").content.decode()
    assert "<h1>MitID er kun til dig</h1>" in html
    assert "The page is not available" not in html
    assert "portal-notice-section" not in html


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
    assert response["Location"] == "/en/nemid/login/?next=/en/help/"


def test_the_page_a_login_leads_on_to_is_switched_too(client: Client) -> None:
    """Switched on the login page, the citizen is not sent back to Danish after it."""
    response = client.post(
        "/i18n/switch/?next=/da/login/%3Fnext%3D%252Fda%252Fselfservice%252Fhistory%252F",
        {"language": "en"},
    )
    assert response["Location"] == "/en/login/?next=/en/selfservice/history/"
    kept = client.post(
        "/i18n/switch/?next=/da/login/%3Fnext%3Dhttps://evil.example/%26for%3Dabc",
        {"language": "kl"},
    )
    assert kept["Location"] == "/kl/login/?next=https%3A//evil.example/&for=abc"


@pytest.mark.parametrize("next_page", ["https://evil.example/", "abc", "pages:help"])
@pytest.mark.parametrize("language", ["en", "xx"])
def test_an_offsite_next_in_the_switch_goes_to_the_front_page(
    client: Client, next_page: str, language: str
) -> None:
    """A bare word too: Django's redirect() would take it for a view's name (a 500)."""
    response = client.post(f"/i18n/switch/?next={next_page}", {"language": language})
    assert response["Location"] == ("/en/" if language == "en" else "/da/")


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


def test_a_user_id_typed_on_the_public_check_survives_a_change_of_language(
    client: Client,
) -> None:
    """The check is a function view: it declares what it keeps (`keeps_drafts`) as the
    form views do."""
    switched = client.post(
        "/i18n/switch/?next=/da/enrollment/check-user-id/",
        {"language": "en", "user_id": "Mit ID 77"},
    )
    assert switched["Location"] == "/en/enrollment/check-user-id/"
    page = client.get(switched["Location"]).content.decode()
    assert 'value="Mit ID 77"' in page
    assert 'value="Mit ID 77"' not in client.get(switched["Location"]).content.decode()
