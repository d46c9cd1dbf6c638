"""Content pages, the language switch, and the pages shown when something goes wrong."""

from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import check_for_language, get_language_from_path, override
from django.views.decorators.http import require_POST
from django.views.generic import TemplateView

from . import support
from .drafts import keep_draft
from .languages import in_language
from .redirects import local_path
from .translations import DeclaredTranslationsMixin


class ContentPage(DeclaredTranslationsMixin, TemplateView):
    """A page of prose; `languages` says which languages it is written in."""

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(
            digital_hotline=support.DIGITAL_HOTLINE,
            office=support.BORGERSERVICE_HERNING,
            post_days=settings.POST_DELIVERY_DAYS,
            passport_enrollment_minutes=settings.PASSPORT_ENROLLMENT_MINUTES,
            app_copy_minutes=settings.APP_COPY_SECONDS // 60,
            **kwargs,
        )


@require_POST
def switch_language(request: HttpRequest) -> HttpResponse:
    """Show the same page in another language, keeping what the citizen typed on it.

    Like Django's set_language, but the page comes from the query string only: the POST body
    is the page's own form, whose fields (a `next` among them) belong to that page.
    """
    next_path = local_path(request, request.GET.get("next")) or reverse("pages:front")
    language = request.POST.get("language", "")
    if not check_for_language(language) or language not in dict(settings.LANGUAGES):
        return redirect(next_path)
    # Resolve the page in its own language: the request's active language may differ.
    with override(get_language_from_path(next_path) or settings.LANGUAGE_CODE):
        keep_draft(request, next_path)
        response = redirect(in_language(next_path, language))
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )
    return response


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return HttpResponseForbidden(render_to_string("403_csrf.html", request=request))
