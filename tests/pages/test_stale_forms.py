"""A form refused for a stale CSRF token: the page again, with what was typed (a walk found
the user-ID gone after another tab's login gave the browser a new token)."""

import pytest
from django.middleware.csrf import _get_new_csrf_string
from django.test import Client
from django.urls import reverse
from django.utils import translation

pytestmark = pytest.mark.django_db

OURS = "http://testserver"


def url(name: str, language: str = "en") -> str:
    with translation.override(language):
        return reverse(name)


def stale_browser(page: str) -> tuple[Client, str]:
    """A browser that showed `page`, whose CSRF cookie then changed (another tab logged in):
    the token in the page's form is stale."""
    browser = Client(enforce_csrf_checks=True)
    html = browser.get(page).content.decode()
    token = html.split('name="csrfmiddlewaretoken" value="')[1].split('"')[0]
    browser.cookies["csrftoken"] = _get_new_csrf_string()
    return browser, token


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("en", "The form had expired, so nothing was sent."),
        ("da", "Formularen var udløbet, så intet blev sendt."),
    ],
)
def test_a_stale_form_comes_back_with_what_was_typed_and_why(language: str, words: str) -> None:
    page = url("login:start", language)
    browser, token = stale_browser(page)

    response = browser.post(
        page, {"csrfmiddlewaretoken": token, "user_id": "jonas.j"}, HTTP_ORIGIN=OURS
    )

    assert response.status_code == 302
    assert response["Location"] == page
    again = browser.get(page).content.decode()
    assert 'value="jonas.j"' in again
    assert words in again


def test_a_stale_form_keeps_no_password() -> None:
    page = url("nemid:login")
    browser, token = stale_browser(page)

    browser.post(
        page,
        {"csrfmiddlewaretoken": token, "user_id": "Jonas1983", "password": "secret-password"},
        HTTP_ORIGIN=OURS,
    )

    again = browser.get(page).content.decode()
    assert 'value="Jonas1983"' in again
    assert "secret-password" not in again


@pytest.mark.parametrize(
    "headers",
    [
        {},  # no Origin: nothing says the form was ours
        {"HTTP_ORIGIN": "https://evil.example"},
        {"HTTP_ORIGIN": OURS, "HTTP_HX_REQUEST": "true"},  # a part of a page
    ],
)
def test_other_refused_forms_get_the_page_that_says_so(headers: dict[str, str]) -> None:
    page = url("login:start")
    browser, token = stale_browser(page)

    response = browser.post(page, {"csrfmiddlewaretoken": token, "user_id": "jonas.j"}, **headers)

    assert response.status_code == 403
    assert "The form had expired" in response.content.decode()
    assert 'value="jonas.j"' not in browser.get(page).content.decode()


def test_a_browser_without_the_cookie_gets_the_page_that_says_so() -> None:
    """Cookies off: the form again would be refused again, without a word."""
    page = url("login:start")
    browser, token = stale_browser(page)
    del browser.cookies["csrftoken"]

    response = browser.post(
        page, {"csrfmiddlewaretoken": token, "user_id": "jonas.j"}, HTTP_ORIGIN=OURS
    )

    assert response.status_code == 403


def test_a_form_of_a_page_that_keeps_nothing_gets_the_page_that_says_so() -> None:
    """A POST-only address (logging out) has no page to come back to."""
    browser, token = stale_browser(url("login:start"))

    response = browser.post(url("login:log_out"), {"csrfmiddlewaretoken": token}, HTTP_ORIGIN=OURS)

    assert response.status_code == 403
