"""Enrollment pages."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext
from django.views.decorators.cache import never_cache

from cpr.registry import get_registry
from nemid import session as nemid_session


@never_cache
def start(request: HttpRequest) -> HttpResponse:
    """Where a citizen lands after proving who they are with NemID."""
    proof = nemid_session.proof(request)
    if proof is None:
        messages.info(request, gettext("Log in with NemID to get MitID."))
        query = urlencode({"next": request.get_full_path()})
        return redirect(f"{reverse('nemid:login')}?{query}")
    person = get_registry().lookup(proof.cpr)
    return render(request, "enrollment/start.html", {"person": person, "proof": proof})
