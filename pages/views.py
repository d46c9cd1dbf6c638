"""Content pages, the language switch, and the pages shown when something goes wrong."""

from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponseForbidden
from django.template.loader import render_to_string
from django.views.decorators.http import require_POST
from django.views.generic import TemplateView
from django.views.i18n import set_language

from . import support
from .drafts import keep_draft
from .translations import DeclaredTranslationsMixin


class ContentPage(DeclaredTranslationsMixin, TemplateView):
    """A page of prose; `languages` says which languages it is written in."""

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(
            digital_hotline=support.DIGITAL_HOTLINE,
            office=support.BORGERSERVICE_HERNING,
            **kwargs,
        )


@require_POST
def switch_language(request: HttpRequest) -> HttpResponse:
    """Django's set_language, keeping what the citizen typed on the page they came from."""
    next_path = request.POST.get("next") or request.GET.get("next") or ""
    keep_draft(request, next_path)
    return set_language(request)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return HttpResponseForbidden(render_to_string("403_csrf.html", request=request))
