"""Pages declare the languages they exist in; elsewhere they show a trilingual notice."""

from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import translate_url
from django.utils.translation import get_language, get_language_info

ALL_LANGUAGES = tuple(code for code, _name in settings.LANGUAGES)


def not_translated(request: HttpRequest, languages: tuple[str, ...]) -> HttpResponse:
    path = request.get_full_path()
    alternatives = [
        {"url": translate_url(path, code), **get_language_info(code)} for code in languages
    ]
    chosen = get_language()
    # The notice leads with the language the citizen chose, then the others in their order.
    notice_languages = [chosen, *(code for code in ALL_LANGUAGES if code != chosen)]
    return TemplateResponse(
        request,
        "pages/not_translated.html",
        {"alternatives": alternatives, "notice_languages": notice_languages},
    )


class DeclaredTranslationsMixin:
    """Set `languages` to the languages the page is written in; the default is all of them."""

    languages: tuple[str, ...] = ALL_LANGUAGES

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if get_language() not in self.languages:
            return not_translated(request, self.languages)
        response: HttpResponse = super().dispatch(request, *args, **kwargs)  # type: ignore[misc]
        return response
