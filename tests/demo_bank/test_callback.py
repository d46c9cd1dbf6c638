"""The Demo Bank's return from the portal: anything but a good code is said on its page."""

from typing import Any

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _bank_at_this_server(settings: Any) -> None:
    settings.DEMO_BANK_ORIGINS = ["http://testserver"]


def test_the_bank_sends_nothing_to_an_address_it_is_not_registered_at(
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The bank's client fetches the portal's discovery document from the address the browser
    used and sends the bank's secret to the token endpoint it names: a `Host` that Django lets
    through (any port of localhost) but the bank is not registered at gets a 400, and nothing
    is fetched (a probe's finding: the bank asked a listener on another port)."""
    from demo_bank import views
    from demo_bank.sessions import COOKIE_NAME

    asked: list[str] = []
    monkeypatch.setattr(views, "client_for", lambda portal: asked.append(portal))
    bank_session(client, id_token={"name": "Jonas Jensen"})  # logged in at the bank
    logged_in = client.cookies[COOKIE_NAME].value
    for path in ("/en/demo-bank/log-in/", "/en/demo-bank/transfer/", "/en/demo-bank/log-out/"):
        response = client.post(path, HTTP_HOST="localhost:8777")
        assert response.status_code == 400, path
    # Refused before the bank's session changed: the customer is still logged in there.
    assert client.cookies[COOKIE_NAME].value == logged_in
    response = client.get("/demo-bank/callback/?code=x&state=y", HTTP_HOST="localhost:8777")
    assert response.status_code == 400
    assert asked == []


def test_a_return_the_bank_did_not_start_is_said_not_raised(client: Client) -> None:
    """No login under way in this browser (another tab, an old link): Authlib finds no state."""
    response = client.get("/demo-bank/callback/?code=made-up&state=made-up")
    assert response.status_code == 302
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert 'data-error="' in page.content.decode()


def test_the_portal_out_of_reach_is_said_not_raised(client: Client, monkeypatch) -> None:
    import requests

    from demo_bank import views

    class Unreachable:
        def authorize_access_token(self, request: object) -> None:
            raise requests.ConnectionError("the portal does not answer")

    monkeypatch.setattr(views, "client_for", lambda portal: Unreachable())
    response = client.get("/demo-bank/callback/?code=x&state=y")
    assert response.status_code == 302
    assert 'data-error="server_error"' in client.get(response["Location"]).content.decode()


def bank_session(client: Client, **state: object) -> None:
    """The bank's own session (its own cookie, not the portal's) holding `state`."""
    from importlib import import_module

    from django.conf import settings

    from demo_bank.sessions import COOKIE_NAME

    session = import_module(settings.SESSION_ENGINE).SessionStore()
    session["demo_bank"] = state
    session.save()
    client.cookies[COOKIE_NAME] = session.session_key


@pytest.mark.parametrize(
    ("language", "name"), [("da", "Betydelig"), ("en", "Substantial"), ("kl", "Annertuujoq")]
)
def test_the_level_of_the_login_is_named_in_the_pages_language_and_links_mitids_page(
    client: Client, language: str, name: str
) -> None:
    acr = "https://data.gov.dk/concept/core/nsis/loa/Substantial"
    bank_session(client, id_token={"sub": "x", "acr": acr}, userinfo={"name": "Jonas Jensen"})
    page = client.get(f"/{language}/demo-bank/").content.decode()
    level = f'<a href="http://testserver/{language}/levels/#substantial">{name}</a>'
    assert f'<strong data-testid="level">{level}</strong>' in page


@pytest.mark.django_db(transaction=True)  # the bank's worker thread reads the session written here
def test_a_return_opened_again_changes_nothing_for_the_logged_in_customer(
    client: Client,
) -> None:
    """The callback's address opened again (reload, history) after the login it ended: the
    bank asked for nothing, so nothing failed; the customer stays logged in, and no "did not
    succeed" stands beside their name."""
    bank_session(client, id_token={"sub": "x"}, userinfo={"name": "Jonas Jensen"})
    response = client.get("/demo-bank/callback/?code=used&state=old")
    page = client.get(response["Location"]).content.decode()
    assert 'data-error="' not in page and "Jonas Jensen" in page


@pytest.mark.django_db(transaction=True)
def test_a_refused_transfer_is_said_beside_the_login_the_bank_has(client: Client) -> None:
    """Logged in, a transfer asked for and cancelled at the portal: said once, the customer
    still logged in at the bank."""
    bank_session(client, id_token={"sub": "x"}, userinfo={"name": "Jonas Jensen"}, asked="transfer")
    response = client.get("/demo-bank/callback/?error=access_denied&state=old")
    page = client.get(response["Location"]).content.decode()
    assert 'data-error="' in page and "Jonas Jensen" in page
    again = client.get(response["Location"]).content.decode()
    assert 'data-error="' not in again and "Jonas Jensen" in again


def test_the_banks_pages_show_not_the_portals_log_in(client: Client) -> None:
    page = client.get("/en/demo-bank/").content.decode()
    assert 'href="/en/login/"' not in page and "demo-bank/log-in/" in page


def test_a_level_too_low_links_the_level_the_bank_needs(client: Client) -> None:
    bank_session(client, error="unmet_authentication_requirements")
    page = client.get("/en/demo-bank/").content.decode()
    assert 'level <a href="http://testserver/en/levels/#substantial">Substantial</a>.' in page


def test_the_way_back_from_logout_changes_nothing_for_a_log_out_that_did_not_begin_here(
    client: Client,
) -> None:
    """Another site's link to it logs nobody out of the bank."""
    bank_session(client, id_token={"sub": "x"}, userinfo={"name": "Jonas Jensen"})
    response = client.get("/demo-bank/logged-out/")
    page = client.get(response["Location"]).content.decode()
    assert "Jonas Jensen" in page and 'data-testid="logged-out"' not in page
