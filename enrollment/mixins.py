"""What enrollment's pages share with self-service's: taken user-IDs answered with free ones,
and the words for how a device reaches the citizen."""

from typing import Any

from django.conf import settings
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.http import urlencode
from django.utils.translation import gettext, gettext_lazy, ngettext
from django.views.generic import FormView

from pages.redirects import ErrorsAfterRedirectMixin, carry_field_error

from .forms import UserIdForm
from .rate_limits import over_user_id_step_limit
from .user_ids import suggestions


def delivery_hints() -> list[tuple[str, str]]:
    days = settings.POST_DELIVERY_DAYS
    return [
        (
            "post",
            ngettext(
                "To your address in the CPR register, within %(days)s day.",
                "To your address in the CPR register, within %(days)s days.",
                days,
            )
            % {"days": days},
        ),
        ("pickup", gettext("Book a time at a Borgerservice office and bring valid ID.")),
    ]


class UserIdSuggestionsMixin(FormView):
    """A taken or reserved user-ID is answered with free ones (enrollment and self-service)."""

    def user_id_cpr(self) -> str:
        raise NotImplementedError

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_form_kwargs()
        if self.request.method == "POST" and self.get_form_class() is UserIdForm:
            # Every user-ID sent counts towards the client's checks, as on the public check
            # page: the answer says whether it is taken.
            kwargs["limited"] = over_user_id_step_limit(self.request)
        return kwargs

    def form_invalid(self, form: Form) -> HttpResponse:
        response = super().form_invalid(form)
        if isinstance(form, UserIdForm) and (form.has_code("taken") or form.has_code("reserved")):
            response.context_data["suggestions"] = suggestions(  # type: ignore[attr-defined]
                form.data.get("user_id", ""), cpr=self.user_id_cpr()
            )
        return response


class PickUpChoiceMixin(ErrorsAfterRedirectMixin, FormView):
    """A delivery form whose "show" buttons (name `narrow`) ask for the next pick-up choice.

    The answer is a redirect to the page with the choices so far in its address (the form's
    choices of device, way, office and day: nothing secret), which shows the next choice, the
    form not yet checked; an order refused (nothing chosen, a time taken meanwhile) is answered
    the same way, its errors and time carried to the page (`ErrorsAfterRedirectMixin`). So the
    browser's history holds pages, not sent forms: Back from the order's receipt, and a
    reload, show them again without asking to send a form again (walks met "Confirm form
    resubmission", a blank page in Chrome, after a "show" button and after a refusal).
    """

    CHOICES = ("kind", "delivery", "office", "day")
    kept_fields = ("slot",)
    NOT_CHOSEN = {
        "office": (gettext_lazy("Choose where to pick it up."), "office_required"),
        "day": (gettext_lazy("Choose a date, then show its free times."), "day_required"),
    }

    def chosen(self) -> dict[str, str]:
        fields = self.get_form_class().base_fields
        return {
            name: self.request.POST[name]
            for name in self.CHOICES
            if name in fields and self.request.POST.get(name)
        }

    def failure_url(self) -> str:
        return f"{self.request.path}?{urlencode(self.chosen())}"

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if "narrow" not in request.POST:
            return super().post(request, *args, **kwargs)
        asked = "day" if request.POST["narrow"] == "day" else "office"
        if asked not in self.chosen():
            # "Show free dates" before an office, or times before a date: the page says which
            # to choose, where it showed itself again without a word (a walk without JavaScript).
            carry_field_error(request, asked, *self.NOT_CHOSEN[asked])
            return redirect(self.failure_url())
        # Opened at the choice it asked for (the button's own fragment is lost in a redirect).
        then = "slot" if asked == "day" else "day"
        return redirect(f"{self.failure_url()}#id_{then}")

    def get_initial(self) -> dict[str, Any]:
        initial: dict[str, Any] = super().get_initial()
        if self.request.method == "GET":
            fields = self.get_form_class().base_fields
            initial.update(
                {
                    name: self.request.GET[name]
                    for name in self.CHOICES
                    if name in fields and name in self.request.GET
                }
            )
        return initial
