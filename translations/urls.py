"""Rosetta's pages under the admin, guarded, and only for the project's own catalogues.

Rosetta would also list Django's and third-party apps' catalogues (in the virtualenv, where an
edit is lost on the next install); only the `project` filter, our `locale/`, is served.
"""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.urls import re_path, reverse
from django.views.generic.base import RedirectView
from rosetta import views

from .access import can_edit_catalogues
from .views import CheckedTranslationFormView

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
