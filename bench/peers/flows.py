"""The five logins, each driven to a complete login as a browser (and the app) would drive it.

A login is complete at the answer that carries the logged-in session (a redirect to the page
after login); that page itself is not fetched, for any flow. Every request is counted,
redirects followed as a browser follows them included. Each login is a new browser (no
cookies) and, for TOTP, a person of its own: a code is good once (django-otp's `last_t`,
allauth's used-code cache), so nobody logs in twice in a run.
"""

import hashlib
import hmac
import json
import re
import struct
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlsplit

import requests

from bench import harness, party_logins, people

FRAME = re.compile(r'data-first-frame="(mitid\.[^"]+)"')
API = "/api/app/v1"
PASSWORD = "bench password 7"


def totp(key_hex: str, *, at: float | None = None) -> str:
    """RFC 6238, 30-second steps, 6 digits, SHA-1: what every device here shows."""
    counter = int(time.time() if at is None else at) // 30
    digest = hmac.new(bytes.fromhex(key_hex), struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{value % 1_000_000:06d}"


class LoginFailed(AssertionError):
    pass


class Browser:
    """A browser without cookies yet; counts every request it (and the app) makes."""

    def __init__(
        self, base: str, mark: Callable[[str], object] | None = None, *, totp_margin: float = 0
    ) -> None:
        self.base = base
        self.web = requests.Session()
        self.requests = 0
        self.mark = mark  # told of each request before it is sent
        # A TOTP code typed this close to its 30-second step's end waits for the next step: a
        # server slowed down (under callgrind, seconds a request) would check it in the next
        # step, which allauth (no tolerance) refuses.
        self.totp_margin = totp_margin

    def totp(self, key_hex: str) -> str:
        """The device's code now, as its owner types it (`totp_margin`)."""
        left = 30 - time.time() % 30
        if left < self.totp_margin:
            time.sleep(left)
        return totp(key_hex)

    def count(self, what: str) -> None:
        self.requests += 1
        if self.mark is not None:
            self.mark(f"-- request {self.requests}: {what}")

    def get(self, path: str) -> requests.Response:
        self.count(f"GET {path}")
        return self.web.get(self.base + path, allow_redirects=False, timeout=30)

    def post(self, path: str, data: dict[str, str]) -> requests.Response:
        """A form posted with the CSRF token from the cookie, as the page's hidden field has it."""
        self.count(f"POST {path}")
        data = {"csrfmiddlewaretoken": self.web.cookies.get("csrftoken", ""), **data}
        return self.web.post(self.base + path, data=data, allow_redirects=False, timeout=30)

    def follow(self, response: requests.Response) -> requests.Response:
        """Follow redirects as a browser does, each one a request."""
        while response.is_redirect:
            response = self.get(response.headers["Location"].removeprefix(self.base))
        return response

    def app_post(self, phone: people.Phone, path: str, payload: dict[str, str]) -> Any:
        """A request from the phone's app, signed as the app signs it (not the browser's)."""
        from app_api import auth as api_auth

        harness.remember_nonces_from_now()  # a server under callgrind takes seconds to check
        body = json.dumps(payload).encode()
        header = api_auth.authorization_header(
            key_id=phone.key_id, private_key=phone.private_key, method="POST", path=path, body=body
        )
        self.count(f"POST {path} (the app)")
        answer = requests.post(
            self.base + path,
            data=body,
            headers={"Authorization": header, "Content-Type": "application/json"},
            timeout=30,
        )
        if answer.status_code != 200:
            raise LoginFailed(f"{path}: {answer.status_code} {answer.text[:200]}")
        return answer.json()


def logged_in(response: requests.Response, *, not_to: str) -> requests.Response:
    """The login's last answer: a redirect onwards (not back to a login page), new session."""
    location = response.headers.get("Location", "")
    if response.status_code != 302 or not_to in location:
        raise LoginFailed(f"not logged in: {response.status_code} {location} {response.text[:300]}")
    if "sessionid" not in response.cookies:
        raise LoginFailed("no session cookie with the login")
    return response


@dataclass(frozen=True)
class CodeDevicePerson:
    user_id: str
    totp_key: str


@dataclass(frozen=True)
class PeerPerson:
    username: str
    totp_key: str


def approve_in_app(browser: Browser, phone: people.Phone, page: requests.Response) -> None:
    """The app scans the first frame of the app page `page` and approves what it shows."""
    frame = FRAME.search(page.text)
    if frame is None:
        raise LoginFailed(f"no QR frame on {page.url}: {page.status_code}")
    from authenticators import app_keys

    login = browser.app_post(phone, f"{API}/logins/scan", {"frame": frame.group(1)})
    signature = app_keys.sign(phone.private_key, login["signing_input"].encode())
    browser.app_post(
        phone, f"{API}/logins/{login['token']}/approve", {"signature": signature, "pin": people.PIN}
    )


def portal_app_qr(browser: Browser, phone: people.Phone) -> requests.Response:
    """User-ID, the app page's QR code scanned and approved by the app, the session taken."""
    browser.get("/da/login/")
    page = browser.follow(browser.post("/da/login/", {"user_id": phone.user_id, "next": ""}))
    approve_in_app(browser, phone, page)
    # The browser learns "approved" on its websocket (not measured here) and asks the page.
    return logged_in(browser.get("/da/login/app/"), not_to="/login/")


@dataclass(frozen=True)
class PartyCustomer:
    """A citizen with the app, logging in to a relying party registered in the portal."""

    phone: people.Phone
    client_id: str
    client_secret: str


def portal_party_qr(browser: Browser, customer: PartyCustomer) -> requests.Response:
    """A relying party's login (bench/party_logins.py's six requests): the party's
    authorization request, answered with the login's user-ID page, the QR login on the
    portal's pages, the way back with the code, and the party's token request. Complete at
    the token answer with its ID token."""
    asked = party_logins.authorization(customer.client_id)
    page = browser.follow(browser.get(f"/oidc/authorize/?{asked.query}"))
    reference = party_logins.PARTY_REFERENCE.search(page.text)
    if reference is None:
        raise LoginFailed(f"no party on the user-ID page: {page.status_code}")
    phone = customer.phone
    typed = {"user_id": phone.user_id, "next": "", "for": reference.group(1)}
    approve_in_app(browser, phone, browser.post("/da/login/", typed))
    back = browser.get("/da/login/app/")
    callback = back.headers.get("Location", "")
    if back.status_code != 302 or not callback.startswith(party_logins.REDIRECT_URI):
        raise LoginFailed(f"not sent back to the party: {back.status_code} {callback}")
    browser.count("POST /oidc/token/ (the party)")
    tokens = requests.post(
        browser.base + "/oidc/token/",
        data={
            "grant_type": "authorization_code",
            "code": parse_qs(urlsplit(callback).query)["code"][0],
            "redirect_uri": party_logins.REDIRECT_URI,
            "code_verifier": asked.verifier,
        },
        auth=(customer.client_id, customer.client_secret),
        timeout=30,
    )
    if tokens.status_code != 200 or "id_token" not in tokens.json():
        raise LoginFailed(f"no ID token: {tokens.status_code} {tokens.text[:200]}")
    return tokens


def portal_code_device(browser: Browser, person: CodeDevicePerson) -> requests.Response:
    """User-ID, then (from the app page every login goes to first) the code device's page."""
    browser.get("/da/login/")
    browser.follow(browser.post("/da/login/", {"user_id": person.user_id, "next": ""}))
    browser.get("/da/login/code-device/")
    answer = browser.post(
        "/da/login/code-device/", {"password": PASSWORD, "code": browser.totp(person.totp_key)}
    )
    return logged_in(answer, not_to="/login/")


def portal_code_device_returning(browser: Browser, person: CodeDevicePerson) -> requests.Response:
    """The same in a browser that logged in with its code device before (the cookie
    `mitid_way`): the user-ID is answered with the code device's page itself."""
    browser.web.cookies.set("mitid_way", "code_device")
    browser.get("/da/login/")
    page = browser.post("/da/login/", {"user_id": person.user_id, "next": ""})
    if 'action="/da/login/code-device/"' not in page.text:
        raise LoginFailed(
            f"the user-ID was not answered with the code device's page: {page.status_code}"
        )
    answer = browser.post(
        "/da/login/code-device/", {"password": PASSWORD, "code": browser.totp(person.totp_key)}
    )
    return logged_in(answer, not_to="/login/")


def allauth_totp(browser: Browser, person: PeerPerson) -> requests.Response:
    """django-allauth: username and password, then (redirected) the TOTP code."""
    browser.get("/accounts/login/")
    page = browser.follow(
        browser.post("/accounts/login/", {"login": person.username, "password": PASSWORD})
    )
    if "/2fa/authenticate/" not in page.url:
        raise LoginFailed(f"no TOTP step: {page.url} {page.status_code}")
    answer = browser.post("/accounts/2fa/authenticate/", {"code": browser.totp(person.totp_key)})
    return logged_in(answer, not_to="/accounts/")


def two_factor(browser: Browser, person: PeerPerson) -> requests.Response:
    """django-two-factor-auth: a wizard, the password step answered with the token step."""
    browser.get("/account/login/")
    step = browser.post(
        "/account/login/",
        {
            "login_view-current_step": "auth",
            "auth-username": person.username,
            "auth-password": PASSWORD,
        },
    )
    if step.status_code != 200 or "token-otp_token" not in step.text:
        raise LoginFailed(f"no token step: {step.status_code}")
    answer = browser.post(
        "/account/login/",
        {"login_view-current_step": "token", "token-otp_token": browser.totp(person.totp_key)},
    )
    return logged_in(answer, not_to="/account/login/")


def plain_login(browser: Browser, person: PeerPerson) -> requests.Response:
    """Django's LoginView: username and password."""
    browser.get("/login/")
    answer = browser.post("/login/", {"username": person.username, "password": PASSWORD})
    return logged_in(answer, not_to="/login/")


FLOWS: dict[str, Callable[[Browser, Any], requests.Response]] = {
    "portal_app_qr": portal_app_qr,
    "portal_party_qr": portal_party_qr,
    "portal_code_device": portal_code_device,
    "portal_code_device_returning": portal_code_device_returning,
    "allauth_totp": allauth_totp,
    "two_factor": two_factor,
    "plain_login": plain_login,
}
