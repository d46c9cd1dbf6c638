"""How long the citizen's session has left, and more time when they ask for it (WCAG 2.2.1).

A page that shows the countdown saves the session, so it lasts SESSION_COOKIE_AGE from that
page on (not every request: the QR page's polls once a second would write the session each
time). A NemID proof lasts NEMID_PROOF_MINUTES from when it was given or last renewed. The page
warns SESSION_WARNING_SECONDS before the first of them runs out.
"""

from django.conf import settings
from django.http import HttpRequest

from nemid import session as nemid_session


def seconds_left(request: HttpRequest) -> int:
    """Seconds until the session ends, counted from the page being shown (which saves it)."""
    request.session.modified = True
    left: int = settings.SESSION_COOKIE_AGE
    proof_left = nemid_session.proof_seconds_left(request)
    return min(left, proof_left) if proof_left is not None else left


def extend(request: HttpRequest) -> int:
    """Keep the session (and a NemID proof) for the full time again; the seconds it now has."""
    nemid_session.renew(request)
    request.session.modified = True
    return seconds_left(request)
