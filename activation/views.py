"""Activation pages: activating a code display or code reader; adding a MitID chip."""

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.generic import FormView

from authenticators.forms import WebAuthnForm
from authenticators.models import AuthenticatorStatus, ChipDevice, Identity
from authenticators.webauthn import wrong_host
from login.decorators import mitid_login_required
from nemid import session as nemid_session
from nemid.session import redirect_to_login
from pages.drafts import DraftFormMixin

from . import services
from .forms import CodeDeviceActivationForm

REFUSALS = {
    "unknown_serial": _(
        "We cannot find a device with that serial number for you. Check the "
        "number on the back of the device."
    ),
    "wrong_code": _("The code is wrong. Press the button on the device and type the new code."),
    "locked": ngettext_lazy(
        "Too many wrong codes. Wait %(minutes)s minute and try again, or call MitID support.",
        "Too many wrong codes. Wait %(minutes)s minutes and try again, or call MitID support.",
        "minutes",
    ),
    "too_many_serials": ngettext_lazy(
        "Too many wrong serial numbers. Wait %(minutes)s minute and try again, or call MitID "
        "support.",
        "Too many wrong serial numbers. Wait %(minutes)s minutes and try again, or call MitID "
        "support.",
        "minutes",
    ),
    "device_blocked": _("This device is blocked. Call MitID support on 33 98 00 10."),
    "has_code_device": _("You already have a code display or code reader."),
    "already_active": _("This device is already active."),
}


@method_decorator(
    [never_cache, sensitive_post_parameters("password1", "password2", "code")], name="dispatch"
)
class ActivateCodeDeviceView(DraftFormMixin, FormView):
    """Seed 002: log in with NemID again, create a password, type the serial and the code."""

    template_name = "authenticators/activate_code_device.html"
    form_class = CodeDeviceActivationForm
    draft_fields = ("serial",)

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        proof = nemid_session.proof(request)
        if proof is None:
            return redirect_to_login(request)
        identity = Identity.objects.filter(cpr=proof.cpr).first()
        if identity is None or not identity.hardware_tokens.exists():
            return render(request, "authenticators/no_device_yet.html")
        self.identity = identity
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "identity": self.identity}

    def form_valid(self, form: CodeDeviceActivationForm) -> HttpResponse:
        try:
            device = services.activate_code_device(
                identity=self.identity,
                password=form.cleaned_data["password1"],
                serial=form.cleaned_data["serial"],
                code=form.cleaned_data["code"],
            )
        except services.ActivationRefused as refusal:
            field = "code" if refusal.code in ("wrong_code", "locked") else "serial"
            message = REFUSALS[refusal.code] % {"minutes": settings.AUTHENTICATOR_LOCK_MINUTES}
            form.add_error(field, ValidationError(message, code=refusal.code))
            return self.form_invalid(form)
        self.identity.refresh_from_db()
        return render(
            self.request,
            "authenticators/activated.html",
            {"identity": self.identity, "device": device},
        )


# The MitID chip: added in two steps by someone logged in with MitID ----------------------

CHIP_STATE_KEY = "chip_registration_state"
CHIP_REFUSALS = {
    "identity_not_active": _("A MitID chip can be added once your MitID is active."),
    "invalid_chip_response": _("The chip could not be used. Try again."),
    "chip_already_registered": _("This chip is already added to a MitID."),
    "waiting_period": _("The chip cannot be confirmed yet."),
    "not_pending": _("This chip is already confirmed."),
    "locked": _("Too many failed attempts. Wait a while and try again."),
}


@method_decorator([never_cache, mitid_login_required], name="dispatch")
class ChipView(FormView):
    """Your chips, and step one: register a new one with the browser."""

    template_name = "authenticators/chip.html"
    form_class = WebAuthnForm

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        identity = self.request.mitid.identity  # type: ignore[attr-defined]
        options, state = services.chip_registration_options(identity)
        self.request.session[CHIP_STATE_KEY] = state
        chips = identity.chipdevices.exclude(status=AuthenticatorStatus.REVOKED).order_by("pk")
        return super().get_context_data(
            options=options,
            chips=chips,
            now=timezone.now(),
            waiting_hours=settings.CHIP_WAITING_HOURS,
            **wrong_host(self.request),
            **kwargs,
        )

    def form_valid(self, form: WebAuthnForm) -> HttpResponse:
        state = self.request.session.pop(CHIP_STATE_KEY, None)
        try:
            if state is None:
                raise services.ActivationRefused("invalid_chip_response")
            chip = services.register_chip(
                identity=self.request.mitid.identity,  # type: ignore[attr-defined]
                state=state,
                response=form.cleaned_data["credential"],
            )
        except services.ActivationRefused as refusal:
            form.add_error(None, ValidationError(CHIP_REFUSALS[refusal.code], code=refusal.code))
            return self.form_invalid(form)
        when = date_format(localtime(chip.confirm_after), "DATETIME_FORMAT")
        messages.success(
            self.request,
            _("The chip is added. Confirm it with the chip when the wait is over (%(when)s).")
            % {"when": when},
        )
        return redirect("authenticators:chip")


@method_decorator([never_cache, mitid_login_required], name="dispatch")
class ConfirmChipView(FormView):
    """Step two, after the waiting period: use the chip once, and it is active."""

    template_name = "authenticators/confirm_chip.html"
    form_class = WebAuthnForm

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        self.chip = get_object_or_404(
            ChipDevice,
            pk=kwargs["pk"],
            identity=request.mitid.identity,  # type: ignore[attr-defined]
            status=AuthenticatorStatus.PENDING,
        )
        if timezone.now() < self.chip.confirm_after:
            return redirect("authenticators:chip")
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        options = self.chip.generate_challenge()
        return super().get_context_data(
            chip=self.chip, options=options, **wrong_host(self.request), **kwargs
        )

    def form_valid(self, form: WebAuthnForm) -> HttpResponse:
        try:
            services.confirm_chip(chip=self.chip, response=form.cleaned_data["credential"])
        except services.ActivationRefused as refusal:
            form.add_error(None, ValidationError(CHIP_REFUSALS[refusal.code], code=refusal.code))
            return self.form_invalid(form)
        messages.success(self.request, _("Your MitID chip is active. You can log in with it now."))
        return redirect("authenticators:chip")
