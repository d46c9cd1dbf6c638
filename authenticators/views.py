"""The demo simulators of the device core: a code device in the citizen's hand (DEMO_MODE)."""

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache

from .models import HardwareToken


@never_cache
def code_device_simulator(request: HttpRequest) -> HttpResponse:
    """Demo only: the device in the citizen's hand. Type its serial, press its button."""
    serial = (request.POST.get("serial") or "").strip()
    context: dict[str, Any] = {"serial": serial, "draft_form_id": "page-form"}
    if request.method == "POST":
        token = HardwareToken.objects.filter(serial__iexact=serial).first()
        if token is None:
            context["error"] = _("There is no device with that serial number.")
        else:
            context.update(token=token, code=token.current_code())
    return render(request, "authenticators/code_device_simulator.html", context)
