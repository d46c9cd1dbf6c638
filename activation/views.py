"""Activation pages: activating a code display or code reader; adding a MitID chip."""

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext, ngettext_lazy
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.generic import FormView

from authenticators.forms import WebAuthnForm
from authenticators.models import AuthenticatorStatus, ChipDevice, Identity
from authenticators.webauthn import wrong_host
from enrollment.models import AppActivationCode
from login import session as login_session
from login.decorators import mitid_login_required
from nemid import session as nemid_session
from nemid.session import redirect_to_login
from pages.clients import client_address
from pages.drafts import DraftFormMixin
from pages.redirects import ErrorsAfterRedirectMixin

from . import services
from .forms import CodeDeviceActivationForm, LetterCodeForm, RemoveChipForm

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
    "letter_code_gone": _(
        "The activation code from the letter has been used or is no longer valid. Call MitID "
        "support on 33 98 00 10."
    ),
}

LETTER_REFUSALS = {
    # The same answer whether the user-ID exists or not.
    "invalid_activation_code": _(
        "The user-ID or the activation code is wrong, or the code has been used or is no "
        "longer valid. Check the letter that came with the device."
    ),
    "too_many_attempts": ngettext_lazy(
        "Too many wrong tries. Wait %(minutes)s minute and try again, or call MitID support.",
        "Too many wrong tries. Wait %(minutes)s minutes and try again, or call MitID support.",
        "minutes",
    ),
}

# The letter's code, checked: whose device may be activated without NemID, and by which code.
LETTER_SESSION_KEY = "code_device_letter"
# The code device this browser has just activated: its page shows it.
ACTIVATED_SESSION_KEY = "code_device_activated"


@method_decorator([never_cache, sensitive_post_parameters("activation_code")], name="dispatch")
class LetterCodeView(DraftFormMixin, FormView):
    """Without NemID: the user-ID and the activation code from the letter with the device."""

    template_name = "authenticators/letter_code.html"
    form_class = LetterCodeForm
    draft_fields = ("user_id",)

    def form_valid(self, form: LetterCodeForm) -> HttpResponse:
        try:
            letter = services.check_letter_code(
                user_id=form.cleaned_data["user_id"],
                activation_code=form.cleaned_data["activation_code"],
                client=client_address(self.request),
            )
        except services.ActivationRefused as refusal:
            limit = settings.AUTHENTICATOR_LOCK_MINUTES
            message = LETTER_REFUSALS[refusal.code] % {"minutes": limit}
            form.add_error("activation_code", ValidationError(message, code=refusal.code))
            return self.form_invalid(form)
        self.request.session[LETTER_SESSION_KEY] = {
            "identity": letter.identity_id,
            "code": letter.pk,
        }
        return redirect("authenticators:activate_code_device")


def _letter(request: HttpRequest) -> AppActivationCode | None:
    """The letter's code checked in this session, while it may still be used."""
    checked = request.session.get(LETTER_SESSION_KEY)
    if not checked:
        return None
    letter = services.checked_letter(identity_id=checked["identity"], code_id=checked["code"])
    if letter is None:
        del request.session[LETTER_SESSION_KEY]
        return None
    return letter


@method_decorator(
    [never_cache, sensitive_post_parameters("password1", "password2", "code")], name="dispatch"
)
class ActivateCodeDeviceView(DraftFormMixin, FormView):
    """Activate a code device: create a password, type the serial and the code (seed 002).

    Who the device is for is proven by a MitID login (a citizen adding a device to their
    MitID, who may have no NemID at all: they got MitID with their passport or at
    Borgerservice), else by the letter's activation code, else by NemID (a first device,
    ordered in enrollment).
    """

    template_name = "authenticators/activate_code_device.html"
    form_class = CodeDeviceActivationForm
    draft_fields = ("serial",)

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        logged_in = login_session.current(request)
        self.letter = None
        if logged_in is None:  # a letter's code gone stale matters only to one who needs it
            checked = LETTER_SESSION_KEY in request.session
            self.letter = _letter(request)
            if checked and self.letter is None:
                messages.error(request, REFUSALS["letter_code_gone"])
                return redirect("authenticators:letter_code")
        proof = nemid_session.proof(request)
        if logged_in is not None:
            identity: Identity | None = logged_in.identity
            self.proven_by = "mitid"
        elif self.letter is not None:
            identity = self.letter.identity
            self.proven_by = "letter"
        elif proof is None:
            return redirect_to_login(
                request, gettext("Log in with NemID to activate your code device.")
            )
        else:
            identity = Identity.objects.filter(cpr=proof.cpr).first()
            self.proven_by = "nemid"
        if identity is None or not identity.hardware_tokens.exists():
            return render(request, "authenticators/no_device_yet.html")
        self.identity = identity
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "identity": self.identity}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(proven_by=self.proven_by, **kwargs)

    def form_valid(self, form: CodeDeviceActivationForm) -> HttpResponse:
        # Who is logged in, read before the password changes: the session's login is checked
        # against the password's hash, and would end with the change (below).
        user = self.request.user
        logged_in_here = (
            user if user.is_authenticated and user.pk == self.identity.account_id else None
        )
        try:
            device = services.activate_code_device(
                identity=self.identity,
                password=form.cleaned_data["password1"],
                serial=form.cleaned_data["serial"],
                code=form.cleaned_data["code"],
                letter=self.letter,
            )
        except services.ActivationRefused as refusal:
            field: str | None = "code" if refusal.code in ("wrong_code", "locked") else "serial"
            if refusal.code == "letter_code_gone":
                field = None
            message = REFUSALS[refusal.code] % {"minutes": settings.AUTHENTICATOR_LOCK_MINUTES}
            form.add_error(field, ValidationError(message, code=refusal.code))
            return self.form_invalid(form)
        if logged_in_here is not None:
            # A citizen logged in with MitID (self-service's order) stays logged in: the new
            # password is the code device's, not a sign that someone else took the account.
            logged_in_here.refresh_from_db(fields=["password"])
            update_session_auth_hash(self.request, logged_in_here)
        self.request.session.pop(LETTER_SESSION_KEY, None)
        self.request.session[ACTIVATED_SESSION_KEY] = device.pk
        return redirect("authenticators:code_device_activated")


@never_cache
def code_device_activated(request: HttpRequest) -> HttpResponse:
    """The answer to an activation, a page of its own: a reload or the browser's Back shows it
    again and sends nothing (the form sent again said "already active"). Only the device this
    browser activated."""
    activated: int | None = request.session.get(ACTIVATED_SESSION_KEY)
    device = services.activated_code_device(activated) if activated is not None else None
    if device is None:
        return redirect("authenticators:activate_code_device")
    return render(
        request, "authenticators/activated.html", {"identity": device.identity, "device": device}
    )


# The MitID chip: added in two steps by someone logged in with MitID ----------------------

CHIP_STATE_KEY = "chip_registration_state"
CHIP_REFUSALS = {
    "identity_not_active": _("A MitID chip can be added once your MitID is active."),
    "invalid_chip_response": _("The chip could not be used. Try again."),
    "chip_already_registered": _("This chip is already added to a MitID."),
    "waiting_period": _("The chip cannot be confirmed yet."),
    "not_pending": _("This chip is already confirmed."),
    "removed": _("This chip is removed. It can never be used with your MitID."),
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


def own_chip(request: HttpRequest, pk: int) -> ChipDevice:
    """The chip `pk` of the citizen logged in; someone else's is a 404, as no chip is."""
    return get_object_or_404(
        ChipDevice,
        pk=pk,
        identity=request.mitid.identity,  # type: ignore[attr-defined]
    )


def how_the_chip_stands(request: HttpRequest, chip: ChipDevice) -> HttpResponse:
    """The chip page, saying why a chip no longer waiting was not confirmed or removed: the
    browser's Back after it was done, a second tab, or the other of the two done meanwhile (a
    404 said the page did not exist). A chip blocked since shows as blocked there."""
    said = {AuthenticatorStatus.REVOKED: "removed", AuthenticatorStatus.ACTIVE: "not_pending"}
    if code := said.get(AuthenticatorStatus(chip.status)):
        messages.info(request, CHIP_REFUSALS[code])
    return redirect("authenticators:chip")


@method_decorator([never_cache, mitid_login_required], name="dispatch")
class ConfirmChipView(FormView):
    """Step two, after the waiting period: use the chip once, and it is active."""

    template_name = "authenticators/confirm_chip.html"
    form_class = WebAuthnForm

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        self.chip = own_chip(request, kwargs["pk"])
        if self.chip.status != AuthenticatorStatus.PENDING:
            return how_the_chip_stands(request, self.chip)
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


@method_decorator([never_cache, mitid_login_required], name="dispatch")
class RemoveChipView(ErrorsAfterRedirectMixin, FormView):
    """Remove a chip waiting to be confirmed: a page that asks why and to confirm (no script
    needed), then the chip is revoked for good. Errors after a redirect, as the block's are:
    the browser's Back after the removal finds a page, not "Confirm Form Resubmission"."""

    template_name = "authenticators/remove_chip.html"
    form_class = RemoveChipForm

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        self.chip = own_chip(request, kwargs["pk"])
        if self.chip.status != AuthenticatorStatus.PENDING:
            return how_the_chip_stands(request, self.chip)
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(chip=self.chip, **kwargs)

    def form_valid(self, form: RemoveChipForm) -> HttpResponse:
        try:
            services.remove_pending_chip(
                identity=self.request.mitid.identity,  # type: ignore[attr-defined]
                chip_id=self.chip.pk,
                reason=form.cleaned_data["reason"],
            )
        except services.ActivationRefused as refusal:
            messages.info(self.request, CHIP_REFUSALS.get(refusal.code, CHIP_REFUSALS["removed"]))
            return redirect("authenticators:chip")
        messages.success(
            self.request,
            _("The chip is removed and can never be used with your MitID. It is in your history."),
        )
        return redirect("authenticators:chip")
