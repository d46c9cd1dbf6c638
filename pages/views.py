"""Content pages, the language switch, and the pages shown when something goes wrong."""

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden
from django.middleware import csrf
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import (
    check_for_language,
    get_language_from_path,
    gettext,
    override,
)
from django.views.decorators.http import require_POST
from django.views.generic import TemplateView

from . import support
from .drafts import declared_fields, keep_draft
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
    """A form refused for its CSRF token. One of our own pages' forms whose token went stale
    (another tab logged in, and the browser got a new token) comes back as the same page, with
    what the citizen typed in the fields it declares safe (never a password or a code) and a
    word on why: nothing typed is lost. Anything else gets the page that says so."""
    if _stale_form_of_ours(request, reason):
        keep_draft(request, request.path)
        messages.warning(
            request,
            gettext(
                "The form had expired, so nothing was sent. What you typed is filled in "
                "again, but not passwords or codes: check it and send it again."
            ),
        )
        return redirect(request.get_full_path())
    return HttpResponseForbidden(render_to_string("403_csrf.html", request=request))


def _stale_form_of_ours(request: HttpRequest, reason: str) -> bool:
    """A POST from a page of this site (its Origin, which Django checks before the token) that
    has the browser's CSRF cookie but not its token, to a page that keeps drafts (so that a
    GET of it shows the form again). Without the cookie (cookies off) the page again would
    fail again; an htmx request would put the whole page into a part of one."""
    return (
        request.method == "POST"
        and "HTTP_ORIGIN" in request.META
        and reason != csrf.REASON_NO_CSRF_COOKIE
        and not reason.startswith("Origin checking failed")
        and "HX-Request" not in request.headers
        and bool(declared_fields(request.path))
    )
