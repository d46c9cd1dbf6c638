"""Redis not answering: a page that says so in the citizen's language (503, Retry-After), a
warning in the log rather than an error with a traceback, and no 500 anywhere a citizen goes.

Redis here is a real client asking a port where nothing listens (`redis_down`, conftest.py).
"""

import logging

import pytest
import redis.exceptions
from django.test import Client

from pages import outages

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("language", "heading"),
    [
        ("da", "MitID kan ikke svare lige nu"),
        ("en", "MitID cannot answer right now"),
        ("kl", "MitID maannakkut akisinnaanngilaq"),
    ],
)
def test_the_nemid_login_says_try_again_in_the_citizens_language(
    redis_down: None,
    demo_people: None,
    caplog: pytest.LogCaptureFixture,
    language: str,
    heading: str,
) -> None:
    with caplog.at_level(logging.WARNING):
        response = Client().post(
            f"/{language}/nemid/login/", {"user_id": "Jonas1983", "password": "Nemid-Jonas-1983"}
        )
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    html = response.content.decode()
    assert f"<h1>{heading}</h1>" in html
    assert f'<html lang="{language}">' in html
    assert "33 98 00 10" in html
    warned = [record for record in caplog.records if record.name == "pages.outages"]
    assert [record.levelname for record in warned] == ["WARNING"]
    # Django's one line for a 5xx answer, and no traceback.
    assert not [record for record in caplog.records if record.exc_info]


def test_the_user_id_check_and_the_code_device_login_say_so_too(redis_down: None) -> None:
    browser = Client()
    checked = browser.post("/en/enrollment/check-user-id/", {"user_id": "Fresh.Idea"})
    assert checked.status_code == 503
    browser.get("/en/login/")
    browser.post("/en/login/", {"user_id": "nobody-here"})
    code_device = browser.post(
        "/en/login/code-device/", {"password": "Not-the-password-1", "code": "123456"}
    )
    assert code_device.status_code == 503
    assert "MitID cannot answer right now" in code_device.content.decode()


def test_redis_refusing_the_portals_credentials_is_a_fault_not_an_outage() -> None:
    """A wrong password or ACL is configuration to mend: the error page and its traceback."""
    assert outages.is_outage(redis.exceptions.ConnectionError("refused"))
    assert outages.is_outage(redis.exceptions.TimeoutError("timed out"))
    assert not outages.is_outage(redis.exceptions.AuthenticationError("invalid password"))
    assert not outages.is_outage(redis.exceptions.AuthorizationError("NOPERM"))


def test_the_live_user_id_check_says_it_cannot_check_now(redis_down: None) -> None:
    """htmx swaps no 5xx answer in, so the live check's feedback says it, with a 200."""
    response = Client().post(
        "/da/enrollment/check-user-id/", {"user_id": "Fresh.Idea"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    assert response["Retry-After"] == "30"
    html = response.content.decode()
    assert html.startswith('<div id="user-id-feedback"')
    assert "MitID kan ikke tjekke bruger-ID'er lige nu. Prøv igen om et minut." in html
