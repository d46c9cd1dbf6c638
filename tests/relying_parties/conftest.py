"""A registered party, Jonas with his app, and a browser that logs in for the party."""

import re
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import parse_qs, urljoin, urlsplit

import pytest
import requests
from django.test import Client
from requests.adapters import BaseAdapter
from requests.cookies import extract_cookies_to_jar
from requests.structures import CaseInsensitiveDict

from authenticators import app_keys
from authenticators.models import AppDevice, AppLogin
from login import app_logins
from relying_parties import services
from tests.factories import AppDeviceFactory, RegisteredPersonFactory

REDIRECT_URI = "https://bank.example/callback"
LOGGED_OUT_URI = "https://bank.example/logged-out"


@dataclass
class Party:
    client_id: str
    client_secret: str
    registered: services.Registered


@pytest.fixture
def party(db: None) -> Party:
    registered = services.register_party(
        name="Nordbank",
        redirect_uris=[REDIRECT_URI],
        post_logout_redirect_uris=[LOGGED_OUT_URI],
        scopes=["openid", "profile"],
    )
    return Party(registered.client_id, registered.client_secret, registered)


@pytest.fixture
def cpr_party(db: None) -> Party:
    registered = services.register_party(
        name="Skat",
        redirect_uris=[REDIRECT_URI],
        scopes=["openid", "profile"],
        may_receive_cpr=True,
    )
    return Party(registered.client_id, registered.client_secret, registered)


@pytest.fixture
def jonas_phone(db: None) -> AppDevice:
    person = RegisteredPersonFactory(
        cpr="1505831235", given_name="Jonas", family_name="Jensen", city="Herning"
    )
    return AppDeviceFactory(identity__user_id="J()nas Jen5en", identity__cpr=person.cpr)


def approve_in_app(phone: AppDevice) -> AppLogin:
    """The app scans the login waiting on the screen and approves what it shows."""
    login = AppLogin.objects.filter(status="waiting").latest("started_at")
    app_logins.scan(signer=phone, frame_text=app_logins.frame(login))
    login.refresh_from_db()
    signature = app_keys.sign(phone.private_key, login.signing_input.encode())
    app_logins.approve(signer=phone, token=str(login.token), signature=signature, pin="246810")
    login.refresh_from_db()
    return login


BASE = "http://testserver"


class DjangoTransport(BaseAdapter):
    """Carries a `requests` session's HTTP to the portal in this process (Django's test
    client, through every middleware), so that the client library's own HTTP code runs and
    the test needs no server thread and no transactional database."""

    def __init__(self) -> None:
        super().__init__()
        self.client = Client()

    def send(self, request: requests.PreparedRequest, **kwargs: object) -> requests.Response:
        url = urlsplit(str(request.url))
        path = url.path + (f"?{url.query}" if url.query else "")
        headers = {
            key: value
            for key, value in request.headers.items()
            if key.lower() not in ("content-length", "cookie")
        }
        self.client.cookies.clear()
        for cookie in (request.headers.get("Cookie") or "").split("; "):
            if "=" in cookie:
                name, value = cookie.split("=", 1)
                self.client.cookies[name] = value
        body = request.body or b""
        answer = self.client.generic(
            str(request.method),
            path,
            data=body.encode() if isinstance(body, str) else body,
            content_type=headers.pop("Content-Type", "application/octet-stream"),
            headers=headers,
        )
        response = requests.Response()
        response.status_code = answer.status_code
        response.headers = CaseInsensitiveDict(dict(answer.items()))
        response._content = answer.content
        response.url = str(request.url)
        response.request = request
        response.encoding = "utf-8"
        # The session reads Set-Cookie from `raw._original_response.msg`, as urllib3 gives it.
        response.raw = _Raw([morsel.OutputString() for morsel in answer.cookies.values()])
        extract_cookies_to_jar(response.cookies, request, response.raw)
        return response

    def close(self) -> None:
        pass


class _Raw:
    def __init__(self, set_cookies: list[str]) -> None:
        self._original_response = self
        self.msg = self
        self.set_cookies = set_cookies

    def get_all(self, name: str, default: object = None) -> list[str]:
        return self.set_cookies if name.lower() == "set-cookie" else []


def over_django(session: requests.Session) -> requests.Session:
    session.mount(BASE, DjangoTransport())
    return session


class Browser:
    """A citizen's browser: follows the portal's redirects, stops at the party's."""

    def __init__(self, base: str = BASE) -> None:
        self.base = base
        self.http = over_django(requests.Session())
        self.last = None

    def go(self, url: str, *, data: dict[str, str] | None = None) -> requests.Response:
        """Follow redirects within the portal; stop at a page or at the party's address."""
        url = urljoin(self.base, url)
        method = "POST" if data is not None else "GET"
        while True:
            if method == "POST":
                token = self.http.cookies.get("csrftoken", "")
                response = self.http.post(
                    url,
                    data={**(data or {}), "csrfmiddlewaretoken": token},
                    headers={"Referer": url},
                    allow_redirects=False,
                )
            else:
                response = self.http.get(url, allow_redirects=False)
            if response.status_code not in (301, 302, 303):
                self.last = response
                return response
            url = urljoin(url, response.headers["Location"])
            method = "GET"
            if not url.startswith(self.base):
                self.last = response
                return response  # to the party: it is not followed

    def type_user_id(self, user_id: str) -> requests.Response:
        page = self.last
        assert page is not None and page.status_code == 200, page
        reference = re.search(r'name="for" value="([^"]+)"', page.text)
        assert reference, "the user-ID page is for the party"
        # Where its form goes: the page may be the answer to another address's request (the
        # authorization request's).
        action = re.search(r'<form id="page-form" method="post" action="([^"]+)"', page.text)
        assert action, "the user-ID page's form"
        target = urljoin(page.url, action.group(1))
        return self.go(target, data={"user_id": user_id, "next": "", "for": reference.group(1)})


@pytest.fixture
def citizen_browser(db: None) -> Callable[[], Browser]:
    return Browser


def code_of(response: requests.Response) -> dict[str, list[str]]:
    """The query the portal sent the browser back to the party with."""
    location = response.headers["Location"]
    assert location.startswith(REDIRECT_URI), location
    return parse_qs(urlsplit(location).query)
