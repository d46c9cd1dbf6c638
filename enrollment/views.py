"""Enrollment pages: thin doors onto state (load), services (write) and flow (where next)."""

from typing import Any, ClassVar, NamedTuple

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.http import content_disposition_header
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django.views.generic import FormView, TemplateView
from django_htmx.middleware import HtmxDetails
from django_stubs_ext import StrOrPromise

from authenticators.kinds import every_device_blocked
from authenticators.models import Identity
from cpr.registry import get_registry
from nemid import session as nemid_session
from nemid.session import redirect_to_login
from pages import documents, outages, reversing
from pages.drafts import DraftFormMixin, keeps_drafts, take_draft
from pages.redirects import ErrorsAfterRedirectMixin

from . import flow, rate_limits, services, state
from .errors import EnrollmentError, refusal_message
from .flow import Channel, Method, Step
from .forms import (
    CodeForm,
    ContactForm,
    DeviceDeliveryForm,
    MethodForm,
    TermsForm,
    UserIdForm,
    as_typed,
)
from .mixins import PickUpChoiceMixin, UserIdSuggestionsMixin, delivery_hints
from .models import ContactChannel, EnrollmentCase
from .user_ids import offer, suggestions

STEP_URLS = {
    Step.NEMID: "nemid:login",
    Step.YOUR_TURN: "enrollment:bank",
    Step.TERMS: "enrollment:terms",
    Step.METHOD: "enrollment:method",
    Step.CONTACT: "enrollment:contact",
    Step.USER_ID: "enrollment:user_id",
    Step.DELIVERY: "enrollment:delivery",
    Step.ACTIVATE: "enrollment:receipt",
}
STEP_TITLES = {
    Step.NEMID: _("Log in with NemID"),
    Step.YOUR_TURN: _("It is your turn"),
    Step.TERMS: _("Accept the terms"),
    Step.METHOD: _("Choose app or code device"),
    Step.CONTACT: _("Contact details"),
    Step.USER_ID: _("Choose your user-ID"),
    Step.DELIVERY: _("Get the app or order a device"),
    Step.ACTIVATE: _("Activate"),
}
METHOD_HINTS = [
    (
        Method.APP.value,
        _(
            "On your smartphone or tablet. You approve in the app with your PIN, or with your "
            "fingerprint or face."
        ),
    ),
    (
        Method.CODE_DISPLAY.value,
        _("A small device that shows a code when you press its button. Used with a password."),
    ),
    (
        Method.CODE_READER.value,
        _(
            "Like the code display, with a large screen, and it reads the code aloud. For people "
            "with poor sight."
        ),
    ),
]


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails


ACTIVATION_SESSION_KEY = "enrollment_activation_code"


def step_url(step: Step | None) -> str:
    return reversing.by_name(STEP_URLS[step or Step.ACTIVATE])


def proven_case(request: HttpRequest) -> EnrollmentCase | None:
    """The live enrollment case of the citizen proven by NemID in this session, if any."""
    proof = nemid_session.proof(request)
    return state.live_case_of(proof.cpr) if proof else None


def _open(request: HttpRequest, channel: Channel) -> state.Opened | HttpResponse:
    proof = nemid_session.proof(request)
    if proof is None:
        return redirect_to_login(request)
    identity = Identity.objects.filter(cpr=proof.cpr).first()
    if identity is not None and identity.is_active:
        # Every authenticator blocked (a lost only device): self-service needs a MitID login
        # they cannot do, so the page offers a new one, as the block's own page does.
        return render(
            request,
            "enrollment/already_active.html",
            {"identity": identity, "no_way_in": every_device_blocked(identity)},
        )
    opened = state.open_case(
        cpr=proof.cpr,
        nemid_user_id=proof.nemid_user_id,
        channel=channel,
        language=get_language(),
    )
    if opened.earlier_expired:
        messages.info(request, gettext("Your earlier enrollment had expired, so you start again."))
    return opened


@never_cache
def start(request: HttpRequest) -> HttpResponse:
    """Get MitID at MitID.dk: greet the NemID-proven citizen, then on to the next step."""
    opened = _open(request, Channel.MITID)
    if isinstance(opened, HttpResponse):
        return opened
    case = opened.case
    channel = state.channel_of(case)
    facts = state.facts(case)
    upcoming = flow.next_step(channel, facts)
    return render(
        request,
        "enrollment/start.html",
        {
            "person": get_registry().lookup(case.identity.cpr),
            "case": case,
            "resumed": opened.resumed and upcoming not in (None, flow.steps(channel)[1]),
            "steps": [(STEP_TITLES[s], flow.is_done(s, facts)) for s in flow.steps(channel)],
            "next_url": step_url(upcoming),
        },
    )


@method_decorator(never_cache, name="dispatch")
class BankView(TemplateView):
    """Get MitID in the online bank: 'it is your turn', now or later."""

    template_name = "enrollment/steps/your_turn.html"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        opened = _open(request, Channel.BANK)
        if isinstance(opened, HttpResponse):
            return opened
        self.case = opened.case
        facts = state.facts(self.case)
        channel = state.channel_of(self.case)
        # A case begun at MitID.dk, or one already submitted, goes on where it is.
        if (
            channel is not Channel.BANK
            or flow.is_submitted(facts)
            or (request.method == "GET" and flow.is_done(Step.YOUR_TURN, facts))
        ):
            return redirect(step_url(flow.next_step(channel, facts)))
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(
            grace_days=settings.NEMID_GRACE_DAYS,
            **step_context(self.case, Step.YOUR_TURN),
            **kwargs,
        )

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.POST.get("choice") == "later":
            services.postpone(self.case)
            return render(
                request, "enrollment/later.html", {"grace_days": settings.NEMID_GRACE_DAYS}
            )
        services.start_now(self.case)
        return redirect(step_url(flow.next_step(Channel.BANK, state.facts(self.case))))


class StepItem(NamedTuple):
    """One step in the step indicator. Plain values, so that a list of them is a key
    (`enrollment_steps.step_list` keeps the list's HTML by it)."""

    number: int
    step: str  # a Step's value
    current: bool
    done: bool
    url: str  # "" where the step is no link

    @property
    def title(self) -> StrOrPromise:
        return STEP_TITLES[Step(self.step)]


# NemID and "your turn" are not pages to revisit.
FIRST_STEPS = (None, Step.NEMID, Step.YOUR_TURN)


def step_context(case: EnrollmentCase, step: Step) -> dict[str, Any]:
    """The step indicator's steps and the way back: every step has a back link, the first
    ones back to the start page with the list of steps."""
    channel, facts = state.channel_of(case), state.facts(case)
    number, total = flow.progress(channel, step)
    order = flow.steps(channel)
    previous = order[order.index(step) - 1] if order.index(step) > 0 else None
    if previous is None:
        back = reversing.by_name("pages:front")
    elif previous in FIRST_STEPS:
        back = reversing.by_name("enrollment:start")
    else:
        back = step_url(previous)
    # A done step can be looked at again, when it can be reached.
    steps = tuple(
        StepItem(
            index,
            each.value,
            current,
            done,
            step_url(each) if reachable and each not in FIRST_STEPS else "",
        )
        for index, (each, current, done, reachable) in enumerate(
            flow.indicator(channel, step, facts), start=1
        )
    )
    return {
        "case": case,
        "step_number": number,
        "step_total": total,
        "step_title": STEP_TITLES[step],
        "back_url": back,
        "steps": steps,
    }


@method_decorator([never_cache], name="dispatch")
class StepView(DraftFormMixin, FormView):
    """One step of enrollment. Refuses to show or take a step that is not reachable yet."""

    step: ClassVar[Step]

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        proof = nemid_session.proof(request)
        if proof is None:
            return redirect_to_login(request)
        case = state.live_case_of(proof.cpr)
        if case is None:
            messages.info(request, gettext("Start getting MitID here."))
            return redirect("enrollment:start")
        self.case = case
        channel, facts = state.channel_of(case), state.facts(case)
        if flow.is_submitted(facts):
            return redirect("enrollment:receipt")
        if not flow.is_reachable(channel, self.step, facts):
            messages.info(request, gettext("Finish this step first."))
            return redirect(step_url(flow.next_step(channel, facts)))
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(**{**step_context(self.case, self.step), **kwargs})

    def next_url(self) -> str:
        return step_url(flow.next_step(state.channel_of(self.case), state.facts(self.case)))


class TermsView(StepView):
    step = Step.TERMS
    template_name = "enrollment/steps/terms.html"
    form_class = TermsForm
    draft_fields = ("accept",)  # the tick, kept across a change of language

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(terms=documents.TERMS, **kwargs)

    def form_valid(self, form: TermsForm) -> HttpResponse:
        services.accept_terms(self.case, version=documents.TERMS.version)
        return redirect(self.next_url())


class MethodView(StepView):
    step = Step.METHOD
    template_name = "enrollment/steps/method.html"
    form_class = MethodForm
    draft_fields = ("method",)  # the choice, kept across a change of language

    def get_initial(self) -> dict[str, Any]:
        return {"method": self.case.method or None, **super().get_initial()}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(method_hints=METHOD_HINTS, **kwargs)

    def form_valid(self, form: MethodForm) -> HttpResponse:
        changed = bool(self.case.method) and self.case.method != form.cleaned_data["method"]
        services.choose_method(self.case, Method(form.cleaned_data["method"]))
        if changed and self.case.mobile:
            messages.info(self.request, gettext("Check your contact details for the new choice."))
        return redirect(self.next_url())


class ContactView(StepView):
    step = Step.CONTACT
    template_name = "enrollment/steps/contact.html"
    form_class = ContactForm
    draft_fields = ("mobile", "email")

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "method": Method(self.case.method)}

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        # Coming back to a case whose code is still on its way: the code page, not the form.
        if "change" not in request.GET and services.code_waiting(self.case):
            return redirect("enrollment:confirm_contact")
        return super().get(request, *args, **kwargs)

    def get_initial(self) -> dict[str, Any]:
        return {
            "mobile": as_typed(self.case.mobile),
            "email": self.case.email,
            **super().get_initial(),
        }

    def form_valid(self, form: ContactForm) -> HttpResponse:
        try:
            services.give_contact_details(
                self.case,
                mobile=form.cleaned_data["mobile"],
                email=form.cleaned_data["email"],
                language=get_language(),
            )
        except EnrollmentError as error:
            form.add_error(None, ValidationError(refusal_message(error), code=error.code))
            return self.form_invalid(form)
        if not services.complete_contact_if_ready(self.case):
            return redirect("enrollment:confirm_contact")
        return redirect(self.next_url())


class ConfirmContactView(ErrorsAfterRedirectMixin, StepView):
    """Type the codes sent to the mobile and e-mail; send again; change the number. A wrong
    code is answered with a redirect to this page, which says so: a reload or Back never
    sends the code again, which would count as another wrong try."""

    step = Step.CONTACT
    template_name = "enrollment/steps/confirm_contact.html"
    form_class = CodeForm

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not services.unconfirmed_channels(self.case):
            return redirect("enrollment:contact")
        return super().get(request, *args, **kwargs)

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_form_kwargs()
        kwargs["prefix"] = self.channel()
        if self.request.method == "POST" and self.request.POST.get("channel") != self.channel():
            kwargs.pop("data", None)
        return kwargs

    def failure_url(self) -> str:
        return f"{reverse('enrollment:confirm_contact')}?channel={self.channel()}"

    def channel(self) -> str:
        pending = services.unconfirmed_channels(self.case)
        wanted = self.request.POST.get("channel") or self.request.GET.get("channel")
        return wanted if wanted in pending else (pending[0] if pending else ContactChannel.SMS)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        channel = self.channel()
        return super().get_context_data(
            channel=channel,
            address=self.case.mobile if channel == ContactChannel.SMS else self.case.email,
            confirmed_mobile=self.case.mobile_confirmed_at is not None,
            code_minutes=settings.CONTACT_CODE_MINUTES,
            # Back (and "change"): the contact details, even while a code waits.
            back_url=f"{reverse('enrollment:contact')}?change=1",
            **kwargs,
        )

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not services.unconfirmed_channels(self.case):
            return redirect("enrollment:contact")
        if request.POST.get("action") == "resend":
            try:
                services.send_code(
                    self.case, ContactChannel(self.channel()), language=get_language()
                )
                messages.success(request, gettext("We have sent a new code."))
            except EnrollmentError as error:
                messages.error(request, refusal_message(error))
            return redirect(f"{reverse('enrollment:confirm_contact')}?channel={self.channel()}")
        return super().post(request, *args, **kwargs)

    def form_valid(self, form: CodeForm) -> HttpResponse:
        try:
            services.confirm_code(
                self.case, ContactChannel(self.channel()), form.cleaned_data["code"]
            )
        except EnrollmentError as error:
            form.add_error("code", ValidationError(refusal_message(error), code=error.code))
            return self.form_invalid(form)
        if not services.complete_contact_if_ready(self.case):
            return redirect("enrollment:confirm_contact")
        messages.success(self.request, gettext("Your contact details are confirmed."))
        return redirect(self.next_url())


class UserIdView(UserIdSuggestionsMixin, StepView):
    step = Step.USER_ID
    template_name = "enrollment/steps/user_id.html"
    form_class = UserIdForm
    draft_fields = ("user_id",)

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "cpr": self.case.identity.cpr}

    def get_initial(self) -> dict[str, Any]:
        identity = self.case.identity
        offered = identity.user_id or offer(self.case.nemid_user_id, cpr=identity.cpr)
        return {"user_id": offered, **super().get_initial()}

    def user_id_cpr(self) -> str:
        return self.case.identity.cpr

    def form_valid(self, form: UserIdForm) -> HttpResponse:
        try:
            services.choose_user_id(self.case, form.cleaned_data["user_id"])
        except ValidationError as error:
            form.add_error("user_id", error)
            return self.form_invalid(form)
        return redirect(self.next_url())


class DeliveryView(PickUpChoiceMixin, StepView):
    step = Step.DELIVERY
    draft_fields = ("delivery", "office", "day", "slot")

    def get_template_names(self) -> list[str]:
        if Method(self.case.method) is Method.APP:
            return ["enrollment/steps/get_app.html"]
        return ["enrollment/steps/order_device.html"]

    def get_form_class(self) -> type[Form]:
        return Form if Method(self.case.method) is Method.APP else DeviceDeliveryForm

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        person = get_registry().lookup(self.case.identity.cpr)
        return super().get_context_data(
            person=person,
            method=Method(self.case.method),
            delivery_hints=delivery_hints(),
            activation_minutes=settings.APP_ACTIVATION_CODE_MINUTES,
            **kwargs,
        )

    def form_valid(self, form: Form) -> HttpResponse:
        if Method(self.case.method) is Method.APP:
            activation, code = services.issue_activation_code(self.case)
            self.request.session[ACTIVATION_SESSION_KEY] = {"id": activation.pk, "code": code}
            return redirect("enrollment:receipt")
        try:
            services.order_device(
                self.case,
                delivery=form.cleaned_data["delivery"],
                slot=form.cleaned_data.get("slot"),
                language=get_language(),
            )
        except EnrollmentError as error:
            form.add_error(None, ValidationError(refusal_message(error), code=error.code))
            return self.form_invalid(form)
        return redirect("enrollment:receipt")


@never_cache
def receipt(request: HttpRequest) -> HttpResponse:
    """The end of enrollment: what happens next, in plain words."""
    if nemid_session.proof(request) is None:
        return redirect_to_login(request)
    case = proven_case(request)
    if case is None or not flow.is_submitted(state.facts(case)):
        return redirect("enrollment:start")
    context: dict[str, Any] = {"case": case, "identity": case.identity}
    if case.delivery_method == Method.APP:
        shown = request.session.get(ACTIVATION_SESSION_KEY) or {"id": 0}
        activation = case.identity.activation_codes.filter(pk=shown["id"]).first()
        if activation is not None and activation.is_usable(timezone.now()):
            context.update(activation=activation, activation_code=shown["code"])
        return render(request, "enrollment/receipt_app.html", context)
    order = case.orders.select_related("slot__office").first()
    context.update(order=order, delivery_by=order.expected_delivery if order else None)
    return render(request, "enrollment/receipt_device.html", context)


@require_POST
@never_cache
def renew_activation_code(request: HttpRequest) -> HttpResponse:
    if nemid_session.proof(request) is None:
        return redirect_to_login(request)
    case = proven_case(request)
    if case is None or case.delivery_method != Method.APP:
        return redirect("enrollment:start")
    activation, code = services.issue_activation_code(case)
    request.session[ACTIVATION_SESSION_KEY] = {"id": activation.pk, "code": code}
    messages.success(
        request, gettext("Here is a new activation code. The old one no longer works.")
    )
    return redirect("enrollment:receipt")


# Documents and the public user-ID check -------------------------------------------------


def document(request: HttpRequest, slug: str) -> HttpResponse:
    if slug not in documents.DOCUMENTS:
        raise Http404
    return render(request, "enrollment/document.html", {"document": documents.DOCUMENTS[slug]})


def document_pdf(request: HttpRequest, slug: str) -> HttpResponse:
    """The document as a PDF download. Made in memory, so one response of its bytes: a
    FileResponse streams, and under the ASGI server Django warned that it had to consume a
    synchronous iterator to serve it."""
    if slug not in documents.DOCUMENTS:
        raise Http404
    doc = documents.DOCUMENTS[slug]
    filename = f"mitid-{doc.slug}-{doc.version}-{get_language()}.pdf"
    return HttpResponse(
        documents.as_pdf(doc),
        content_type="application/pdf",
        headers={"Content-Disposition": content_disposition_header(True, filename)},
    )


@never_cache
@keeps_drafts("user_id")
def check_user_id(request: HtmxHttpRequest) -> HttpResponse:
    """Check a user-ID against the rules: the public page, and the live feedback (htmx).

    Who holds a taken one is never told. A citizen proven by NemID is checked as themselves,
    so their own reserved NemID user-ID counts as free for them.
    """
    proof = nemid_session.proof(request)
    # What was typed before a change of language comes back (`keeps_drafts`).
    initial = take_draft(request) if request.method == "GET" else {}
    form = UserIdForm(request.POST or None, cpr=proof.cpr if proof else None, initial=initial)
    context: dict[str, Any] = {"form": form, "draft_form_id": "page-form"}
    template = (
        "enrollment/_partials/user_id_feedback.html"
        if request.htmx
        else "enrollment/check_user_id.html"
    )
    if request.method == "POST":
        try:
            limited = rate_limits.over_user_id_check_limit(request)
        except Exception as failure:
            if not (request.htmx and outages.is_outage(failure)):
                raise  # a page: the outage page (pages.outages)
            # Redis down: htmx does not swap in a 5xx answer either, so the feedback says it.
            outages.log_outage(request, failure)
            context["unavailable"] = True
            return outages.retry_later(render(request, template, context))
        if limited:
            context["limited"] = True
            # htmx does not swap in a 4xx answer; it gets the notice with a 200.
            return render(request, template, context, status=200 if request.htmx else 429)
        context["checked"] = True
        if form.is_valid():
            context["available"] = True
        elif form.has_code("taken") or form.has_code("reserved"):
            context["suggestions"] = suggestions(form.data.get("user_id", ""), cpr=form.cpr)
    return render(request, template, context)
