"""The Demo Bank's own session, apart from the portal's.

A relying party is a site of its own, and so is its session: Authlib's state and nonce while
the citizen is away logging in with MitID, and the customer the bank logged in. The portal's
session is the portal's: it is flushed when another citizen logs in there and emptied when the
citizen logs out of MitID, and neither may touch the bank (nor the bank's the portal), unless
the bank asks MitID to log out too (RP-initiated logout). The demo serves the bank from the
portal's origin, so the bank keeps its session under a cookie of its own, and its views see it
as `request.session`, where Authlib looks for it.
"""

import time
from collections.abc import Callable
from functools import wraps
from importlib import import_module
from typing import Any, Final

from django.conf import settings
from django.contrib.sessions.backends.base import SessionBase, UpdateError
from django.contrib.sessions.exceptions import SessionInterrupted
from django.http import HttpRequest, HttpResponseBase
from django.utils.cache import patch_vary_headers
from django.utils.http import http_date

COOKIE_NAME = "demo_bank_session"
# The one path that reaches both the bank's pages, under the portal's language prefixes
# (/da/demo-bank/), and the addresses the portal sends customers back to (/demo-bank/callback/).
COOKIE_PATH = "/"
# Sent on the top-level redirect back from the portal, as a session cookie must be.
SAMESITE: Final = "Lax"

View = Callable[..., HttpResponseBase]


def own_session(view: View) -> View:
    """Run `view` with the bank's session as `request.session`, then save it as Django's
    SessionMiddleware saves the portal's; the portal's session is left as it was."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        store = import_module(settings.SESSION_ENGINE).SessionStore
        portal_session = request.session
        bank_session = request.session = store(request.COOKIES.get(COOKIE_NAME))
        try:
            response = view(request, *args, **kwargs)
        finally:
            request.session = portal_session
        _keep(request, bank_session, response)
        return response

    return wrapper


def _keep(request: HttpRequest, session: SessionBase, response: HttpResponseBase) -> None:
    if session.accessed:
        patch_vary_headers(response, ("Cookie",))
    if session.is_empty():
        if COOKIE_NAME in request.COOKIES:
            response.delete_cookie(COOKIE_NAME, path=COOKIE_PATH, samesite=SAMESITE)
        return
    if not session.modified or response.status_code >= 500:
        return
    try:
        session.save()
    except UpdateError as error:
        raise SessionInterrupted("The bank's session was deleted during the request.") from error
    max_age = None if session.get_expire_at_browser_close() else session.get_expiry_age()
    response.set_cookie(
        COOKIE_NAME,
        str(session.session_key),
        max_age=max_age,
        expires=http_date(time.time() + max_age) if max_age is not None else None,
        path=COOKIE_PATH,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite=SAMESITE,
    )
