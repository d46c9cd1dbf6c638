"""Rosetta's pages under the admin, guarded, and only for the project's own catalogues.

Rosetta would also list Django's and third-party apps' catalogues (in the virtualenv, where an
edit is lost on the next install); only the `project` filter, our `locale/`, is served.
"""

import re
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.urls import re_path, reverse
from django.utils.text import Truncator
from django.utils.translation import gettext
from django.views.generic.base import RedirectView
from rosetta import views

from . import markup
from .access import can_edit_catalogues

View = Callable[..., HttpResponseBase]


def guarded(view: View) -> View:
    @wraps(view)
    def guarded_view(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if kwargs.get("po_filter", "project") != "project":
            raise Http404
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), reverse("admin:login"))
        if not can_edit_catalogues(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return guarded_view


def no_suggestions(request: HttpRequest) -> HttpResponse:
    # Machine translation would send citizens' texts to a third party: never offered.
    raise Http404


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
            plural = field["form"] is not None and int(field["form"]) != 0  # "00" is 0 too
            source = entry.msgid_plural if plural else entry.msgid
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


home = RedirectView.as_view(pattern_name="rosetta-file-list", permanent=False)

# The names are rosetta's own, as its templates reverse them.
urlpatterns = [
    re_path(r"^$", guarded(home), {"po_filter": "project"}, name="rosetta-old-home-redirect"),
    re_path(
        r"^files/$", guarded(home), {"po_filter": "project"}, name="rosetta-file-list-redirect"
    ),
    re_path(
        r"^files/(?P<po_filter>[\w-]+)/$",
        guarded(views.TranslationFileListView.as_view()),
        name="rosetta-file-list",
    ),
    re_path(
        r"^files/(?P<po_filter>[\w-]+)/(?P<lang_id>[\w\-_\.@]+)/(?P<idx>\d+)/$",
        guarded(CheckedTranslationFormView.as_view()),
        name="rosetta-form",
    ),
    re_path(
        r"^files/(?P<po_filter>[\w-]+)/(?P<lang_id>[\w\-_\.@]+)/(?P<idx>\d+)/download/$",
        guarded(views.TranslationFileDownload.as_view()),
        name="rosetta-download-file",
    ),
    re_path(r"^translate/$", no_suggestions, name="rosetta.translate_text"),
]
