"""The only reader and writer of the MitID login in the citizen's session.

A login in progress remembers the typed user-ID, where to go afterwards and the app login the
browser is waiting on. Once logged in, Django's own auth session holds the identity's user,
and this module adds how the citizen logged in and at which assurance level.

A login may be on someone else's behalf (a bank, borger.dk): `Behalf` says whose name heads
the pages, the text the citizen approves, where "Cancel" goes and where the finished login
goes (or which registered way back it takes at once: `login.ways_back`). Whoever asks fills it
before sending the browser here; every way in reads it.
"""

from dataclasses import dataclass
from datetime import datetime

from django.contrib import auth
from django.contrib.sessions.backends.base import SessionBase
from django.http import HttpRequest
from django.utils import timezone

from authenticators.kinds import in_use
from authenticators.models import AssuranceLevel, Identity
from authenticators.queries import one
from pages import redirects

PENDING_KEY = "mitid_login_pending"
LOGGED_IN_KEY = "mitid_login"
BEHALF_KEY = "mitid_login_behalf"
# Session entries under this prefix survive the login itself, even when Django's `auth.login`
# flushes the session of someone else who was logged in before: they belong to the browser's
# request in progress (a relying party's authorization request), not to a user.
CARRIED_PREFIX = "carried:"
LEVELS: list[str] = [AssuranceLevel.LOW, AssuranceLevel.SUBSTANTIAL, AssuranceLevel.HIGH]


@dataclass(frozen=True)
class Pending:
    user_id: str
    next_url: str
    app_login: str = ""


@dataclass(frozen=True)
class Behalf:
    """A login for someone else: a relying party's name, the text to approve, the level it
    asks for, where Cancel goes, where the login goes once done, and its own reference, which
    the finished login carries (`LoggedIn.reference`) so that the party knows it is fresh.
    `way_back` names the registered way back (`login.ways_back`) the finished login takes in
    its own last request; `next_url` is where it goes when there is none, or a page comes
    first. `return_origin` is the scheme and host the login ends at (the party's redirect
    URI's): a form on a login page may end there through redirects. `approval` says that the
    text is a transaction to approve; a login's text is empty, and the login pages say it in
    their own language (`login.views.service_and_text`)."""

    service: str
    text: str
    level: str
    cancel_url: str
    next_url: str
    reference: str
    way_back: str = ""
    return_origin: str = ""
    approval: bool = False


def begin_on_behalf(request: HttpRequest, behalf: Behalf) -> None:
    """A fresh login for `behalf.service`: any login in progress is forgotten."""
    request.session.pop(PENDING_KEY, None)
    request.session[BEHALF_KEY] = behalf.__dict__.copy()


def behalf(request: HttpRequest) -> Behalf | None:
    data = request.session.get(BEHALF_KEY)
    return Behalf(**data) if data else None


def forget_behalf(request: HttpRequest) -> None:
    request.session.pop(BEHALF_KEY, None)
    request.session.pop(PENDING_KEY, None)


def end_login_in_progress(request: HttpRequest) -> None:
    """The login begun on someone's behalf is over, and was never kept in the session
    (`login.views.finish`): what it left there goes, the session stays."""
    forget_behalf(request)
    redirects.forget_errors(request)


def holds_own_login_of(request: HttpRequest, identity: Identity) -> bool:
    """Whether the session keeps a login to the portal's own pages by `identity` (no query)."""
    data = request.session.get(LOGGED_IN_KEY)
    return bool(
        data
        and not data.get("reference")
        and data.get("identity") == identity.pk
        and request.session.get(auth.SESSION_KEY) == str(identity.account_id)
    )


def holds_login_made_for(request: HttpRequest, reference: str) -> bool:
    """Whether the session keeps a login made on someone's behalf (no query): a login that
    went straight back to them never was (`login.views.finish`)."""
    data = request.session.get(LOGGED_IN_KEY)
    return bool(reference and data and data.get("reference") == reference)


def begin(request: HttpRequest, *, user_id: str, next_url: str) -> None:
    on_behalf = behalf(request)
    if on_behalf is not None:
        next_url = on_behalf.next_url
    request.session[PENDING_KEY] = {"user_id": user_id, "next_url": next_url, "app_login": ""}
    redirects.forget_errors(request)
    if request.session.session_key is not None:
        # The login goes on under a key nobody else can know. The app's approval comes from
        # the phone, not from this browser: whoever first asked with the key the session had
        # before (planted by another site on the same domain, or read off the wire before
        # HSTS) would take the login when it is done (a probe). A new session gets its key
        # from the response anyway; this one's row is renamed, in one UPDATE.
        request.session.cycle_key()


def pending(request: HttpRequest) -> Pending | None:
    data = request.session.get(PENDING_KEY)
    return Pending(**data) if data else None


def app_login_waited_on(session: SessionBase | None) -> str:
    """The app login a websocket's session waits on, or "". Read without keeping the session's
    data in it: the socket's scope holds its session object while it lives, and thousands of
    sockets wait at once."""
    if session is None or not session.session_key:
        return ""
    return str((session.load().get(PENDING_KEY) or {}).get("app_login") or "")


def wait_for_app_login(request: HttpRequest, token: str) -> None:
    data = request.session[PENDING_KEY]
    request.session[PENDING_KEY] = {**data, "app_login": token}


@dataclass(frozen=True)
class LoggedIn:
    identity: Identity
    method: str
    authenticator: str
    level: str
    at: datetime
    device: str = ""  # django-otp persistent id of the device logged in with
    reference: str = ""  # the `Behalf.reference` the login was made for, if any
    approval: str = ""  # the app login whose signed approval this was, if any


def made(
    request: HttpRequest,
    *,
    identity: Identity,
    method: str,
    authenticator: str,
    level: str,
    device: str,
    approval: str = "",
) -> LoggedIn:
    """The login the citizen has just made, at the lower of the identity's and device's level,
    not yet kept in the session (`log_in`): a party's way back takes it as it is.

    `device` is the django-otp persistent id of the device used: blocking it ends the session.
    `approval` names the app login whose signature approved it, when it was the app.
    """
    on_behalf = request.session.get(BEHALF_KEY)
    return LoggedIn(
        identity=identity,
        method=method,
        authenticator=authenticator,
        level=achieved_level(identity.level, level),
        at=timezone.now(),
        device=device,
        reference=on_behalf["reference"] if on_behalf else "",
        approval=approval,
    )


def log_in(request: HttpRequest, logged_in: LoggedIn) -> None:
    """Log the citizen in with the login made (`made`), under a new session key."""
    request.session.pop(PENDING_KEY, None)
    redirects.forget_errors(request)
    request.session.pop(BEHALF_KEY, None)
    carried = {k: v for k, v in request.session.items() if k.startswith(CARRIED_PREFIX)}
    identity = logged_in.identity
    auth.login(request, identity.ensure_user(), backend="django.contrib.auth.backends.ModelBackend")
    request.session.update(carried)
    request.session[LOGGED_IN_KEY] = {
        "identity": identity.pk,
        "method": logged_in.method,
        "authenticator": logged_in.authenticator,
        "level": logged_in.level,
        "device": logged_in.device,
        "at": logged_in.at.isoformat(),
        "reference": logged_in.reference,
        "approval": logged_in.approval,
    }


def achieved_level(*levels: str) -> str:
    """The lowest of the levels: a login is as strong as its weakest part."""
    return min(levels, key=LEVELS.index)


def holds_login(request: HttpRequest) -> bool:
    """Whether the session holds a MitID login, the portal's own or one made for a party (the
    warning before it runs out, WCAG 2.2.1, is for both; no query)."""
    return LOGGED_IN_KEY in request.session and request.user.is_authenticated


def current(request: HttpRequest, *, made_for: str = "") -> LoggedIn | None:
    """Who is logged in with MitID, if anyone; a blocked identity or device ends it.

    A login made on someone's behalf counts only for the pages of that login (`made_for` its
    `Behalf.reference`): until the party has its answer (a consent page left open on a shared
    computer), it opens none of the portal's own pages, as a login for the portal opens none
    of a party's.
    """
    data = request.session.get(LOGGED_IN_KEY)
    if not data or not request.user.is_authenticated or data.get("reference", "") != made_for:
        return None
    identity = one(
        Identity.objects.filter(
            pk=data["identity"], account=request.user, status=Identity.Status.ACTIVE
        )
    )
    if identity is None:
        return None
    if not in_use(data.get("device", "")):
        return None  # the device used was blocked or revoked since: log in again
    return LoggedIn(
        identity=identity,
        method=data["method"],
        authenticator=data["authenticator"],
        level=data["level"],
        at=datetime.fromisoformat(data["at"]),
        device=data.get("device", ""),
        reference=data.get("reference", ""),
        approval=data.get("approval", ""),
    )


def log_out(request: HttpRequest, *, keep_logins_in_progress: bool = False) -> None:
    """End the MitID login of this session. With `keep_logins_in_progress` a login the browser
    has begun in another tab (a party's, its user-ID typed, its app login waited on) and the
    parties' requests stay in the new session: a device blocked in self-service logs the
    citizen out there, and the party's page, which lost its login with the session, showed the
    portal's own login page with no word of the block nor a way back to the party (a walk)."""
    kept = (
        {
            key: value
            for key, value in request.session.items()
            if key in (PENDING_KEY, BEHALF_KEY) or key.startswith(CARRIED_PREFIX)
        }
        if keep_logins_in_progress
        else {}
    )
    auth.logout(request)
    request.session.update(kept)
