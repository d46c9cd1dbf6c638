"""The MitID app simulator page (DEMO_MODE): a phone in the browser that speaks the App API."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from .errors import APP_ERRORS


@never_cache
def app_simulator(request: HttpRequest) -> HttpResponse:
    """Demo only: the MitID app on a phone. It keeps its keys in this browser (WebCrypto)
    and speaks only the App API, as a real app would."""
    return render(
        request,
        "authenticators/app_simulator.html",
        {"errors": {code: str(text) for code, text in APP_ERRORS.items()}},
    )
