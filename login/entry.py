"""The first page of a login made on someone's behalf, for the app that asked for the login to
answer its own request with (relying_parties: the authorization request), rather than with a
redirect to the page: a round trip less for every party's login.

The page is a view's (`login.views.StartView`), and no view may import another app's views
(the contracts in pyproject.toml): login's views register it here when Django starts, as the
party's way back is registered with `login.ways_back`.
"""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

StartPage = Callable[[HttpRequest], HttpResponse]

_registered: list[StartPage] = []


def register(page: StartPage) -> None:
    _registered[:] = [page]


def start_page(request: HttpRequest) -> HttpResponse:
    """The login's first page for the login on whose behalf `request`'s session was begun
    (`session.begin_on_behalf`), rendered in the active language."""
    return _registered[0](request)
