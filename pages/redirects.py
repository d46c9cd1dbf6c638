"""A form whose failed POST answers with a redirect to its own page, which shows the errors.

For forms whose POST does harm when the browser sends it again: a login's password and
one-time code. After a refusal the page is a GET, so the browser's Back or reload never
offers to send the form again (a wrong password sent again counts against the device; a code
sent again is a used code). Only the errors are carried, in the session, to the next showing
of the same page; nothing typed (a password, a code) is kept.
"""

from typing import Any

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils.http import url_has_allowed_host_and_scheme
from django_stubs_ext import StrOrPromise

SESSION_KEY = "form_errors"


def carry_errors(request: HttpRequest, form: forms.Form, kept: tuple[str, ...] = ()) -> None:
    """Keep `form`'s errors (and the values of the `kept` fields) for the page's next showing;
    each page its own, so another tab's page neither shows nor takes them."""
    carried = request.session.get(SESSION_KEY, {})
    carried[request.path] = {
        "errors": form.errors.get_json_data(),
        "kept": {name: form.data[name] for name in kept if name in form.data},
    }
    request.session[SESSION_KEY] = carried


def carry_field_error(request: HttpRequest, field: str, message: StrOrPromise, code: str) -> None:
    """One error on `field` for the page's next showing, as `carry_errors` keeps a form's."""
    carried = request.session.get(SESSION_KEY, {})
    carried[request.path] = {
        "errors": {field: [{"message": str(message), "code": code}]},
        "kept": {},
    }
    request.session[SESSION_KEY] = carried


def take_errors(request: HttpRequest, form: forms.Form) -> forms.Form:
    """`form` (unbound) with the errors carried for this page, once; on a GET only."""
    carried = request.session.get(SESSION_KEY) if request.method == "GET" else None
    if not carried or request.path not in carried:
        return form
    mine = carried.pop(request.path)
    request.session[SESSION_KEY] = carried
    form.initial = {**form.initial, **mine["kept"]}
    form.cleaned_data = {}  # an unbound form takes errors only beside its data
    for name, errors in mine["errors"].items():
        for error in errors:
            form.add_error(
                None if name == NON_FIELD_ERRORS else name,
                ValidationError(error["message"], code=error["code"]),
            )
    return form


def local_path(request: HttpRequest, candidate: str | None) -> str | None:
    """`candidate` (a `next`) if it is a path on this site, else None. Anything else is not
    followed: another site's address, and a bare word, which Django's `redirect()` would take
    for the name of a view (a probe's `?next=abc` ended a good login in a server error)."""
    if (
        candidate
        and candidate.startswith("/")
        and url_has_allowed_host_and_scheme(
            candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
    ):
        return candidate
    return None


def forget_errors(request: HttpRequest) -> None:
    """A new login begins: errors of an earlier one, never shown, are not its errors."""
    request.session.pop(SESSION_KEY, None)


class ErrorsAfterRedirectMixin:
    """For FormViews: `form_invalid` redirects; the page shown next has the form's errors.

    `kept_fields` are typed values that are no secret (a user-ID), carried too and shown
    again; `failure_url()` is where the redirect goes (the page itself, with its query)."""

    request: HttpRequest
    kept_fields: tuple[str, ...] = ()

    def failure_url(self) -> str:
        return self.request.get_full_path()

    def form_invalid(self, form: forms.Form) -> HttpResponse:
        carry_errors(self.request, form, self.kept_fields)
        return HttpResponseRedirect(self.failure_url())

    def get_form(self, form_class: Any = None) -> forms.Form:
        form: forms.Form = super().get_form(form_class)  # type: ignore[misc]
        return take_errors(self.request, form)
