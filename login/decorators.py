"""Pages for someone logged in with MitID."""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext

from . import session


def redirect_to_login(request: HttpRequest) -> HttpResponse:
    return redirect(f"{reverse('login:start')}?{urlencode({'next': request.get_full_path()})}")


def mitid_login_required(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """Only for someone logged in with MitID; `request.mitid` says who and how."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        logged_in = session.current(request)
        if logged_in is None:
            messages.info(request, gettext("Log in with MitID to continue."))
            return redirect_to_login(request)
        request.mitid = logged_in  # type: ignore[attr-defined]
        return view(request, *args, **kwargs)

    return wrapper
