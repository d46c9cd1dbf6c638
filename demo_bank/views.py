"""The Demo Bank's pages: log in with MitID, see what the bank got, approve a transfer.

The portal and the bank share one server in the demo, so the bank's own calls to the portal
(discovery, the token, the keys) come back to this same server. Under one ASGI process Django
runs every sync view on one thread; a sync view waiting on a request to itself would wait for
ever. So the views that call the portal are async and make their calls on a worker thread of
their own (`thread_sensitive=False`), leaving the view thread free to answer them.

They share the portal's origin too, but not its session: every view here sees the bank's own
(`sessions.own_session`), as a bank on a site of its own would.
"""

import json
from collections.abc import Callable
from typing import Any

import requests
from asgiref.sync import sync_to_async
from authlib.integrations.base_client import OAuthError
from authlib.integrations.django_client import DjangoOAuth2App
from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.db import connections
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext, gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from .client import ACR_SUBSTANTIAL, client_for
from .sessions import own_session

SESSION_KEY = "demo_bank"
LANGUAGE_KEY = "demo_bank_language"
# The level a login reached (`acr`): the name in the bank's language, and its place on MitID's
# page on the levels.
LEVELS = {
    "https://data.gov.dk/concept/core/nsis/loa/Low": (gettext_lazy("Low"), "low"),
    "https://data.gov.dk/concept/core/nsis/loa/Substantial": (
        gettext_lazy("Substantial"),
        "substantial",
    ),
    "https://data.gov.dk/concept/core/nsis/loa/High": (gettext_lazy("High"), "high"),
}


def _portal(request: HttpRequest) -> str:
    return request.build_absolute_uri("/").rstrip("/")


def _client(request: HttpRequest) -> DjangoOAuth2App:
    """The bank's OpenID Connect client for the portal at the address this browser uses, if the
    bank is registered there (`DEMO_BANK_ORIGINS`): the client fetches that address's discovery
    document and sends the bank's secret to the token endpoint it names, so never to an
    address a request's `Host` header made up (Django's `ALLOWED_HOSTS` pass any port)."""
    portal = _portal(request)
    if portal not in settings.DEMO_BANK_ORIGINS:
        raise DisallowedHost(f"The Demo Bank is not registered at {portal}")
    return client_for(portal)


def _levels_page(request: HttpRequest) -> str:
    """MitID's own page on the levels, in the bank's language: a bank links it as any site."""
    return f"{_portal(request)}/{translation.get_language()}/levels/"


def _callback(request: HttpRequest) -> str:
    return request.build_absolute_uri(reverse("demo_bank_callback:callback"))


def on_own_thread(view: Callable[..., HttpResponseBase]) -> Callable[..., Any]:
    """An async view that runs `view` off the thread that serves sync views (see above). The
    worker thread is no request's: the database connections it opened are closed after it, as
    Django closes a request thread's, or each would stay open until the thread ends."""

    def run(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        try:
            return view(request, *args, **kwargs)
        finally:
            connections.close_all()

    async def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        return await sync_to_async(run, thread_sensitive=False)(request, *args, **kwargs)

    wrapper.__name__ = view.__name__
    wrapper.__doc__ = view.__doc__
    return wrapper


def transfer_text() -> str:
    return gettext("Transfer 200.00 kr. to account 1234-567890")


@never_cache
@own_session
def home(request: HttpRequest) -> HttpResponse:
    state = dict(request.session.get(SESSION_KEY, {}))
    # What the last return said (a refusal, a log-out) is said once.
    said = {key: state.pop(key) for key in ("error", "logged_out") if state.get(key)}
    asked = state.pop("asked", "") if said.get("error") else ""
    if said:
        request.session[SESSION_KEY] = state
    claims = state.get("id_token", {})
    level, level_anchor = LEVELS.get(claims.get("acr", ""), ("", ""))
    context = {
        "customer": state,
        "error": said.get("error", ""),
        "transferring": asked == "transfer",
        "logged_out": said.get("logged_out", False),
        "claims_json": json.dumps(claims, indent=2, ensure_ascii=False) if claims else "",
        "userinfo_json": json.dumps(state.get("userinfo", {}), indent=2, ensure_ascii=False),
        "level": level,
        "level_anchor": level_anchor,
        "levels_page": _levels_page(request),
        "transfer_text": transfer_text(),
    }
    return render(request, "demo_bank/home.html", context)


def _authorize(request: HttpRequest, asked: str, **extra: str) -> HttpResponseBase:
    client = _client(request)  # on an address the bank is not at, before its session changes
    language = translation.get_language()
    request.session[LANGUAGE_KEY] = language
    # What the citizen asked for, so that a refusal says what did not happen.
    request.session[SESSION_KEY] = {**request.session.get(SESSION_KEY, {}), "asked": asked}
    return client.authorize_redirect(
        request, _callback(request), acr_values=ACR_SUBSTANTIAL, ui_locales=language, **extra
    )


@require_POST
def _log_in(request: HttpRequest) -> HttpResponseBase:
    """Log in with MitID: to the portal's authorization endpoint, by Authlib."""
    return _authorize(request, "login")


@require_POST
def _transfer(request: HttpRequest) -> HttpResponseBase:
    """Approve the transfer with MitID: the text goes as RFC 9396 authorization details."""
    details = [{"type": "mitid_approval", "text": transfer_text()}]
    details_json = json.dumps(details, ensure_ascii=False)
    return _authorize(request, "transfer", authorization_details=details_json)


def _back(request: HttpRequest) -> HttpResponseBase:
    """The portal sent the citizen back: swap the code for tokens (Authlib checks the ID
    token's signature against the JWKS, the issuer, the audience and the nonce)."""
    client = _client(request)
    state = dict(request.session.get(SESSION_KEY, {}))
    try:
        token = client.authorize_access_token(request)
        userinfo = dict(client.userinfo(token=token))
    except (OAuthError, requests.RequestException) as error:
        if state.get("id_token") and not state.get("asked"):
            # The address of a return already taken, opened again (reload, history): nothing
            # was asked, so nothing failed; the customer stays as they were.
            return redirect(_home_url(request))
        # A refusal, a state that no longer matches, or the portal out of reach: the bank's
        # page says so instead of failing.
        state["error"] = getattr(error, "error", None) or "server_error"
        request.session[SESSION_KEY] = state
        return redirect(_home_url(request))
    id_token = dict(token.get("userinfo") or {})
    if id_token.get("authorization_details"):
        state["approved"] = {
            "text": id_token["authorization_details"][0]["text"],
            "transaction_id": id_token.get("transaction_id", ""),
        }
    if id_token.get("locale") in dict(settings.LANGUAGES):
        # The language the customer used MitID in: they may have changed the bank's there.
        request.session[LANGUAGE_KEY] = id_token["locale"]
    state.pop("asked", None)
    state.update(id_token=id_token, userinfo=userinfo, raw_id_token=token["id_token"], error="")
    request.session[SESSION_KEY] = state
    return redirect(_home_url(request))


def _home_url(request: HttpRequest) -> str:
    with translation.override(request.session.get(LANGUAGE_KEY) or translation.get_language()):
        return reverse("demo_bank:home")


def _log_out(request: HttpRequest) -> HttpResponseBase:
    """Log out of the bank (a new, empty session but for the language), and of MitID
    (RP-initiated logout)."""
    client = _client(request)  # on an address the bank is not at, before its session changes
    state = request.session.get(SESSION_KEY, {})
    request.session.flush()
    # The way back says it in the language of the page the button was on (the customer may
    # have switched since the login, whose language the session kept).
    request.session[LANGUAGE_KEY] = translation.get_language()
    request.session[SESSION_KEY] = {"logging_out": True}  # the way back says so (logged_out)
    return client.logout_redirect(
        request,
        post_logout_redirect_uri=request.build_absolute_uri(
            reverse("demo_bank_callback:logged_out")
        ),
        id_token_hint=state.get("raw_id_token"),
    )


@own_session
def logged_out(request: HttpRequest) -> HttpResponseBase:
    """Back from MitID's logout: the bank's page says the citizen is out of both, if this
    browser's log-out began here (any other visit changes nothing)."""
    if request.session.get(SESSION_KEY, {}).get("logging_out"):
        request.session[SESSION_KEY] = {"logged_out": True}
    return redirect(_home_url(request))


log_in = on_own_thread(own_session(_log_in))
transfer = on_own_thread(own_session(_transfer))
back = on_own_thread(own_session(_back))
log_out = on_own_thread(own_session(require_POST(_log_out)))
