"""Values every page's layout needs: support contacts, demo mode, who is logged in."""

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from login import session as login_session
from login import session_time
from nemid import session as nemid_session
from pages import support


def portal(request: HttpRequest) -> dict[str, Any]:
    return {
        "demo_mode": settings.DEMO_MODE,
        "websocket_url": settings.WEBSOCKET_URL,
        "mitid_support": support.MITID_SUPPORT,
        "nemid_proof": SimpleLazyObject(lambda: nemid_session.proof(request)),
        "mitid_login": SimpleLazyObject(lambda: login_session.current(request)),
        # Any login the session holds, a party's included: the session warning is for it too.
        "holds_login": lambda: login_session.holds_login(request),
        # A callable: only pages that show the session warning work it out.
        "session_seconds_left": lambda: session_time.seconds_left(request),
        "session_warning_seconds": settings.SESSION_WARNING_SECONDS,
    }
