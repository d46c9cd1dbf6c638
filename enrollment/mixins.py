"""What enrollment's pages share with self-service's: taken user-IDs answered with free ones,
and the words for how a device reaches the citizen."""

from typing import Any

from django.conf import settings
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext, ngettext
from django.views.generic import FormView

from .forms import UserIdForm
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

    def form_invalid(self, form: Form) -> HttpResponse:
        response = super().form_invalid(form)
        if isinstance(form, UserIdForm) and (form.has_code("taken") or form.has_code("reserved")):
            response.context_data["suggestions"] = suggestions(  # type: ignore[attr-defined]
                form.data.get("user_id", ""), cpr=self.user_id_cpr()
            )
        return response


class PickUpChoiceMixin(FormView):
    """A delivery form whose "show" buttons (name `narrow`) ask for the next pick-up choice:
    the page comes back with the form as it was typed, checked only when it is sent."""

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if "narrow" not in request.POST:
            return super().post(request, *args, **kwargs)
        form_kwargs = self.get_form_kwargs()
        data = form_kwargs.pop("data")
        form_kwargs.pop("files", None)
        form_kwargs["initial"] = {**form_kwargs.get("initial", {}), **data.dict()}
        form = self.get_form_class()(**form_kwargs)
        return self.render_to_response(self.get_context_data(form=form))
