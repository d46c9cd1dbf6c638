"""NemID login pages: user-ID and password, then the key card code."""

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseBase, HttpResponseRedirect
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.http import urlencode
from django.utils.translation import get_language, gettext
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST
from django.views.generic import FormView

from pages import attempts, redirects
from pages.clients import client_address
from pages.drafts import DraftFormMixin
from pages.languages import page_in
from pages.redirects import ErrorsAfterRedirectMixin

from . import session
from .forms import CredentialsForm, KeyCodeForm, client_locked_error, refusal_error
from .provider import NemIDRefused, get_provider

RESTART_CODES = {"key_code_used", "challenge_expired"}


def safe_next(request: HttpRequest, candidate: str | None) -> str:
    return redirects.local_path(request, candidate) or reverse("enrollment:start")


@method_decorator([never_cache, sensitive_post_parameters("password")], name="dispatch")
class LoginView(DraftFormMixin, ErrorsAfterRedirectMixin, FormView):
    """A refusal is a redirect to this page with the user-ID kept: Back and reload never send
    a wrong password again (each one counts towards NemID's lock)."""

    template_name = "nemid/login.html"
    form_class = CredentialsForm
    draft_fields = kept_fields = ("user_id",)

    def next_url(self) -> str:
        return self.request.POST.get("next") or self.request.GET.get("next", "")

    def failure_url(self) -> str:
        next_url = self.next_url()
        query = f"?{urlencode({'next': next_url})}" if next_url else ""
        return f"{self.request.path}{query}"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(next=self.next_url(), **kwargs)

    def form_valid(self, form: CredentialsForm) -> HttpResponse:
        # Before NemID is asked (and a password hashed): a flood from one address stops here.
        client = client_address(self.request)
        until = attempts.client_locked_until("nemid", client)
        if until is not None:
            form.add_error("password", client_locked_error(until))
            return self.form_invalid(form)
        try:
            challenge = get_provider().check_password(
                user_id=form.cleaned_data["user_id"], password=form.cleaned_data["password"]
            )
        except NemIDRefused as refusal:
            attempts.count_client_failure("nemid", client)
            form.add_error("password", refusal_error(refusal))
            return self.form_invalid(form)
        next_url = safe_next(self.request, self.request.POST.get("next"))
        session.start_challenge(self.request, challenge, next_url=next_url)
        return redirect("nemid:key_card")


@method_decorator([never_cache, sensitive_post_parameters("code")], name="dispatch")
class KeyCardView(ErrorsAfterRedirectMixin, FormView):
    """The key card's code for the key shown; a wrong code is a redirect to this page (the same
    key, until NemID asks for a new one)."""

    template_name = "nemid/key_card.html"
    form_class = KeyCodeForm

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        self.challenge = session.pending_challenge(request)
        if self.challenge is None:
            messages.info(request, gettext("Log in with NemID to continue."))
            return redirect("nemid:login")
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(challenge=self.challenge, **kwargs)

    def form_valid(self, form: KeyCodeForm) -> HttpResponse:
        assert self.challenge is not None
        try:
            proof = get_provider().check_key_code(
                token=self.challenge.token, code=form.cleaned_data["code"]
            )
        except NemIDRefused as refusal:
            error = refusal_error(refusal)
            if refusal.code in RESTART_CODES or refusal.code == "locked":
                session.forget_challenge(self.request)
                messages.error(self.request, error.message % (error.params or {}))
                return redirect("nemid:login")
            form.add_error("code", error)
            return self.form_invalid(form)
        session.remember_proof(self.request, proof)
        # In the language the citizen finished in: they may have switched since they began.
        return HttpResponseRedirect(page_in(self.challenge.next_url, get_language()))


@require_POST
def log_out(request: HttpRequest) -> HttpResponse:
    session.log_out(request)
    return redirect("pages:front")
