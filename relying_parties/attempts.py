"""The only reader and writer of a party's authorization requests in the citizen's session.

An attempt is the request the party made (checked), while the citizen logs in on the login
pages; it is kept under login's carried prefix, so the login itself does not lose it.
"""

import secrets
import time
from dataclasses import asdict, dataclass, field, fields
from typing import Any

from django.conf import settings
from django.http import HttpRequest

from login import session as login_session
from login.session import CARRIED_PREFIX

from . import levels

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
    consent_asked: bool = False  # the party asked the citizen be asked (`prompt=consent`)
    refusal: str = "access_denied"  # what the party is told if the citizen goes back
    # A login below the level asked for: the level it was at, and whether the MitID itself
    # was at the level asked (only the authenticator below it), so that the page saying how
    # to get the level can be shown again (a reload, another language) once the citizen is
    # logged out.
    achieved: str = ""
    identity_at_level: bool = False

    @property
    def expired(self) -> bool:
        return time.time() - self.started > settings.RELYING_PARTY_ATTEMPT_SECONDS

    def level_met(self, achieved: str) -> bool:
        """Whether a login at `achieved` is what the party asked for, or more."""
        return levels.at_least(achieved, self.level)

    @property
    def awaits_consent(self) -> bool:
        """The CPR number was asked for, or the party asked that the citizen be asked
        (`prompt=consent`), and the citizen has not yet seen who gets what."""
        return ("cpr" in self.scopes or self.consent_asked) and not self.consented

    def fell_short(self, *, achieved: str, identity_level: str) -> None:
        """A login at `achieved` was below the level asked for: the party is told so if the
        citizen goes back, and the page keeps what it says (`achieved`, `identity_at_level`)."""
        self.refusal = "unmet_authentication_requirements"
        self.achieved = achieved
        self.identity_at_level = self.level_met(identity_level)

    def log_in_again(self) -> None:
        """The citizen logs in again for the party (with another authenticator, or after a
        login of the portal's own): nothing has fallen short yet."""
        self.achieved, self.refusal = "", "access_denied"

    def page_first(self, achieved: str) -> bool:
        """Whether the citizen must see a page before the party gets its code: the level is
        too low (the page says how to get it), or the CPR number awaits their consent."""
        return not self.level_met(achieved) or self.awaits_consent


# What the citizen did or proved in an attempt (a consent, a login below the level asked and
# what it was at), as against what its party asked.
CITIZENS_PART = ("consented", "refusal", "achieved", "identity_at_level")
_UNTOUCHED = {each.name: each.default for each in fields(Attempt) if each.name in CITIZENS_PART}


def as_asked(open_ones: dict[str, dict[str, Any]]) -> bool:
    """Whether the session's attempts hold only what their parties asked: their citizen's part
    as a new attempt has it. Only such attempts may be kept in the browser's cookie
    (`mitid_portal.sessions`), which anyone holding it can read."""
    return all(
        isinstance(data, dict)
        and all(data.get(name, value) == value for name, value in _UNTOUCHED.items())
        for data in open_ones.values()
    )


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


def lapse(request: HttpRequest, attempt: Attempt) -> None:
    """The attempt is past its time, and its party gets no code: a login made for it (the app
    approved after the time was over) ends too, as the page that says so tells the citizen.
    The attempt stays, for the way back to tell the party."""
    if login_session.current(request, made_for=attempt.reference) is not None:
        login_session.log_out(request)
        save(request, attempt)


def end(request: HttpRequest, reference: str, made: login_session.LoggedIn | None = None) -> None:
    """The party has its answer, and the attempt ends, with the login `made` for it: every
    party login is a fresh one, so it would serve nothing further, and it would leave
    MitID.dk's self-service open in a browser where the citizen only meant to log in to a bank
    (a shared computer; the browser's Back from the bank). A login kept in the session for a
    page first (consent, a level too low) ends with the session, and so does a session with
    anyone else's login, or none. One that went straight back was never kept
    (`login.views.finish`): a login to the portal's own pages that the same citizen made before,
    in another tab, stays. Without `made` (the citizen went back without logging in) only the
    attempt and the login in progress end."""
    if login_session.holds_login_made_for(request, reference) or (
        made is not None and not login_session.holds_own_login_of(request, made.identity)
    ):
        login_session.log_out(request)  # the session, the attempt with it
    else:
        login_session.end_login_in_progress(request)
        drop(request, reference)
