"""MitID at the Borgerservice desk: the staff's pages, one step at a time (activation.desk).

Staff start it from "MitID at the desk" → Add. The last step of a code device is the
citizen's: the desk's screen is turned to them, they type a password (twice) and the code the
device shows; staff never see the password. An app activation code is shown once, on the case's
page after a redirect; a case that gave one gives a new one while the app is not activated.
"""

from typing import Any

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils import timezone, translation
from django.utils.decorators import method_decorator
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop, ngettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from activation import desk
from activation.forms import CodeDeviceActivationForm
from activation.models import DeskEnrollment
from audit.admin import LinksOnlyWhereAllowed
from audit.labels import register_reasons
from audit.models import AuditEntry
from authenticators.models import CodeDevice
from authenticators.services import Refused
from pages import languages, redirects

from .admin_actions import REFUSALS, refusal_text
from .forms import DeskCodeForm, DeskMethodForm, DeskSendCodeForm, DeskStartForm, DeskUserIdForm

# Django's admin says this on every page, the screen turned to the citizen too. Django has no
# Greenlandic, so it is in the portal's catalogues, which come before Django's.
SKIP_LINK = gettext_noop("Skip to main content")

# Why the desk said no, in words staff can pass on; the keys are activation.desk's codes.
DESK_REFUSALS = {
    "person_not_found": _("nobody has this CPR number in the CPR register"),
    "identity_blocked": _("this MitID is blocked: lift the block first (Identities)"),
    "wrong_step": _("this step is done already; reload the page"),
    "not_your_user_id": _("this person has MitID already: type their own user-ID"),
    "user_id_taken": _("someone else has this user-ID already"),
    "user_id_invalid": _("this user-ID breaks the rules"),
    "invalid_mobile": _("that is not a mobile number"),
    "invalid_email": _("that is not an e-mail address"),
    "resend_too_soon": ngettext_lazy(
        "a code was sent to this address just now: wait %(seconds)d second before sending another",
        "a code was sent to this address just now: wait %(seconds)d seconds before sending another",
        "seconds",
    ),
    "too_many_sends": _(
        "too many codes were sent in the last hour, for this citizen or to this address: wait "
        "a while before sending another"
    ),
    "wrong_code": _("the code is wrong"),
    "code_expired": _("the code has expired: send a new one"),
    "too_many_attempts": _("too many wrong codes: send a new one"),
    "no_code": _("no code was sent yet"),
    "has_code_device": _("this person has a code device already"),
    "out_of_stock": _("no device of this kind is in stock"),
    "unknown_serial": _("the device was not found"),
    "already_active": _("the device is active already"),
    "device_blocked": _("the device is blocked"),
    "locked": _("too many wrong codes: wait a while"),
    "too_many_serials": _("too many wrong serial numbers: wait a while"),
    "invalid_kind": _("choose a code display or a code reader"),
    "no_app_code": _("this case gave no activation code for the MitID app"),
    "app_activated": _("the MitID app is activated already: the code was used"),
    "too_many_app_codes": _(
        "this case has given as many activation codes as it may: start a new case, with the ID "
        "document"
    ),
    "case_too_old": _(
        "this case is too old for a new activation code: start a new case, with the ID document"
    ),
}
# The same words in the audit log (those the desk shares with other actions' refusals too),
# where a refusal's wait is not kept. Registered here, beside the words, as admin.register
# registers the admin.
register_reasons(
    {
        **REFUSALS,
        **{code: words for code, words in DESK_REFUSALS.items() if code != "resend_too_soon"},
        "resend_too_soon": _("a code was sent to this address just now"),
    },
    action=AuditEntry.Action.DESK_REFUSED,
)


class DeskPasswordForm(CodeDeviceActivationForm):
    """What the citizen types on the desk's screen: the serial is known already."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["serial"]


# The query that asks the desk's page for the send form while a code is out.
SEND_AGAIN = "again"
# An app activation code given, kept in the session (server-side) only until the case's page
# shows it once after the redirect: the database keeps its hash alone.
APP_CODE_KEY = "desk_app_code"
# Why a case gives no new app code, said on its page; a case that never gave one says nothing.
SAID_WHY_NO_NEW_APP_CODE = (
    "app_activated",
    "too_many_app_codes",
    "case_too_old",
    "identity_blocked",
)


def _screen_language(request: HttpRequest, identity_language: str) -> str:
    """The language of the screen turned to the citizen: the one picked on it, else their
    MitID's."""
    languages = dict(settings.LANGUAGES)
    picked = request.GET.get("language", "")
    if picked in languages:
        return picked
    return identity_language if identity_language in languages else settings.LANGUAGE_CODE


def _words(refusal: Refused) -> str:
    """The refusal as a sentence on the desk's form (the words are a phrase, as the actions'
    outcome messages and the audit log use them)."""
    words = DESK_REFUSALS.get(refusal.code)
    if words is None:
        phrase = refusal_text(refusal.code)
    else:
        # A refusal's details fill its words (the seconds to wait); others have no placeholder.
        phrase = str(words % getattr(refusal, "details", {}))
    return f"{capfirst(phrase)}."


@admin.register(DeskEnrollment)
class DeskEnrollmentAdmin(LinksOnlyWhereAllowed):
    list_display = ["created_at", "name", "state", "level", "staff"]
    list_filter = ["state", "level"]
    unlinked = {"staff": "staff_member"}
    fields = readonly_fields = (
        "name",
        "document",
        "document_last4",
        "level",
        "state",
        "user_id",
        "serial",
        "staff",
        "created_at",
    )

    @admin.display(description=_("staff member"))
    def staff_member(self, desk_case: DeskEnrollment) -> str:
        return str(desk_case.staff)

    def _may(self, request: HttpRequest) -> bool:
        return request.user.has_perm("staff.create_at_desk")

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._may(request)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self._may(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return self._may(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_urls(self) -> list[URLPattern]:
        wrap = self.admin_site.admin_view
        return [
            path("<int:pk>/desk/", wrap(self.desk_view), name="activation_deskenrollment_desk"),
            path(
                "<int:pk>/screen/",
                wrap(self.screen_view),
                name="activation_deskenrollment_screen",
            ),
            path(
                "<int:pk>/new-app-code/",
                wrap(self.new_app_code_view),
                name="activation_deskenrollment_new_app_code",
            ),
            *super().get_urls(),
        ]

    def _page(self, request: HttpRequest, title: str, context: dict[str, Any]) -> TemplateResponse:
        request.current_app = self.admin_site.name
        return TemplateResponse(
            request,
            "admin/staff/desk.html",
            {
                **self.admin_site.each_context(request),
                "title": title,
                "subtitle": None,
                "opts": self.model._meta,
                **context,
            },
        )

    def _desk_url(self, desk_case: DeskEnrollment) -> str:
        return reverse("admin:activation_deskenrollment_desk", args=[desk_case.pk])

    @method_decorator(never_cache)
    def add_view(
        self, request: HttpRequest, form_url: str = "", extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        if not self._may(request):
            raise PermissionDenied
        form = DeskStartForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                started = desk.start(
                    by=request.user,  # type: ignore[arg-type]
                    cpr=form.cleaned_data["cpr"],
                    document=form.cleaned_data["document"],
                    last4=form.cleaned_data["last4"],
                    checked_for_high=form.cleaned_data["checked_for_high"],
                )
            except Refused as refusal:
                form.add_error(None, _words(refusal))
            else:
                return HttpResponseRedirect(self._desk_url(started))
        return self._page(request, str(_("Create MitID at the desk")), {"form": form})

    def _step_form(
        self, case: DeskEnrollment, data: Any, *, send_again: bool, held: CodeDevice | None
    ) -> forms.Form | None:
        state = DeskEnrollment.State
        if case.state == state.USER_ID:
            # Someone with MitID already brings the user-ID they have: it is filled in.
            return DeskUserIdForm(data, initial={"user_id": case.user_id})
        if case.state == state.CONTACT and case.code_hash and not send_again:
            return DeskCodeForm(data)
        if case.state == state.CONTACT:
            # The address the last code went to, to send again or to correct.
            return DeskSendCodeForm(
                data, initial={"channel": case.channel, "address": case.address}
            )
        if case.state == state.METHOD:
            return DeskMethodForm(data, code_device=held is None)
        return None

    @method_decorator(never_cache)
    def desk_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        if not self._may(request):
            raise PermissionDenied
        case = get_object_or_404(DeskEnrollment, pk=pk)
        data = request.POST if request.method == "POST" else None
        # "Send a new code" shows the send form; the code sent before works until a new one is.
        send_again = request.GET.get("send") == SEND_AGAIN
        # A person holds one code device: said from the first step, and not offered again.
        held = desk.code_device_held(case) if case.state != DeskEnrollment.State.DONE else None
        form = self._step_form(case, data, send_again=send_again, held=held)
        if form is not None and data is None:
            form = redirects.take_errors(request, form)
        suggestions: list[str] = []
        if form is not None and data is not None and form.is_valid():
            try:
                activation_code = self._take_step(request, case, form.cleaned_data)
            except desk.DeskRefused as refusal:
                form.add_error(None, _words(refusal))
                if isinstance(form, DeskCodeForm):
                    # A wrong code is said on the page after a redirect: a reload sent it
                    # again, one more wrong try towards the limit (a walk in Danish).
                    redirects.carry_errors(request, form)
                    return HttpResponseRedirect(self._desk_url(case))
                suggestions = list(refusal.details.get("suggestions", []))  # type: ignore[call-overload]
            else:
                if activation_code:
                    self._keep_app_code(request, case, activation_code, new=False)
                return HttpResponseRedirect(self._desk_url(case))
        shown = self._take_app_code(request, case)
        why_not = desk.new_app_code_refusal(case, now=timezone.now())
        return self._page(
            request,
            str(_("Create MitID at the desk")),
            {
                "case": case,
                "form": form,
                "suggestions": suggestions,
                "activation_code": shown.get("code", ""),
                "new_activation_code": shown.get("new", False),
                "code_minutes": settings.APP_ACTIVATION_CODE_MINUTES,
                "new_app_code_url": reverse(
                    "admin:activation_deskenrollment_new_app_code", args=[case.pk]
                ),
                "may_give_new_app_code": why_not is None,
                "no_new_app_code": _words(Refused(why_not))
                if why_not in SAID_WHY_NO_NEW_APP_CODE
                else "",
                "screen_url": reverse("admin:activation_deskenrollment_screen", args=[case.pk]),
                "send_again": SEND_AGAIN,
                "sending_again": send_again,
                "held": held,
            },
        )

    def _keep_app_code(
        self, request: HttpRequest, case: DeskEnrollment, code: str, *, new: bool
    ) -> None:
        request.session[APP_CODE_KEY] = {"case": case.pk, "code": code, "new": new}

    def _take_app_code(self, request: HttpRequest, case: DeskEnrollment) -> dict[str, Any]:
        """The app activation code given for the case, once, while it still works (a code
        given since in another tab replaced it); a reload shows it no more."""
        kept = request.session.get(APP_CODE_KEY)
        if request.method != "GET" or not kept or kept.get("case") != case.pk:
            return {}
        del request.session[APP_CODE_KEY]
        return kept if desk.app_code_usable(case, kept["code"]) else {}

    @method_decorator(never_cache)
    @method_decorator(require_POST)
    def new_app_code_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        """A new app activation code for a case that gave one (the citizen did not note it):
        the earlier one stops working; the new one is shown once on the case's page."""
        if not self._may(request):
            raise PermissionDenied
        case = get_object_or_404(DeskEnrollment, pk=pk)
        try:
            _case, code = desk.give_new_app_code(desk=case, by=request.user)  # type: ignore[arg-type]
        except desk.DeskRefused as refusal:
            messages.error(request, _words(refusal))
        else:
            self._keep_app_code(request, case, code, new=True)
        return HttpResponseRedirect(self._desk_url(case))

    def _take_step(self, request: HttpRequest, case: DeskEnrollment, data: dict[str, Any]) -> str:
        """Run the service of the case's step; an app activation code is the one thing shown."""
        staff = request.user
        if "user_id" in data:
            desk.choose_user_id(desk=case, user_id=data["user_id"], by=staff)  # type: ignore[arg-type]
        elif "address" in data:
            desk.send_code(desk=case, channel=data["channel"], address=data["address"], by=staff)  # type: ignore[arg-type]
        elif "code" in data:
            desk.confirm_code(desk=case, code=data["code"], by=staff)  # type: ignore[arg-type]
        elif data.get("method") == "app":
            _case, code = desk.give_app_code(desk=case, by=staff)  # type: ignore[arg-type]
            return code
        elif "method" in data:
            handed = desk.hand_out_code_device(desk=case, kind=data["method"], by=staff)  # type: ignore[arg-type]
            messages.success(
                request, _("Hand over the device with serial number %s.") % handed.serial
            )
        return ""

    @method_decorator(never_cache)
    @method_decorator(sensitive_post_parameters("password1", "password2"))
    def screen_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        """The desk's screen turned to the citizen: their password and the device's code, in
        the citizen's language (their MitID's, or the one they pick on the screen), whatever
        the staff member's is; the word to turn the screen back is the staff's."""
        if not self._may(request):
            raise PermissionDenied
        case = get_object_or_404(DeskEnrollment, pk=pk, state=DeskEnrollment.State.PASSWORD)
        assert case.identity is not None
        language = _screen_language(request, case.identity.language)
        with translation.override(language):
            form = DeskPasswordForm(
                request.POST if request.method == "POST" else None, identity=case.identity
            )
            typed = request.method == "POST" and form.is_valid()
        if typed:
            # In the staff's language: the audit log's entry and the history's are theirs.
            try:
                desk.activate_at_desk(
                    desk=case,
                    password=form.cleaned_data["password1"],
                    code=form.cleaned_data["code"],
                    by=request.user,  # type: ignore[arg-type]
                    language=language,
                )
            except desk.DeskRefused as refusal:
                with translation.override(language):
                    form.add_error("code", _words(refusal))
            else:
                messages.success(request, _("The MitID is active. Turn the screen back."))
                return HttpResponseRedirect(self._desk_url(case))
        with translation.override(language):
            page = self._page(
                request,
                str(_("Your MitID password")),
                {
                    "case": case,
                    "form": form,
                    "citizen_screen": True,
                    "screen_language": language,
                    "screen_languages": list(languages.names().items()),
                },
            )
            page.render()  # here, in the citizen's language
        page["Content-Language"] = language
        return page
