"""Where a login made on someone's behalf goes the moment it is made: the way back that the
app which asked for it registered.

That app (relying_parties) sits above login, which may not import it (the layers contract in
pyproject.toml), so it registers its way back here by name when Django starts, as apps register
the audit log's reasons with `audit.labels`; `Behalf.way_back` names the one to take. Taking it
answers the login's last request itself (for a party: the redirect back to it with its code),
where `Behalf.next_url` costs the browser another request, and that request another load of
the session, the user, the identity and the device. A way back answers None when a page must
come first (a party's consent page): then the login goes to `next_url`, which shows it.
"""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from .session import LoggedIn

WayBack = Callable[[HttpRequest, LoggedIn], HttpResponse | None]

_registered: dict[str, WayBack] = {}


def register(name: str, way_back: WayBack) -> None:
    _registered[name] = way_back


def take(request: HttpRequest, name: str, logged_in: LoggedIn) -> HttpResponse | None:
    """The answer of the way back called `name`, or None (none registered, or a page first)."""
    way_back = _registered.get(name)
    return way_back(request, logged_in) if way_back is not None else None


# A browser that has just been sent back to a party: its Back lands on a login page of the
# portal whose login is over (the login ended with the way back), which says so once rather
# than offer the portal's own login as if it were the party's.
TAKEN_COOKIE = "mitid_way_back_taken"
TAKEN_COOKIE_AGE = 5 * 60


def taken(response: HttpResponse, *, approval: bool = False) -> HttpResponse:
    """Mark the browser as just sent back to the party that asked for its login, or for the
    approval of a transaction (the words the login page says then)."""
    response.set_cookie(
        TAKEN_COOKIE,
        "approval" if approval else "1",
        max_age=TAKEN_COOKIE_AGE,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )
    return response


def just_taken(request: HttpRequest) -> str:
    """ "approval", "login", or "" for a browser not just sent back to a party."""
    value = request.COOKIES.get(TAKEN_COOKIE)
    return "approval" if value == "approval" else "login" if value == "1" else ""


def forget(response: HttpResponse) -> HttpResponse:
    response.delete_cookie(TAKEN_COOKIE, samesite="Lax")
    return response
