"""Login pages: the user-ID first, then the person's way in (app, code device or chip)."""

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.decorators import method_decorator
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_POST
from django.views.generic import FormView, TemplateView
from django_htmx.http import HttpResponseClientRedirect

from authenticators import kinds
from authenticators.models import AppLogin
from authenticators.webauthn import wrong_host
from enrollment.state import remember_language
from pages import qr, redirects
from pages.clients import client_address
from pages.drafts import DraftFormMixin, keep_draft
from pages.languages import page_in
from pages.redirects import ErrorsAfterRedirectMixin, carry_errors, take_errors
from pages.security import allow_form_action

from . import app_logins, methods, services, session, session_time, ways_back
from .decorators import mitid_login_required
from .forms import TYPED_CODE_WRONG, CodeDeviceLoginForm, TypedCodeForm, UserIdForm, WebAuthnForm

CHIP_STATE_KEY = "chip_login_state"
# The way in this browser last logged in with: the user-ID is answered with its page. It is
# the browser's, not the person's, so the answer still says nothing of whom a user-ID is.
WAY_COOKIE = "mitid_way"
WAY_COOKIE_AGE = 60 * 60 * 24 * 365
PARTY_LOGIN_OVER = _(
    "The login for the service you came from is over. To log in there again, go back to that "
    "service and start there. Here you log in to MitID self-service."
)
PARTY_APPROVAL_OVER = _(
    "The approval for the service you came from is over. To approve there again, go back to "
    "that service and start there. Here you log in to MitID self-service."
)
NOT_APPROVED_YET = _(
    "The MitID app has not approved yet. Approve in the app, then press the button again."
)
# The app page's state when this client may not start another app login for the user-ID for
# a while (`AppLoginView.too_many_starts`); no login's status is named so.
TOO_MANY_STARTS = "too_many_starts"
FAILURES = {
    "wrong_credentials": _("The user-ID, the password or the code is wrong. Try again."),
    "device_blocked": _(
        "This device is blocked. Use another way to log in, or call MitID support on 33 98 00 10."
    ),
    "identity_blocked": _(
        "Your whole MitID is blocked. To lift the block, bring your ID to a Borgerservice office."
    ),
}


def login_text() -> str:
    """What the citizen approves, in the language of the page."""
    return gettext(services.LOGIN_TEXT)


def service_and_text(request: HttpRequest) -> tuple[str, str]:
    """Whom the login is for and what the citizen approves: MitID.dk's own login, or the name
    of the party that asked for it with the text of its transaction, or a login's (in the
    language of the page). The app shows "<service>: <text>" and signs both
    (`AppLogin.signing_input`)."""
    on_behalf = session.behalf(request)
    if on_behalf is None:
        return services.SERVICE, login_text()
    return on_behalf.service, (
        on_behalf.text if on_behalf.approval else gettext(services.PARTY_LOGIN_TEXT)
    )


def safe_next(request: HttpRequest, candidate: str | None) -> str:
    return redirects.local_path(request, candidate) or reverse("selfservice:overview")


def finish(request: HttpRequest, success: services.Success) -> HttpResponse:
    pending = session.pending(request)
    on_behalf = session.behalf(request)
    next_url = pending.next_url if pending else reverse("selfservice:overview")
    # SMS and e-mail from now on go out in the language the citizen logged in with.
    remember_language(success.identity, get_language())
    logged_in = session.made(
        request,
        identity=success.identity,
        method=success.method,
        authenticator=success.authenticator,
        level=success.level,
        device=success.device,
        approval=success.approval,
    )
    response: HttpResponse | None = None
    if on_behalf is not None and on_behalf.way_back:
        # Straight back to whoever asked, in this request, unless a page of theirs comes
        # first: the way back ends the login made for them, so it is never kept in the
        # session (logging in and out again cost the request about 5 % of its CPU).
        response = ways_back.take(request, on_behalf.way_back, logged_in)
    if response is None:
        session.log_in(request, logged_in)
        # In the language the citizen finished in: they may have switched since they began.
        response = redirect(page_in(next_url, get_language()))
    response.set_cookie(
        WAY_COOKIE,
        success.method,
        max_age=WAY_COOKIE_AGE,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )
    return response


def allow_forms_to_end_at(response: HttpResponse, behalf: session.Behalf | None) -> None:
    """A login page's form for a party ends, through redirects, at the party's address, and
    browsers hold those redirects to the page's CSP `form-action` too: the page names it."""
    if behalf is not None and behalf.return_origin:
        allow_form_action(response, behalf.return_origin)


def mitid_blocked(form: Any) -> bool:
    """Whether the page's carried refusal is a whole MitID blocked: the page then says so and
    where it is lifted, with no form to try again (a try only tells the same)."""
    return form is not None and form.has_error(NON_FIELD_ERRORS, "identity_blocked")


def failure_message(failure: services.LoginFailed) -> str:
    if failure.code == "client_locked" and failure.locked_until is not None:
        until = date_format(localtime(failure.locked_until), "TIME_FORMAT")
        return gettext("Too many failed logins from your connection. Try again after %(time)s.") % {
            "time": until
        }
    if failure.code == "locked" and failure.locked_until is not None:
        until = date_format(localtime(failure.locked_until), "TIME_FORMAT")
        return gettext("Too many wrong attempts. Try again after %(time)s.") % {"time": until}
    return str(FAILURES.get(failure.code, FAILURES["wrong_credentials"]))


def party_login_over(
    request: HttpRequest, next_url: str | None, *, approval: bool = False
) -> HttpResponse:
    """The party's login a page belonged to is over (the browser's Back after it, an old
    link, a form left open): said so, rather than the portal's own login passed off as the
    party's; a transaction's approval, as such."""
    messages.info(request, str(PARTY_APPROVAL_OVER if approval else PARTY_LOGIN_OVER))
    query = urlencode({"next": next_url}) if next_url else ""
    return redirect(f"{reverse('login:start')}?{query}" if query else "login:start")


@method_decorator(never_cache, name="dispatch")
class StartView(DraftFormMixin, FormView):
    template_name = "login/start.html"
    form_class = UserIdForm
    draft_fields = ("user_id",)

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        on_behalf = session.behalf(request)
        asked_for = request.GET.get("for")
        if on_behalf is not None and asked_for != on_behalf.reference:
            session.forget_behalf(request)  # a login of one's own, not the party's left behind
            on_behalf = None
        if on_behalf is None and session.current(request) is not None:
            # Logged in already (the browser's Back through a login that is over, an old
            # link): where the login would have gone. A party's login is always a fresh one.
            return redirect(safe_next(request, request.GET.get("next")))
        if asked_for and on_behalf is None:
            return ways_back.forget(party_login_over(request, request.GET.get("next")))
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        next_url = self.request.POST.get("next") or self.request.GET.get("next", "")
        return super().get_context_data(
            next=next_url, behalf=session.behalf(self.request), **kwargs
        )

    @classmethod
    def page_on_behalf(cls, request: HttpRequest) -> HttpResponse:
        """The page for the login just begun on someone's behalf (`login.entry`), as the answer
        to the request that began it. It says where it lives (`page_path`: its own address,
        with the party's reference), for the script that gives the page that address, so that
        a reload or the browser's Back asks for it there, and for the language switcher."""
        view = cls()
        view.setup(request)
        behalf = session.behalf(request)
        assert behalf is not None, "a login on someone's behalf begins before its page"
        page_path = f"{reverse('login:start')}?{urlencode({'for': behalf.reference})}"
        # Its form as a GET would show it, whatever the method of the request that began it.
        form = view.form_class(initial=view.get_initial())
        response = view.render_to_response(view.get_context_data(form=form, page_path=page_path))
        add_never_cache_headers(response)
        return response

    def form_valid(self, form: UserIdForm) -> HttpResponse:
        on_behalf = session.behalf(self.request)
        asked_for = self.request.POST.get("for")
        if on_behalf is not None and asked_for != on_behalf.reference:
            session.forget_behalf(self.request)
            on_behalf = None
        if asked_for and on_behalf is None:
            keep_draft(self.request, self.request.path)  # the user-ID typed stays in the form
            return party_login_over(self.request, self.request.POST.get("next"))
        user_id = form.cleaned_data["user_id"]
        next_url = safe_next(self.request, self.request.POST.get("next"))
        session.begin(self.request, user_id=user_id, next_url=next_url)
        # The next page is the way in this browser used last, else the app's, whoever the
        # user-ID belongs to (if anyone): it tells nobody who has MitID or which devices they
        # hold. It is the answer itself rather than a redirect to it: a round trip less.
        # Without JavaScript the page cannot give itself its address, and the browser's Back
        # would land on the user-ID's POST ("resubmit the form?"): a redirect to it then.
        page = FIRST_PAGES.get(self.request.COOKIES.get(WAY_COOKIE), AppLoginView)
        # A login of its own begins: a party's that ended before is no longer this browser's.
        if self.request.POST.get("without_script"):
            return ways_back.forget(redirect(methods.URLS[page.method]))
        return ways_back.forget(page.first_page(self.request))


def whole_page(request: HttpRequest, response: HttpResponseBase) -> HttpResponseBase:
    """A redirect, for htmx asking after a part of the page, as a move of the whole page: htmx
    follows a redirect itself and put the page it led to, header and all, inside the old one
    (a login replaced in another tab, asked after with the session's old key; a walk)."""
    if not request.htmx or response.status_code not in (301, 302):  # type: ignore[attr-defined]
        return response
    onwards = HttpResponseClientRedirect(response["Location"])
    onwards.cookies = response.cookies
    return onwards


class PendingLoginMixin:
    """A page of a login in progress: it needs the user-ID typed on the first page."""

    method: str
    request: HttpRequest

    @staticmethod
    def no_login(request: HttpRequest) -> HttpResponseBase:
        """Where a page of a login goes when the session has none under way."""
        if session.current(request) is not None:
            # A page of a login that is over (the browser's Back after it): logged in.
            return redirect("selfservice:overview")
        if taken := ways_back.just_taken(request):
            # The browser's Back from the party it was just sent back to lands here, on
            # the address the login page gave itself: that party's login is over.
            over = party_login_over(request, None, approval=taken == "approval")
            return ways_back.forget(over)
        messages.info(request, gettext("Type your user-ID to log in."))
        return redirect("login:start")

    @classmethod
    def first_page(cls, request: HttpRequest) -> HttpResponse:
        """The page, as the answer to the user-ID typed on the first one."""
        view = cls()
        view.setup(request)  # type: ignore[attr-defined]
        view.pending = session.pending(request)  # type: ignore[assignment]
        return view.show()

    def show(self) -> HttpResponse:
        """The page with an empty form (the user-ID's POST is not this page's form)."""
        form_class = getattr(self, "form_class", None)
        extra = {"form": form_class()} if form_class is not None else {}
        return self.render_to_response(self.get_context_data(**extra))

    def render_to_response(self, context: dict[str, Any], **kwargs: Any) -> HttpResponse:
        response: HttpResponse = super().render_to_response(context, **kwargs)  # type: ignore[misc]
        allow_forms_to_end_at(response, context.get("behalf"))
        return response

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        pending = session.pending(request)
        if pending is None:
            return whole_page(request, self.no_login(request))
        self.pending = pending
        return super().dispatch(request, *args, **kwargs)  # type: ignore[misc]

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        behalf = session.behalf(self.request)
        links = methods.APPROVE_LINKS if behalf and behalf.approval else methods.LINKS
        others = [
            (reverse(methods.URLS[method]), links[method])
            for method in kinds.METHODS
            if method != self.method
        ]
        context: dict[str, Any] = super().get_context_data(**kwargs)  # type: ignore[misc]
        return {
            **context,
            # The page may be the answer to the user-ID's POST: it says where it lives, for
            # the language switcher and for the script that gives the page its address.
            "page_path": reverse(methods.URLS[self.method]),
            "user_id": self.pending.user_id,
            "other_methods": others,
            "behalf": behalf,
        }


def app_link(request: HttpRequest, login: AppLogin) -> str:
    """The link that opens the app on this phone with the login's secret (in the fragment,
    which no server sees), as a scan would have, and the page to go back to once the app has
    its answer (this page, which then goes on)."""
    base = settings.APP_LINK
    if not base and settings.DEMO_MODE:
        base = reverse("app_demo:app")
    if not base:
        return ""
    return f"{base}#autostart={login.token}.{login.autostart}&return={reverse('login:app')}"


def _waited_on(request: HttpRequest) -> AppLogin | None:
    pending = session.pending(request)
    if pending is None or not pending.app_login:
        return None
    return app_logins.waited_on(pending.app_login)


@never_cache
def app_login_qr(request: HttpRequest) -> HttpResponse:
    """The current frame drawn on the server, for a page without JavaScript (it costs 7 to
    12 ms, so the browser draws its own whenever it can)."""
    login = _waited_on(request)
    if login is None or login.current_status() != AppLogin.Status.WAITING:
        return HttpResponse(status=404)
    return qr.svg_response(app_logins.frame(login))


@method_decorator(never_cache, name="dispatch")
class AppLoginView(PendingLoginMixin, TemplateView):
    """Scan the live QR code with the app, or open the app on this phone; then approve."""

    method = kinds.APP
    template_name = "login/app.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        if "typed_form" not in kwargs:
            kwargs["typed_form"] = take_errors(self.request, TypedCodeForm())
        return super().get_context_data(**kwargs)

    def app_login(self, *, restart: bool = False, same_device: bool = False) -> AppLogin:
        login = None
        service, text = service_and_text(self.request)
        if self.pending.app_login and not restart:
            login = app_logins.waited_on(self.pending.app_login)
        if login is not None and app_logins.says_otherwise(login, service, text):
            same_device = login.same_device  # a new code in the page's words, the same way
            login = None
        if login is None:
            login = app_logins.start(
                user_id=self.pending.user_id,
                service=service,
                text=text,
                same_device=same_device,
                client=client_address(self.request),
            )
            session.wait_for_app_login(self.request, str(login.token))
        return login

    def too_many_starts(self) -> HttpResponse:
        """This client has cancelled too many open logins for the user-ID by starting new ones
        (`app_logins.start`): the page says for how long, with the other ways in, which start
        no app login. It sent the citizen back to the first page, whose user-ID led here again:
        someone with only a code device could not reach its page (a walk)."""
        if self.request.htmx:  # type: ignore[attr-defined]
            return HttpResponseClientRedirect(reverse("login:app"))
        context = self.get_context_data(
            status=TOO_MANY_STARTS, lock_minutes=settings.AUTHENTICATOR_LOCK_MINUTES
        )
        return self.render_to_response(context, status=429)

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return self.show()

    def answering(self, page: Callable[[], HttpResponse]) -> HttpResponse:
        """`page()`, or, where it would start a login this client may not, the first page."""
        try:
            return page()
        except app_logins.LoginRefused as refusal:
            if refusal.code != "too_many_starts":
                raise
            return self.too_many_starts()

    def show(self) -> HttpResponse:
        return self.answering(self.show_login)

    def show_login(self) -> HttpResponse:
        """The page, or (for htmx, when the live status changed) just its status part."""
        request = self.request
        login = self.app_login()
        status = login.current_status()
        if status == AppLogin.Status.APPROVED:
            try:
                response = finish(request, services.complete_app_login(login))
            except services.LoginFailed as failure:
                messages.error(request, failure_message(failure))
                response = redirect("login:start")
            if request.htmx:  # type: ignore[attr-defined]
                onwards = HttpResponseClientRedirect(response["Location"])
                onwards.cookies = response.cookies  # the way in this browser used, remembered
                return onwards
            return response
        context = self.get_context_data(login=login, status=status)
        if status == AppLogin.Status.WAITING and login.same_device:
            context["app_link"] = app_link(request, login)
        if status == AppLogin.Status.WAITING and not login.same_device:
            context["frame"] = app_logins.frame(login)
        if request.htmx:  # type: ignore[attr-defined]
            return render(request, "login/_app_status.html", context)
        return self.render_to_response(context)

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return self.answering(lambda: self.act(request))

    def act(self, request: HttpRequest) -> HttpResponse:
        """Start again, open the app on this phone instead, or type the code the app shows."""
        action = request.POST.get("action")
        if action == "approved":
            # "I have approved" (without JavaScript the page moves on only then): if the app
            # has not, the page says so; either way the page's own address, as after a POST.
            if self.app_login().current_status() in AppLogin.OPEN:
                messages.warning(request, str(NOT_APPROVED_YET))
            return redirect("login:app")
        if action == "typed_code":
            return self.typed_code(request, TypedCodeForm(request.POST))
        if action in ("same_device", "scan_instead"):
            same_device = action == "same_device"  # a switch of way, either way
        else:  # "Start again", "More time": the same way as before
            before = app_logins.waited_on(self.pending.app_login or "")
            same_device = before is not None and before.same_device
        self.app_login(restart=True, same_device=same_device)
        return redirect("login:app")

    def typed_code(self, request: HttpRequest, form: TypedCodeForm) -> HttpResponse:
        """The code the app shows, typed: as good as a scan. A wrong one is an error on the
        page, carried to it by a redirect (Back or reload never sends a wrong code again,
        and three end the login); when the login has ended, the page says why."""
        login = self.app_login()
        if form.is_valid():
            try:
                app_logins.enter_typed_code(
                    token=str(login.token),
                    code=form.cleaned_data["code"],
                    client=client_address(request),
                )
                return redirect("login:app")
            except app_logins.LoginRefused as refusal:
                if refusal.code == "too_many_attempts":
                    messages.error(request, gettext("Too many wrong codes. Start again."))
                if refusal.code == "typed_codes_locked":
                    form.add_error(
                        "code",
                        ValidationError(
                            gettext(
                                "Too many wrong codes have been typed. Scan the QR code, or "
                                "log in another way; typing a code works again in a while."
                            ),
                            code="typed_codes_locked",
                        ),
                    )
                    carry_errors(request, form)
                    return redirect("login:app")
                if refusal.code != "wrong_code":
                    return redirect("login:app")
                form.add_error("code", ValidationError(TYPED_CODE_WRONG, code="wrong_code"))
        carry_errors(request, form)
        return redirect("login:app")


@never_cache
@require_POST
def extend_session(request: HttpRequest) -> HttpResponse:
    """ "More time": the session (and a NemID proof) for the full time again. The page's script
    asks for JSON and stays where it is, so nothing typed is lost; a plain form goes back.
    `seconds_left` is 0 when there was nothing left to keep (logged out in another tab, or run
    out): the dialog then says so, where it closed as if the time were given."""
    left = session_time.extend(request)
    if "application/json" in request.headers.get("Accept", ""):
        return JsonResponse({"seconds_left": left})
    return redirect(safe_next(request, request.POST.get("next")))


@never_cache
@require_GET
def session_time_left(request: HttpRequest) -> JsonResponse:
    """How long the session has, as stored: asked by a page before it warns, so that a tab
    left alone while another kept the session does not say "You have been logged out" (a
    walk with two tabs). Nothing is written: asking keeps nobody logged in."""
    return JsonResponse({"seconds_left": session_time.remaining(request)})


@never_cache
def app_login_status(request: HttpRequest) -> JsonResponse:
    """Polling, for browsers whose websocket does not get through: the status and the frame."""
    login = _waited_on(request)
    if login is None:
        return JsonResponse({"status": "none"})
    status = login.current_status()
    answer = {"status": status}
    if status == AppLogin.Status.WAITING and not login.same_device:
        answer["frame"] = app_logins.frame(login)
    return JsonResponse(answer)


@method_decorator([never_cache, sensitive_post_parameters("password", "code")], name="dispatch")
class CodeDeviceLoginView(PendingLoginMixin, ErrorsAfterRedirectMixin, FormView):
    """The password and the device's code; a refusal is a redirect to this page (Back and
    reload never send a password or a used code again)."""

    method = kinds.CODE_DEVICE
    template_name = "login/code_device.html"
    form_class = CodeDeviceLoginForm

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        return {**context, "mitid_blocked": mitid_blocked(context.get("form"))}

    def form_valid(self, form: CodeDeviceLoginForm) -> HttpResponse:
        service, text = service_and_text(self.request)
        try:
            success = services.check_code_device(
                user_id=self.pending.user_id,
                password=form.cleaned_data["password"],
                code=form.cleaned_data["code"],
                text=text,
                service=service,
                client=client_address(self.request),
            )
        except services.LoginFailed as failure:
            form.add_error(None, ValidationError(failure_message(failure), code=failure.code))
            return self.form_invalid(form)
        return finish(self.request, success)


@method_decorator(never_cache, name="dispatch")
class ChipLoginView(PendingLoginMixin, ErrorsAfterRedirectMixin, FormView):
    """The browser asks the security key (static/portal/webauthn.js); no key, no page. A
    refusal is a redirect to this page, which asks the key again with a new challenge."""

    method = kinds.CHIP
    template_name = "login/chip.html"
    form_class = WebAuthnForm

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        options, state = services.chip_options(self.pending.user_id)
        self.request.session[CHIP_STATE_KEY] = state
        context = super().get_context_data(options=options, **wrong_host(self.request), **kwargs)
        return {**context, "mitid_blocked": mitid_blocked(context.get("form"))}

    def form_valid(self, form: WebAuthnForm) -> HttpResponse:
        state = self.request.session.pop(CHIP_STATE_KEY, None)
        service, text = service_and_text(self.request)
        try:
            if state is None:
                raise services.LoginFailed("wrong_credentials")
            success = services.check_chip(
                user_id=self.pending.user_id,
                state=state,
                response=form.cleaned_data["credential"],
                text=text,
                service=service,
            )
        except services.LoginFailed as failure:
            message = failure_message(failure)
            if failure.code == "wrong_credentials":
                message = gettext("The chip could not be used. Try again.")
            form.add_error(None, ValidationError(message, code=failure.code))
            return self.form_invalid(form)
        return finish(self.request, success)


@never_cache
@mitid_login_required
def logged_in(request: HttpRequest) -> HttpResponse:
    """Who is logged in, and how: now the self-service overview (old links lead there)."""
    return redirect("selfservice:overview")


@require_POST
def log_out(request: HttpRequest) -> HttpResponse:
    session.log_out(request)
    messages.success(request, gettext("You are logged out."))
    return redirect("pages:front")


FIRST_PAGES: dict[str | None, type[PendingLoginMixin]] = {
    kinds.APP: AppLoginView,
    kinds.CODE_DEVICE: CodeDeviceLoginView,
    kinds.CHIP: ChipLoginView,
}
