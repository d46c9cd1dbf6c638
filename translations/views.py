"""Rosetta's form, checked: what a translator saves keeps its English text's markup."""

import re
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.utils.text import Truncator
from django.utils.translation import gettext
from rosetta import views

from . import markup

# Rosetta's names for a translation's fields: m_<hash of the entry>, and _<n> for a plural form.
TRANSLATION_FIELD = re.compile(r"^m_(?P<entry>[0-9a-f]+)(?:_(?P<form>[0-9]+))?$")


class CheckedTranslationFormView(views.TranslationFormView):
    """Rosetta's form, which saves whatever is typed, refusing a translation that changes its
    source's placeholders or HTML (`translations.markup`): it is left as it was and the
    translator told why, with the text typed; the page's other translations are saved."""

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        kept = request.POST.copy()
        for name in request.POST:
            field = TRANSLATION_FIELD.match(name)
            entry = self.po_file.find(field["entry"], "md5hash") if field else None
            if field is None or entry is None:
                continue  # not a translation, or gone from the catalogue: rosetta says so
            typed = request.POST[name]
            source = markup.source_of(entry, int(field["form"] or 0))  # "_00" is form 0 too
            if markup.refusal(source, typed):
                del kept[name]
                messages.error(request, refused_message(source, typed))
        request.POST = kept  # type: ignore[assignment]  # rosetta reads what is left
        answer: HttpResponse = super().post(request, *args, **kwargs)
        return answer


def refused_message(source: str, typed: str) -> str:
    return gettext(
        "Not saved: the translation of “%(source)s” must have the same placeholders, such as "
        "%%(name)s, and the same HTML tags as the English text, and no others. You typed: "
        "“%(typed)s”"
    ) % {
        "source": Truncator(source).chars(80),
        "typed": typed,
    }
