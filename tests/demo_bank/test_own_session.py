"""The Demo Bank keeps a session of its own, as a bank on a site of its own would: what the
portal does to its session (a login as someone else flushes it, a log-out empties it) does
not touch the bank's, and the bank's log-out reaches the portal only by RP-initiated logout.

The browser is Django's test client; the bank's own calls to the portal (discovery, token,
keys, userinfo) go through Authlib's `requests` sessions, carried to the portal in this
process. The bank makes them on a worker thread, so the database is transactional.
"""

import re
from typing import Any
from urllib.parse import urlsplit

import pytest
import requests
from django.test import Client

from authenticators.models import AppDevice
from demo_bank.sessions import COOKIE_NAME
from relying_parties.demo import seed_demo_bank
from tests.factories import AppDeviceFactory, RegisteredPersonFactory
from tests.relying_parties.conftest import BASE, DjangoTransport, approve_in_app

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def bank(monkeypatch: pytest.MonkeyPatch, settings: Any) -> None:
    """The Demo Bank registered for this test server, its calls to the portal carried here."""
    settings.DEMO_BANK_ORIGINS = [BASE]
    seed_demo_bank()
    portal = DjangoTransport()
    elsewhere = requests.Session.get_adapter

    def adapter(session: requests.Session, url: str) -> object:
        return portal if url.startswith(BASE) else elsewhere(session, url)

    monkeypatch.setattr(requests.Session, "get_adapter", adapter)


def citizen(user_id: str, cpr: str, given_name: str) -> AppDevice:
    RegisteredPersonFactory(cpr=cpr, given_name=given_name, family_name="Jensen")
    device: AppDevice = AppDeviceFactory(identity__user_id=user_id, identity__cpr=cpr)
    return device


def log_in_at_the_bank(browser: Client, phone: AppDevice, at_portal: str = "da") -> str:
    """From the bank's button to the bank's page after the login; returns that page.
    `at_portal`: the language the citizen goes on in from the portal's user-ID page (its
    language buttons lead there)."""
    sent = browser.post("/da/demo-bank/log-in/")
    assert sent.status_code == 302 and "/oidc/authorize/" in sent["Location"], sent
    to_login = browser.get(sent["Location"])  # answered with the login's user-ID page
    assert to_login.status_code == 200, to_login.content[:300]
    found = re.search(r'name="for" value="([^"]+)"', to_login.content.decode())
    assert found, "the user-ID page is the bank's login's"
    reference = found.group(1)
    typed = browser.post(
        f"/{at_portal}/login/", {"user_id": phone.identity.user_id, "next": "", "for": reference}
    )
    assert typed.status_code == 200, typed.content[:300]  # the app page itself
    approve_in_app(phone)
    location = browser.get(f"/{at_portal}/login/app/")["Location"]
    while "/demo-bank/callback/" not in location:
        answer = browser.get(location)
        assert answer.status_code == 302, answer.content[:300]
        location = answer["Location"]
    back = browser.get(urlsplit(location).path + "?" + urlsplit(location).query)
    assert back.status_code == 302, back.content[:300]
    return browser.get(back["Location"]).content.decode()


def test_a_login_as_someone_else_at_the_portal_does_not_lose_the_banks_login(
    bank: None, client: Client, jonas_phone: AppDevice
) -> None:
    mette_phone = citizen("Mette M0rtensen", "0703901234", "Mette")

    page = log_in_at_the_bank(client, jonas_phone)
    assert 'data-error="' not in page and "Jonas Jensen" in page
    # The same browser, another citizen: the portal's login as Mette flushes the portal's
    # session, which holds Jonas's login; the bank's state for this login is not in it.
    page = log_in_at_the_bank(client, mette_phone)
    assert 'data-error="' not in page, page
    assert "Mette Jensen" in page and "Jonas Jensen" not in page


def test_the_bank_goes_on_in_the_language_the_citizen_chose_at_mitid(
    bank: None, client: Client, jonas_phone: AppDevice
) -> None:
    """A walk found the bank in Danish after a login the citizen had switched to English at
    MitID: the ID token's `locale` says the language the login ended in."""
    page = log_in_at_the_bank(client, jonas_phone, at_portal="en")
    assert '<html lang="en"' in page and "Jonas Jensen" in page
    assert "&quot;locale&quot;: &quot;en&quot;" in page  # among the claims the bank shows


def test_the_bank_keeps_its_login_the_portal_none_and_the_banks_log_out_says_both(
    bank: None, client: Client, jonas_phone: AppDevice
) -> None:
    log_in_at_the_bank(client, jonas_phone)
    assert "_auth_user_id" not in client.session  # no login left at the portal
    assert "Jonas Jensen" in client.get("/da/demo-bank/").content.decode()

    logged_in_key = client.cookies[COOKIE_NAME].value
    out = client.post("/da/demo-bank/log-out/")
    assert out.status_code == 302 and "/oidc/logout/" in out["Location"]
    back = client.get(out["Location"])  # RP-initiated logout: MitID logs out too
    assert back.status_code == 302 and "/demo-bank/logged-out/" in back["Location"]
    assert "_auth_user_id" not in client.session
    page = client.get(client.get(back["Location"])["Location"]).content.decode()
    assert "Jonas Jensen" not in page and "demo-bank/log-in/" in page
    assert "Du er logget ud af banken og af MitID." in page  # said once
    assert "logget ud af banken" not in client.get("/da/demo-bank/").content.decode()
    assert client.cookies[COOKIE_NAME].value not in ("", logged_in_key)  # a new bank session


def test_the_banks_log_out_is_said_in_the_language_of_the_page_it_was_pressed_on(
    bank: None, client: Client, jonas_phone: AppDevice
) -> None:
    """A walk logged in in Danish, switched the bank's page to Greenlandic and logged out:
    the page that said so was Danish (the language the login had ended in)."""
    log_in_at_the_bank(client, jonas_phone)
    out = client.post("/kl/demo-bank/log-out/")
    back = client.get(out["Location"])
    page = client.get(client.get(back["Location"])["Location"])
    assert '<html lang="kl"' in page.content.decode()
    assert "Aningaaserivimmit MitID-millu aninngavutit." in page.content.decode()


@pytest.fixture
def jonas_phone() -> AppDevice:
    return citizen("J()nas Jen5en", "1505831235", "Jonas")


@pytest.mark.parametrize(
    ("button", "said"),
    [
        ("transfer", "You cancelled the approval with MitID. Nothing has been transferred."),
        ("log-in", "You cancelled the login with MitID. Nothing has happened."),
    ],
)
def test_a_cancel_at_the_portal_is_said_as_what_the_citizen_asked_for(
    bank: None, client: Client, button: str, said: str
) -> None:
    """The portal's "Cancel and return" answers access_denied; the bank's page names what did
    not happen: the transfer, or the login."""
    sent = client.post(f"/en/demo-bank/{button}/")
    assert sent.status_code == 302 and "/oidc/authorize/" in sent["Location"], sent
    state = sent["Location"].split("state=")[1].split("&")[0]
    back = client.get(f"/demo-bank/callback/?error=access_denied&state={state}")
    page = client.get(back["Location"]).content.decode()
    assert 'data-error="access_denied"' in page and said in page
