"""The only reader and writer of a party's authorization requests in the citizen's session.

An attempt is the request the party made (checked), while the citizen logs in on the login
pages; it is kept under login's carried prefix, so the login itself does not lose it.
"""

import secrets
import time
from dataclasses import asdict, dataclass, field
from typing import Any

from django.conf import settings
from django.http import HttpRequest

from login.session import CARRIED_PREFIX

KEY = f"{CARRIED_PREFIX}relying_party_attempts"
# A few at once (two tabs, two parties); the oldest goes first.
MAX_OPEN = 5


@dataclass
class Attempt:
    reference: str
    client_id: str
    party: str  # its name, as the citizen saw it
    scopes: list[str]
    credentials: dict[str, Any]  # what DOT needs to issue the code: redirect URI, state, PKCE...
    level: str
    text: str  # a transaction's text, or "" for a plain login
    details: list[dict[str, Any]] | None
    language: str
    started: float = field(default_factory=time.time)
    consented: bool = False
    refusal: str = "access_denied"  # what the party is told if the citizen goes back

    @property
    def expired(self) -> bool:
        return time.time() - self.started > settings.RELYING_PARTY_ATTEMPT_SECONDS


def start(request: HttpRequest, **values: Any) -> Attempt:
    attempt = Attempt(reference=secrets.token_urlsafe(16), **values)
    open_ones = dict(request.session.get(KEY, {}))
    while len(open_ones) >= MAX_OPEN:
        open_ones.pop(min(open_ones, key=lambda ref: open_ones[ref]["started"]))
    open_ones[attempt.reference] = asdict(attempt)
    request.session[KEY] = open_ones
    return attempt


def get(request: HttpRequest, reference: str) -> Attempt | None:
    data = request.session.get(KEY, {}).get(reference)
    return Attempt(**data) if data else None


def save(request: HttpRequest, attempt: Attempt) -> None:
    request.session[KEY] = {**request.session.get(KEY, {}), attempt.reference: asdict(attempt)}


def drop(request: HttpRequest, reference: str) -> None:
    open_ones = dict(request.session.get(KEY, {}))
    open_ones.pop(reference, None)
    request.session[KEY] = open_ones
