"""The MitID app simulator page (DEMO_MODE): a phone in the browser that speaks the App API."""

from pathlib import Path

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from pages.documents import TERMS
from passports import demo

from .errors import APP_ERRORS, user_id_reasons

# Several phones in one browser: each tab with another `?phone=` is a phone of its own, with
# its own installation and keys (a copy by QR code needs a second phone).
MAX_PHONES = 9


def _phone(request: HttpRequest) -> int:
    value = request.GET.get("phone", "")
    return int(value) if value.isdigit() and 1 <= int(value) <= MAX_PHONES else 1


@never_cache
def app_simulator(request: HttpRequest) -> HttpResponse:
    """Demo only: the MitID app on a phone. It keeps its keys in this browser (WebCrypto)
    and speaks only the App API, as a real app would."""
    phone = _phone(request)
    return render(
        request,
        "authenticators/app_simulator.html",
        {
            "errors": {code: str(text) for code, text in APP_ERRORS.items()},
            "user_id_reasons": user_id_reasons(),
            "terms": TERMS,
            "passports": demo.demo_passport_files(),
            "copy_minutes": max(1, round(settings.APP_COPY_SECONDS / 60)),
            "phone": phone,
            "other_phone": phone % MAX_PHONES + 1,
        },
    )


@never_cache
def demo_passport(request: HttpRequest, name: str) -> JsonResponse:
    """Demo only: a demo passport as the phone reads it (the MRZ by camera, the chip by NFC).
    Only the files `seed_demo` wrote are served, by name."""
    if name not in dict(demo.demo_passport_files()):
        raise Http404
    return JsonResponse(demo.read_passport(Path(settings.PASSPORT_DEMO_DIR) / f"{name}.json"))
