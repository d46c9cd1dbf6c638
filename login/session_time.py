"""How long the citizen's session has left, and more time when they ask for it (WCAG 2.2.1).

A page that shows the countdown keeps the session for SESSION_COOKIE_AGE from that page on (not
every request: the QR page's polls once a second would write the session each time). It saves
the session for that unless the session's row was written less than SESSION_REFRESH_SECONDS ago
and nothing else changed it: then the countdown shows the time that write gave, and page after
page within a minute costs no write each. A NemID proof lasts NEMID_PROOF_MINUTES from when it
was given or last renewed. The page warns SESSION_WARNING_SECONDS before the first of them runs
out.
"""

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone

from login import session as login_session
from nemid import session as nemid_session


def seconds_left(request: HttpRequest) -> int:
    """Seconds until the session ends, counted from the page being shown (which saves it if
    its row is older than SESSION_REFRESH_SECONDS)."""
    left: int = settings.SESSION_COOKIE_AGE
    proof_left = nemid_session.proof_seconds_left(request)  # loads the session, and its expiry
    stored = getattr(request.session, "stored_expiry", None)
    stored_left = int((stored - timezone.now()).total_seconds()) if stored else 0
    # Written within the last SESSION_REFRESH_SECONDS for the time configured now (not for a
    # longer one, from before SESSION_COOKIE_AGE was lowered): left as it is.
    recent = left - settings.SESSION_REFRESH_SECONDS <= stored_left <= left
    if request.session.modified or not recent:
        request.session.modified = True
    else:
        left = stored_left
    return min(left, proof_left) if proof_left is not None else left


def holds_time(request: HttpRequest) -> bool:
    """Whether the session holds anything the warning counts down for: a MitID login or a
    NemID proof still fresh. One logged out in another tab, or run out, holds neither."""
    return (
        login_session.holds_login(request) or nemid_session.proof_seconds_left(request) is not None
    )


def remaining(request: HttpRequest) -> int:
    """Seconds the session has left as it is stored, without keeping it longer (a page asks
    before it warns: another tab may have kept the session since); 0 when it holds nothing
    the warning counts down for."""
    if not holds_time(request):
        return 0
    stored = getattr(request.session, "stored_expiry", None)
    left = int((stored - timezone.now()).total_seconds()) if stored else 0
    proof_left = nemid_session.proof_seconds_left(request)
    return max(0, min(left, proof_left) if proof_left is not None else left)


def extend(request: HttpRequest) -> int:
    """Keep the session (and a NemID proof) for the full time again; the seconds it now has,
    0 for a session that holds nothing to keep (it is not written)."""
    if not holds_time(request):
        return 0
    nemid_session.renew(request)
    request.session.modified = True
    return seconds_left(request)
