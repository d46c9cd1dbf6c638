"""Self-service pages: thin doors onto selfservice.services, for someone logged in with MitID.

Ordering a code device also admits someone proven by NemID, but only when none of their
authenticators works (`kinds.can_log_in_with_mitid`): a citizen whose only device is blocked
cannot log in with MitID, and proves who they are with NemID, as in enrollment.
"""

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.translation import get_language, gettext, ngettext_lazy
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.generic import FormView, TemplateView

from authenticators import kinds
from authenticators.kinds import AnyDevice
from authenticators.lifecycle import BlockReason
from authenticators.models import AuthenticatorStatus, Identity
from authenticators.services import MAX_ACTIVE_APPS, Refused
from cpr.registry import get_registry
from enrollment.errors import ERROR_MESSAGES as ENROLLMENT_ERRORS
from enrollment.errors import EnrollmentError
from enrollment.forms import as_typed
from enrollment.mixins import PickUpChoiceMixin, UserIdSuggestionsMixin, delivery_hints
from enrollment.models import ContactChannel
from login import methods, session
from login.decorators import mitid_login_required, redirect_to_login
from nemid import session as nemid_session
from nemid.session import redirect_to_login as redirect_to_nemid
from pages import qr
from pages.drafts import DraftFormMixin
from pages.redirects import ErrorsAfterRedirectMixin
from pages.translations import DeclaredTranslationsMixin

from . import services
from .forms import (
    BlockForm,
    BlockMitIDForm,
    CodeForm,
    ContactForm,
    NotifyForm,
    OrderForm,
    TypedCodesForm,
    UserIdForm,
)

# What self-service says when a service says no: its own codes, and enrollment's for the
# contact codes and orders it shares.
REFUSALS = {
    **ENROLLMENT_ERRORS,
    "already_blocked": _("It is already blocked. Nothing was changed."),
    "revoked": _("It is revoked and can never be used again. Nothing was changed."),
    "not_active": _("Your MitID is not active. Nothing was changed."),
    "not_yours": _("That is not one of your authenticators."),
    "too_many_apps": ngettext_lazy(
        "You already have the MitID app on %(max)d device. Block one before you add another.",
        "You already have the MitID app on %(max)d devices. Block one before you add another.",
        "max",
    ),
    "has_code_device": _(
        "You already have a code device. Block it first if you have lost it; then you can "
        "order a new one."
    ),
    "no_mobile": _(
        "The MitID app sends you a temporary PIN by SMS. Give your mobile number first."
    ),
}
BLOCKED_KEY = "selfservice_blocked"


def refusal_message(code: str, **params: Any) -> str:
    """The refusal in words; `%` before `str`, so that a plural picks its form by number."""
    message = REFUSALS.get(code, _("That could not be done. Nothing was changed."))
    return str(message % {"max": MAX_ACTIVE_APPS, **params})


def mitid(request: HttpRequest) -> session.LoggedIn:
    return request.mitid  # type: ignore[attr-defined]


class SelfServicePage(DeclaredTranslationsMixin):
    """A self-service page: written in every language; logged in with MitID; never cached."""

    @method_decorator([never_cache, mitid_login_required])
    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.identity: Identity = mitid(request).identity
        return super().dispatch(request, *args, **kwargs)


# The overview ------------------------------------------------------------------------------


class OverviewView(SelfServicePage, TemplateView):
    template_name = "selfservice/overview.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        identity = self.identity
        uses = services.last_uses(identity)
        devices = [
            {
                "device": device,
                "kind": services.kind_of(device),
                "last_used": uses.get(device.persistent_id),
                "logged_in_with": device.persistent_id == mitid(self.request).device,
            }
            for device in services.devices_of(identity)
        ]
        now = timezone.now()
        # The device itself where it is still listed ("your MitID code display 1234..."),
        # else the way in ("your code display or code reader").
        used = next((row["device"] for row in devices if row["logged_in_with"]), None)
        return super().get_context_data(
            identity=identity,
            mitid=mitid(self.request),
            method_name=used.label if used else kinds.NAMES.get(mitid(self.request).method, ""),
            devices=devices,
            history=services.history(identity),
            # How the app logs in on a computer, said only to someone who has the app (a walk).
            has_app=any(row["kind"] == "app" for row in devices),
            typed_codes=identity.uses_typed_codes(now),
            typed_codes_pending=identity.typed_codes_switch_at(now) is not None,
            can_order=services.can_order_code_device(identity),
            order=services.open_order(identity),
            **kwargs,
        )


class HistoryView(SelfServicePage, TemplateView):
    """The whole history of use, a page of it at a time, newest first."""

    template_name = "selfservice/history.html"
    per_page = 50

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        page = Paginator(services.history_events(self.identity), self.per_page).get_page(
            self.request.GET.get("page")
        )
        return super().get_context_data(
            page=page, history=services.uses(self.identity, list(page.object_list)), **kwargs
        )


# User-ID -----------------------------------------------------------------------------------


class UserIdView(SelfServicePage, DraftFormMixin, UserIdSuggestionsMixin):
    template_name = "selfservice/user_id.html"
    form_class = UserIdForm
    draft_fields = ("user_id",)

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "cpr": self.identity.cpr}

    def get_initial(self) -> dict[str, Any]:
        return {"user_id": self.identity.user_id, **super().get_initial()}

    def user_id_cpr(self) -> str:
        return self.identity.cpr

    def form_valid(self, form: UserIdForm) -> HttpResponse:
        try:
            changed = services.change_user_id(
                identity=self.identity, value=form.cleaned_data["user_id"]
            )
        except ValidationError as error:
            form.add_error("user_id", error)
            return self.form_invalid(form)
        if changed:
            messages.success(self.request, gettext("Your user-ID has been changed."))
        return redirect("selfservice:overview")


# Contact details ---------------------------------------------------------------------------


def channel_from(request: HttpRequest) -> str:
    wanted = request.POST.get("channel") or request.GET.get("channel")
    return wanted if wanted in ContactChannel.values else ContactChannel.SMS


class ContactView(SelfServicePage, DraftFormMixin, FormView):
    """Give a new mobile number or e-mail; a code is sent to it."""

    template_name = "selfservice/contact.html"
    form_class = ContactForm
    draft_fields = ("channel", "mobile", "email")

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        # Coming back while a code sent is still good: the page to type it, as in enrollment
        # (the form asked for a new code, which the resend limit refused); "change" asks anew.
        channel = channel_from(request)
        if "change" not in request.GET and services.code_waiting(self.identity, channel):
            return redirect(f"{reverse('selfservice:confirm_contact')}?channel={channel}")
        return super().get(request, *args, **kwargs)

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "channel": channel_from(self.request)}

    def get_initial(self) -> dict[str, Any]:
        # "Change" from the code page: the address typed, to mend a digit, not type it anew.
        change = services.pending_contact(self.identity, channel_from(self.request))
        typed = as_typed(change.address) if change else ""
        field = "mobile" if channel_from(self.request) == ContactChannel.SMS else "email"
        return {**({field: typed} if typed else {}), **super().get_initial()}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(
            channel=channel_from(self.request), identity=self.identity, **kwargs
        )

    def form_valid(self, form: ContactForm) -> HttpResponse:
        channel = channel_from(self.request)
        try:
            sent = services.give_contact(
                identity=self.identity,
                channel=channel,
                address=form.address(),
                language=get_language(),
            )
        except EnrollmentError as error:
            form.add_error(
                None, ValidationError(refusal_message(error.code, **error.params), code=error.code)
            )
            return self.form_invalid(form)
        if not sent:
            messages.info(
                self.request,
                gettext("That is the mobile number your MitID has already. Nothing is changed.")
                if channel == ContactChannel.SMS
                else gettext("That is the e-mail your MitID has already. Nothing is changed."),
            )
            return redirect("selfservice:overview")
        return redirect(f"{reverse('selfservice:confirm_contact')}?channel={channel}")


class ConfirmContactView(SelfServicePage, ErrorsAfterRedirectMixin, FormView):
    """Type the code sent to the new address; send it again. A wrong code is answered with a
    redirect to this page, which says so: a reload or Back never sends it again."""

    template_name = "selfservice/confirm_contact.html"
    form_class = CodeForm

    @method_decorator(sensitive_post_parameters("code"))
    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.channel = channel_from(request)
        return super().dispatch(request, *args, **kwargs)

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if services.pending_contact(self.identity, self.channel) is None:
            return redirect("selfservice:overview")
        return super().get(request, *args, **kwargs)

    def failure_url(self) -> str:
        return f"{reverse('selfservice:confirm_contact')}?channel={self.channel}"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        change = services.pending_contact(self.identity, self.channel)
        return super().get_context_data(
            channel=self.channel,
            address=change.address if change else "",
            code_minutes=settings.CONTACT_CODE_MINUTES,
            **kwargs,
        )

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.POST.get("action") == "resend":
            try:
                services.send_contact_code(
                    identity=self.identity, channel=self.channel, language=get_language()
                )
                messages.success(request, gettext("We have sent a new code."))
            except EnrollmentError as error:
                messages.error(request, refusal_message(error.code, **error.params))
            return redirect(f"{reverse('selfservice:confirm_contact')}?channel={self.channel}")
        return super().post(request, *args, **kwargs)

    def form_valid(self, form: CodeForm) -> HttpResponse:
        try:
            services.confirm_contact(
                identity=self.identity, channel=self.channel, code=form.cleaned_data["code"]
            )
        except EnrollmentError as error:
            form.add_error(
                "code",
                ValidationError(refusal_message(error.code, **error.params), code=error.code),
            )
            return self.form_invalid(form)
        messages.success(self.request, gettext("Your contact details have been changed."))
        return redirect("selfservice:overview")


# Settings: notified of every use, typed codes ---------------------------------------------


class SettingsView(SelfServicePage, TemplateView):
    """Two small forms on one page, each with its own submit button."""

    template_name = "selfservice/settings.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        identity = self.identity
        now = timezone.now()
        kwargs.setdefault(
            "notify_form",
            NotifyForm(
                initial={"notify_on_use": "1" if identity.notify_on_use else "0"}, prefix="notify"
            ),
        )
        wanted = identity.wants_typed_codes(now)
        kwargs.setdefault(
            "typed_form",
            TypedCodesForm(initial={"typed_codes": "1" if wanted else "0"}, prefix="typed"),
        )
        return super().get_context_data(
            identity=identity,
            typed_codes=identity.uses_typed_codes(now),
            typed_codes_change_at=identity.typed_codes_switch_at(now),
            wait_minutes=settings.TYPED_CODES_WAIT_MINUTES,
            **kwargs,
        )

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.POST.get("action") == "notify":
            notify_form = NotifyForm(request.POST, prefix="notify")
            if not notify_form.is_valid():
                return self.render_to_response(self.get_context_data(notify_form=notify_form))
            services.set_notify_on_use(
                identity=self.identity, on=notify_form.cleaned_data["notify_on_use"]
            )
            messages.success(request, gettext("Your choice is saved."))
            return redirect("selfservice:settings")
        typed_form = TypedCodesForm(request.POST, prefix="typed")
        if not typed_form.is_valid():
            return self.render_to_response(self.get_context_data(typed_form=typed_form))
        services.request_typed_codes(
            identity=self.identity, on=typed_form.cleaned_data["typed_codes"]
        )
        messages.success(request, gettext("Your choice is saved."))
        return redirect("selfservice:settings")


# Blocking ---------------------------------------------------------------------------------


class BlockDeviceView(SelfServicePage, ErrorsAfterRedirectMixin, DraftFormMixin, FormView):
    """ "I have lost it": block at once, or first confirm with another device. A form with
    errors is answered with a redirect to the page that shows them, as the login's are: the
    browser's Back after the block then finds a page, not "Confirm Form Resubmission"."""

    template_name = "selfservice/block_device.html"
    form_class = BlockForm
    draft_fields = ("reason",)
    kept_fields = ("reason",)

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        logged_in = session.current(request)
        if logged_in is not None:
            device = services.device_of(logged_in.identity, kwargs["kind"], kwargs["pk"])
            if device is None:
                raise Http404
            self.device: AnyDevice = device
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self) -> dict[str, Any]:
        initial = super().get_initial()
        reason = self.request.GET.get("reason")  # back from confirming with another device
        return {**initial, "reason": reason} if reason in BlockReason.values else initial

    def others(self) -> list[AnyDevice]:
        logged_in = mitid(self.request)
        if self.device.status != AuthenticatorStatus.ACTIVE:
            return []
        return services.others_to_confirm_with(
            identity=self.identity,
            device=self.device,
            logged_in_with=logged_in.device,
            logged_in_at=logged_in.at,
        )

    def methods(self, others: list[AnyDevice]) -> list[tuple[str, str]]:
        """The ways to log in that confirm the block: a device's kind is its way in."""
        offered = {services.kind_of(other) for other in others}
        return sorted((kind, str(kinds.NAMES[kind])) for kind in offered)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        others = self.others()
        # Blocked or revoked already (the browser's Back after blocking it): no form, so the
        # language buttons are the switcher's own, not this page's form's.
        if not self.device.can_be_blocked:
            kwargs["draft_form_id"] = None
        return super().get_context_data(
            device=self.device,
            blockable=self.device.can_be_blocked,
            others=others,
            # Named, so that nobody confirms with the one being blocked (a walk did, and came
            # back to this page with nothing said).
            other_labels=", ".join(other.label for other in others),
            methods=self.methods(others),
            is_session_device=self.device.persistent_id == mitid(self.request).device,
            **kwargs,
        )

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        method = request.POST.get("confirm_with")
        if method in dict(self.methods(self.others())):
            # Confirm with another device: log in again with it, and come back here.
            session.begin(request, user_id=self.identity.user_id, next_url=self.with_reason())
            return redirect(methods.URLS[method])
        return super().post(request, *args, **kwargs)

    def with_reason(self) -> str:
        """This page's address with the reason sent, the way back to it with that kept."""
        reason = self.request.POST.get("reason", "")
        return self.request.path + (f"?reason={reason}" if reason in BlockReason.values else "")

    def form_valid(self, form: BlockForm) -> HttpResponse:
        logged_in = mitid(self.request)
        try:
            services.block_lost_device(
                identity=self.identity,
                device=self.device,
                reason=form.cleaned_data["reason"],
                logged_in_with=logged_in.device,
                logged_in_at=logged_in.at,
            )
        except Refused as refusal:
            if refusal.code == "confirm_with_other":  # another device came since the page
                return redirect(self.with_reason())
            form.add_error(None, ValidationError(refusal_message(refusal.code), code=refusal.code))
            return self.form_invalid(form)
        return blocked(
            self.request,
            what="device",
            label=self.device.label,
            kind=services.kind_of(self.device),
            identity=self.identity,
            # Nothing left to log in with: the overview cannot help; say what can.
            no_way_in=not kinds.can_log_in_with_mitid(self.identity),
        )


class BlockMitIDView(SelfServicePage, ErrorsAfterRedirectMixin, DraftFormMixin, FormView):
    """ "Block my whole MitID": until staff lift it after an ID check (errors after a
    redirect, as `BlockDeviceView`'s)."""

    template_name = "selfservice/block_mitid.html"
    form_class = BlockMitIDForm
    draft_fields = ("reason",)
    kept_fields = ("reason",)

    def form_valid(self, form: BlockMitIDForm) -> HttpResponse:
        try:
            services.block_whole_mitid(identity=self.identity, reason=form.cleaned_data["reason"])
        except Refused as refusal:
            form.add_error(None, ValidationError(refusal_message(refusal.code), code=refusal.code))
            return self.form_invalid(form)
        return blocked(self.request, what="identity", label="", kind="", identity=self.identity)


def blocked(
    request: HttpRequest,
    *,
    what: str,
    label: str,
    kind: str,
    identity: Identity,
    no_way_in: bool = False,
) -> HttpResponse:
    """After a block: if the session's device or the MitID is blocked, the citizen is logged
    out (say so); the result page needs no login, and says how `identity` was told. A login
    begun in another tab of the browser (a party's) goes on, and its page says what the block
    did to it, as the portal's own login page does."""
    logged_out = session.current(request) is None
    if logged_out:
        session.log_out(request, keep_logins_in_progress=True)
    request.session[BLOCKED_KEY] = {
        "what": what,
        "label": label,
        "kind": kind,
        "logged_out": logged_out,
        "no_way_in": no_way_in,
        "told": services.told_by(identity),
    }
    return redirect("selfservice:blocked")


@method_decorator(never_cache, name="dispatch")
class BlockedView(DeclaredTranslationsMixin, TemplateView):
    template_name = "selfservice/blocked.html"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        done = request.session.get(BLOCKED_KEY)
        if not done:
            return redirect("selfservice:overview")
        return self.render_to_response(self.get_context_data(done=done))


# New devices ------------------------------------------------------------------------------

APP_CODE_KEY = "selfservice_app_code"
ORDER_TOLD_KEY = "selfservice_order_told"


class AddAppView(SelfServicePage, TemplateView):
    """An activation code for the app on another device, and a QR code of it."""

    template_name = "selfservice/add_app.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        shown = self.request.session.get(APP_CODE_KEY) or {"id": 0}
        activation = self.identity.activation_codes.filter(pk=shown["id"]).first()
        context: dict[str, Any] = {
            "minutes": settings.SELFSERVICE_APP_CODE_MINUTES,
            "max_apps": MAX_ACTIVE_APPS,
        }
        if activation is not None and activation.is_usable(timezone.now()):
            context.update(activation=activation, activation_code=shown["code"])
        return super().get_context_data(**context, **kwargs)

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            activation, code = services.app_activation_code(identity=self.identity)
        except Refused as refusal:
            messages.error(request, refusal_message(refusal.code))
            return redirect("selfservice:add_app")
        request.session[APP_CODE_KEY] = {"id": activation.pk, "code": code}
        return redirect("selfservice:add_app")


@never_cache
@mitid_login_required
def app_code_qr(request: HttpRequest) -> HttpResponse:
    """The activation code as a QR code, drawn on the server, while it is good."""
    shown = request.session.get(APP_CODE_KEY) or {"id": 0}
    activation = mitid(request).identity.activation_codes.filter(pk=shown["id"]).first()
    if activation is None or not activation.is_usable(timezone.now()):
        raise Http404
    return qr.svg_response(shown["code"])


@method_decorator(never_cache, name="dispatch")
class OrderView(DeclaredTranslationsMixin, PickUpChoiceMixin, DraftFormMixin, FormView):
    """Order a code display or code reader: logged in with MitID, or proven by NemID (when
    the only device is blocked, MitID cannot be used to log in)."""

    template_name = "selfservice/order.html"
    form_class = OrderForm
    draft_fields = ("kind", "delivery", "office", "day", "slot")

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        logged_in = session.current(request)
        proof = nemid_session.proof(request)
        identity = (
            logged_in.identity
            if logged_in
            else Identity.objects.filter(cpr=proof.cpr).first()
            if proof
            else None
        )
        if identity is None:
            if proof is not None:
                return render(request, "selfservice/no_mitid.html")
            return redirect_to_nemid(
                request, gettext("Log in with NemID to order a new code device.")
            )
        if logged_in is None and kinds.can_log_in_with_mitid(identity):
            messages.info(request, gettext("Log in with MitID to continue."))
            return redirect_to_login(request)
        self.identity = identity
        self.logged_in = logged_in is not None
        if not identity.is_active:
            return render(request, "selfservice/no_mitid.html", {"identity": identity})
        order = services.open_order(identity)
        if order is not None:
            return render(request, "selfservice/ordered.html", self.receipt(order))
        if not services.can_order_code_device(identity):
            messages.info(request, refusal_message("has_code_device"))
            return redirect("selfservice:overview")
        return super().dispatch(request, *args, **kwargs)

    def receipt(self, order: Any) -> dict[str, Any]:
        # How the citizen was told of the order: said on the receipt the order leads to (the
        # ways of that moment), not on later visits, when the contact details may differ.
        told = self.request.session.get(ORDER_TOLD_KEY) or {}
        return {
            "order": order,
            "delivery_by": order.expected_delivery,
            "told": told if told.get("order") == order.pk else {},
        }

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(
            person=get_registry().lookup(self.identity.cpr),
            delivery_hints=delivery_hints(),
            overview=self.logged_in,  # proven by NemID only, the overview is out of reach
            **kwargs,
        )

    def form_valid(self, form: OrderForm) -> HttpResponse:
        try:
            order = services.order_code_device(
                identity=self.identity,
                kind=form.cleaned_data["kind"],
                delivery=form.cleaned_data["delivery"],
                slot=form.cleaned_data.get("slot"),
                language=get_language(),
            )
        except Refused as refusal:
            form.add_error(None, ValidationError(refusal_message(refusal.code), code=refusal.code))
            return self.form_invalid(form)
        self.request.session[ORDER_TOLD_KEY] = {
            "order": order.pk,
            **services.told_by(self.identity),
        }
        return redirect("selfservice:order")
