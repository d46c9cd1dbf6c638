"""The baseline page: 5 KB from a template, with the session read, a CSRF token and i18n."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def bare_page(request: HttpRequest) -> HttpResponse:
    return render(request, "bench/bare.html", {"visits": request.session.get("visits", 0)})
