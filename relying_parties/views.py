"""OpenID Connect doors: the authorization endpoint (a fresh MitID login on the login pages),
the pages a citizen meets on the way back (consent to the CPR number, a level too low), and
discovery. The JWKS is django-oauth-toolkit's own view; tokens, userinfo and logout are DOT's,
told what MitID and the specifications ask beyond it."""

import base64
import json
from typing import Any
from urllib.parse import parse_qs, unquote_plus, urlencode, urlsplit

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect, render
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import translation
from django.utils.decorators import method_decorator
from django.utils.translation import gettext
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.debug import sensitive_post_parameters
from oauth2_provider import views as oauth2_views
from oauth2_provider.exceptions import (
    ClientIdMissmatch,
    FatalClientError,
    InvalidIDTokenError,
    InvalidOIDCClientError,
    InvalidOIDCRedirectURIError,
    LogoutDenied,
    OAuthToolkitError,
)
from oauth2_provider.http import OAuth2ResponseRedirect
from oauth2_provider.models import get_access_token_model
from oauth2_provider.oauth2_backends import OAuthLibCore
from oauth2_provider.settings import oauth2_settings
from oauth2_provider.signals import app_authorized
from oauth2_provider.views import ConnectDiscoveryInfoView
from oauth2_provider.views.mixins import OAuthLibMixin
from oauthlib.common import add_params_to_uri
from oauthlib.oauth2.rfc6749 import errors as oauth_errors

from login import app_logins
from login import entry as login_entry
from login import session as login_session
from login import ways_back as login_ways_back
from pages.security import allow_form_action

from . import attempts, clients, keys, levels, parameters, services
from .errors import CLIENT_ERRORS, DEVICE_LEVEL_ADVICE, LEVEL_ADVICE, machine_error
from .models import RelyingParty

# The name under which a party's login finds its way back (`login.ways_back`, apps.py).
WAY_BACK = "relying_party"

# What DOT needs again to issue the code, as its own consent form keeps it.
CREDENTIALS = (
    "client_id",
    "redirect_uri",
    "response_type",
    "state",
    "code_challenge",
    "code_challenge_method",
    "nonce",
    "claims",
)


def _with_query(uri: str, **params: str) -> str:
    separator = "&" if urlsplit(uri).query else "?"
    return f"{uri}{separator}{urlencode({k: v for k, v in params.items() if v is not None})}"


def error_redirect(
    request: HttpRequest,
    party: RelyingParty,
    redirect_uri: str,
    error: str,
    state: str | None,
    description: str = "",
) -> HttpResponse:
    """Back to the party with an OAuth error (RFC 6749 section 4.1.2.1), and our issuer."""
    # RFC 6749 section 4.1.2.1: printable ASCII but for '"' and '\\' (it may quote input).
    description = "".join(c if " " <= c <= "~" and c not in '"\\' else "?" for c in description)
    location = _with_query(
        redirect_uri,
        error=error,
        error_description=description or None,  # type: ignore[arg-type]
        state=state,  # type: ignore[arg-type]
        iss=oauth2_settings.oauth2_authorization_server_issuer(request),
    )
    return OAuth2ResponseRedirect(location, party.application.get_allowed_schemes())


def with_issuer(request: HttpRequest, location: str) -> str:
    """An error oauthlib wrote, with our issuer too (RFC 9207 section 2: every answer of the
    authorization endpoint, an error as well; DOT adds it to codes only, with this issuer)."""
    if "iss" in parse_qs(urlsplit(location).query):
        return location
    return _with_query(location, iss=oauth2_settings.oauth2_authorization_server_issuer(request))


def give_address(request: HttpRequest, error: OAuthToolkitError) -> bool:
    """Give an error oauthlib raised without the request's address and state (a malformed
    `claims` parameter) the request's redirect URI, if it is the client's registered one;
    False if it is not (the error is then told on our page)."""
    client = clients.client_for(request.GET.get("client_id", ""))
    redirect_uri = request.GET.get("redirect_uri", "")
    if client is None or not parameters.registered_address(
        redirect_uri, client.redirect_uris, any_loopback_port=clients.is_native(client)
    ):
        return False
    error.oauthlib_error.redirect_uri = redirect_uri
    error.oauthlib_error.state = request.GET.get("state")
    return True


def refused_page(request: HttpRequest, error: Any) -> HttpResponse:
    """A request that names no party we know, or an address it is not registered with: said
    to the citizen here, never redirected anywhere (RFC 6749 section 4.1.2.1)."""
    oauthlib_error = error.oauthlib_error
    code = "unknown_client"
    if isinstance(
        oauthlib_error,
        oauth_errors.InvalidRedirectURIError
        | oauth_errors.MismatchingRedirectURIError
        | oauth_errors.MissingRedirectURIError,
    ):
        code = "unregistered_redirect_uri"
    elif isinstance(oauthlib_error, oauth_errors.InvalidRequestFatalError) and not isinstance(
        oauthlib_error, oauth_errors.InvalidClientIdError | oauth_errors.MissingClientIdError
    ):
        # A repeated client_id, redirect_uri, response_type, scope or state.
        code = "invalid_request"
    context = {
        "error": oauthlib_error.error,
        "message": CLIENT_ERRORS[code],
        "redirect_uri": request.GET.get("redirect_uri", ""),
        "code": code,
    }
    language = parameters.language(
        request.GET.get("ui_locales", ""), translation.get_language_from_request(request)
    )
    with translation.override(language):
        page = render(request, "relying_parties/refused.html", context, status=400)
    # Said in the header too: LocaleMiddleware would name the address's language (Danish).
    page["Content-Language"] = language
    return page


@method_decorator([csrf_exempt, never_cache], name="dispatch")
class AuthorizeView(OAuthLibMixin, View):
    """A party's authorization request, checked; then the citizen logs in afresh, whoever is
    logged in already, on the login pages in their language, headed with the party's name.
    A party's page may also post it (OpenID Connect Core 3.1.2.1; a form on another site, with
    no CSRF token of ours), which is answered as a link."""

    def post(self, request: HttpRequest) -> HttpResponse:
        """A posted request is answered as the link it stands for: a 303 to the same request
        as a GET. So it is checked as one (from one source: a query beside the form would be
        read too by oauthlib), and the browser brings its session cookie, which it does not
        send with another site's form (SameSite=Lax)."""
        if request.GET:
            missing = oauth_errors.InvalidRequestFatalError(
                description="Send the parameters in the query or in the form, not both"
            )
            return refused_page(request, OAuthToolkitError(missing))
        answer = HttpResponseRedirect(f"{request.path}?{request.POST.urlencode()}")
        answer.status_code = 303
        return answer

    def get(self, request: HttpRequest) -> HttpResponse:
        if not request.GET.get("redirect_uri"):
            # Required by OpenID Connect (Core 3.1.2.1); oauthlib would take the registered one.
            missing = oauth_errors.InvalidRequestFatalError(description="redirect_uri is required")
            return refused_page(request, OAuthToolkitError(missing))
        try:
            scopes, credentials = self.validate_authorization_request(request)
        except FatalClientError as error:
            return refused_page(request, error)
        except OAuthToolkitError as error:
            if not error.oauthlib_error.redirect_uri and not give_address(request, error):
                return refused_page(request, error)
            return OAuth2ResponseRedirect(
                with_issuer(request, self.error_response(error)[1]["url"]),
                oauth2_settings.ALLOWED_REDIRECT_URI_SCHEMES,
            )
        party = services.party_of(credentials["request"].client)
        if party is None:
            return refused_page(
                request, OAuthToolkitError(error=oauth_errors.InvalidClientIdError())
            )
        state = credentials.get("state")
        try:
            if "openid" not in request.GET.get("scope", "").split():
                # Not `scopes`: oauthlib gives a request without a scope the default one.
                raise parameters.BadRequest(
                    "invalid_scope", "This is OpenID Connect: ask for openid"
                )
            if credentials.get("code_challenge_method") != "S256":
                raise parameters.BadRequest("invalid_request", "PKCE with S256 is required")
            parameters.once_each(request.GET)
            parameters.plain_values(request.GET)
            parameters.nonce(request.GET.get("nonce"))
            parameters.max_age(request.GET.get("max_age"))
            parameters.claims(request.GET.get("claims"))
            parameters.nothing_unserved(request.GET)
            parameters.code_challenge(credentials["code_challenge"])
            parameters.query_response_mode(request.GET.get("response_mode"))
            parameters.no_resource(request.GET.getlist("resource"))
            level = parameters.requested_level(request.GET.get("acr_values", ""))
            approval = parameters.approval(request.GET.get("authorization_details"))
        except parameters.BadRequest as bad:
            return error_redirect(
                request, party, credentials["redirect_uri"], bad.error, state, bad.description
            )
        language = parameters.language(
            request.GET.get("ui_locales", ""), translation.get_language_from_request(request)
        )
        attempt = attempts.start(
            request,
            client_id=credentials["client_id"],
            party=party.name,
            scopes=list(scopes),
            credentials={key: credentials[key] for key in CREDENTIALS if credentials.get(key)},
            level=level,
            text=approval.text if approval else "",
            details=approval.details if approval else None,
            language=language,
            # OpenID Connect Core 3.1.2.1: `login` and `select_account` are what every party
            # login is already (fresh, the user-ID typed); `consent` shows the consent page.
            consent_asked="consent" in request.GET.get("prompt", "").split(),
        )
        return begin_login(request, attempt, language)


def begin_login(request: HttpRequest, attempt: attempts.Attempt, language: str) -> HttpResponse:
    """The portal's login pages for the attempt, in `language`: headed with the party's name,
    its transaction's text if any, Cancel going back to it, the login coming back here. The
    answer is the login's first page itself (`login.entry`), not a redirect to it: a round
    trip less; the page gives itself its own address."""
    with translation.override(language):
        login_session.begin_on_behalf(
            request,
            login_session.Behalf(
                service=attempt.party,
                text=attempt.text,  # a transaction's; a login's are login's own words
                level=attempt.level,
                cancel_url=reverse("relying_parties:back", args=[attempt.reference]),
                next_url=reverse("relying_parties:continue", args=[attempt.reference]),
                reference=attempt.reference,
                way_back=WAY_BACK,
                return_origin=origin(attempt.credentials["redirect_uri"]),
                approval=attempt.details is not None,
            ),
        )
        page = login_entry.start_page(request)
        if isinstance(page, TemplateResponse):
            page.render()  # here, in the attempt's language
    page["Content-Language"] = language
    return page


def origin(uri: str) -> str:
    """The scheme and host of a (registered, checked) redirect URI."""
    parts = urlsplit(uri)
    return f"{parts.scheme}://{parts.netloc}"


def _authenticated(
    request: HttpRequest, attempt: attempts.Attempt
) -> login_session.LoggedIn | None:
    """The login made for this attempt (fresh: it carries the attempt's reference), if any."""
    return login_session.current(request, made_for=attempt.reference)


class AttemptOnlyCore(OAuthLibCore):
    """django-oauth-toolkit's bridge to oauthlib, for issuing a code: what goes to oauthlib is
    the attempt, as checked at the authorization request, and nothing of the address of the
    request that happens to finish the login (a query there could otherwise ask oauthlib for
    another response mode or add a resource to the code), nor of its body (the code device's
    form, the password among its fields)."""

    def _get_escaped_full_path(self, request: HttpRequest) -> str:
        return request.path

    def extract_body(self, request: HttpRequest) -> list[tuple[str, str]]:
        return []

    def create_authorization_response(
        self, request: HttpRequest, scopes: str, credentials: dict[str, Any], allow: bool
    ) -> Any:
        """DOT's, with oauthlib told the citizen the party's login was made by, not whoever
        the browser's session is logged in as: a login that goes straight back to its party
        is never kept in the session (`login.views.finish`), which holds nobody then, or the
        portal's own login of before."""
        citizen = credentials["mitid_login"].authenticated.identity.ensure_user()
        session_user, request.user = request.user, citizen
        try:
            return super().create_authorization_response(request, scopes, credentials, allow)
        finally:
            request.user = session_user


class CodeIssuer(OAuthLibMixin):
    """The code for a party whose citizen logged in, and the redirect back to it."""

    oauthlib_backend_class = AttemptOnlyCore

    def issue(
        self,
        request: HttpRequest,
        party: RelyingParty,
        attempt: attempts.Attempt,
        authenticated: login_session.LoggedIn,
    ) -> HttpResponse:
        # The client as read with its party, so that oauthlib's second look at the request
        # (DOT checks it again as it issues the code) reads neither again; and the login, which
        # the validator keeps with the code (MitIDValidator.save_authorization_code).
        credentials = {
            **attempt.credentials,
            "client": party.application,
            "mitid_login": services.LoginForParty(
                party=party,
                authenticated=authenticated,
                text=attempt.text,
                details=attempt.details,
                language=translation.get_language(),
            ),
        }
        try:
            uri, _headers, _body, _status = self.create_authorization_response(
                request=request,
                scopes=" ".join(attempt.scopes),
                credentials=credentials,
                allow=True,
            )
        except FatalClientError as error:
            # An attempt whose address or client oauthlib refuses now (it could only have been
            # altered since it was checked): said here, never redirected to that address.
            attempts.end(request, attempt.reference, authenticated)
            return refused_page(request, error)
        except OAuthToolkitError as error:
            attempts.end(request, attempt.reference, authenticated)
            return login_ways_back.taken(
                OAuth2ResponseRedirect(
                    with_issuer(request, self.error_response(error)[1]["url"]),
                    party.application.get_allowed_schemes(),
                ),
                approval=bool(attempt.details),
            )
        attempts.end(request, attempt.reference, authenticated)
        return login_ways_back.taken(
            OAuth2ResponseRedirect(uri, party.application.get_allowed_schemes()),
            approval=bool(attempt.details),
        )


def way_back(request: HttpRequest, logged_in: login_session.LoggedIn) -> HttpResponse | None:
    """The way back a party's login takes in its own last request (registered with
    `login.ways_back`): the code, and the redirect to the party. None when the continue page
    must answer instead: a page comes first, or the attempt is gone or past its time."""
    attempt = attempts.get(request, logged_in.reference)
    if attempt is None or attempt.expired or attempt.page_first(logged_in.level):
        return None
    party = services.party_for(attempt.client_id)
    if party is None:
        return None
    return CodeIssuer().issue(request, party, attempt, logged_in)


class AttemptMixin:
    """A page of a party's attempt: it must be open (and not past its time) in this session."""

    request: HttpRequest

    def dispatch(self, request: HttpRequest, reference: str, *args: Any, **kwargs: Any) -> Any:
        attempt = attempts.get(request, reference)
        if attempt is None:
            return render(request, "relying_parties/gone.html", status=400)
        if attempt.expired:
            attempts.lapse(request, attempt)
            return render(request, "relying_parties/gone.html", {"attempt": attempt}, status=400)
        self.attempt = attempt
        return super().dispatch(request, *args, **kwargs)  # type: ignore[misc]


@method_decorator(never_cache, name="dispatch")
class ContinueView(AttemptMixin, View):
    """Back from the login pages when a page comes first (the login's own last request takes
    the way back otherwise: `way_back`), or when the citizen comes again: the level, the
    citizen's consent to the CPR number, and then the code for the party."""

    def get(self, request: HttpRequest) -> HttpResponse:
        attempt = self.attempt
        authenticated = _authenticated(request, attempt)
        party = services.party_for(attempt.client_id)
        if party is None:
            return render(request, "relying_parties/gone.html", status=400)
        if authenticated is None:
            if attempt.achieved and "again" not in request.GET:
                # The level's page again (a reload, the language buttons): the citizen was
                # logged out when it was first shown, and came to the login page instead.
                return _level_page(request, attempt)
            # The login pages again, for this party (the citizen may have left them for a
            # login of the portal's own, which forgot the party's; or logs in again after a
            # login below the level, with another authenticator).
            attempt.log_in_again()
            attempts.save(request, attempt)
            messages.info(request, gettext("Log in with MitID to continue."))
            return begin_login(request, attempt, translation.get_language())
        if not attempt.level_met(authenticated.level):
            # Not logged in anywhere with a login that did not do: the party is told why.
            login_session.log_out(request)
            attempt.fell_short(
                achieved=authenticated.level, identity_level=authenticated.identity.level
            )
            attempts.save(request, attempt)
            return _level_page(request, attempt)
        if attempt.awaits_consent:
            return redirect("relying_parties:consent", attempt.reference)
        return CodeIssuer().issue(request, party, attempt, authenticated)


def _level_page(request: HttpRequest, attempt: attempts.Attempt) -> HttpResponse:
    """The login was below the level the party asked for: how to get the level, the way back
    to the party, and, where another authenticator may reach the level, "Log in again"."""
    context = {
        "attempt": attempt,
        "asked": levels.ACR[attempt.level],
        "achieved": attempt.achieved,
        "advice": (
            DEVICE_LEVEL_ADVICE if attempt.identity_at_level else LEVEL_ADVICE[attempt.level]
        ),
        # High for a MitID below it is raised at Borgerservice, not by logging in again.
        "again": attempt.identity_at_level or attempt.level != levels.HIGH,
    }
    return render(request, "relying_parties/level.html", context, status=403)


@method_decorator(never_cache, name="dispatch")
class ConsentView(AttemptMixin, View):
    """The CPR number goes to a party only after the citizen saw which data goes to whom."""

    def get(self, request: HttpRequest) -> HttpResponse:
        if _authenticated(request, self.attempt) is None:
            return redirect("relying_parties:continue", self.attempt.reference)
        page = render(request, "relying_parties/consent.html", {"attempt": self.attempt})
        # Its form ends, through a redirect, at the party.
        allow_form_action(page, origin(self.attempt.credentials["redirect_uri"]))
        return page

    def post(self, request: HttpRequest) -> HttpResponse:
        if _authenticated(request, self.attempt) is None:
            return redirect("relying_parties:continue", self.attempt.reference)
        if request.POST.get("answer") != "give":
            return redirect("relying_parties:back", self.attempt.reference)
        self.attempt.consented = True
        attempts.save(request, self.attempt)
        return redirect("relying_parties:continue", self.attempt.reference)


@never_cache
def back(request: HttpRequest, reference: str) -> HttpResponse:
    """The citizen went back to the party without logging in ("Cancel"; a level too low; no
    consent): the party hears `access_denied`, or why, and the login in progress ends."""
    attempt = attempts.get(request, reference)
    party = services.party_for(attempt.client_id) if attempt else None
    if attempt is None or party is None:
        return render(request, "relying_parties/gone.html", status=400)
    pending = login_session.pending(request)
    if pending is not None and pending.app_login:
        app_logins.cancel_token(pending.app_login)
    attempts.end(request, reference)
    # Back from the party after its login pages (cancelled, a level too low) says so too.
    return login_ways_back.taken(
        error_redirect(
            request,
            party,
            attempt.credentials["redirect_uri"],
            attempt.refusal,
            attempt.credentials.get("state"),
        ),
        approval=bool(attempt.details),
    )


def _basic_client_id(request: HttpRequest) -> str | None:
    """The client ID of HTTP Basic credentials, if the request sent them."""
    scheme, _, credentials = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        user, _, _secret = base64.b64decode(credentials, validate=True).decode().partition(":")
    except (ValueError, UnicodeDecodeError):
        return ""
    return unquote_plus(user)  # form-encoded first (RFC 6749 section 2.3.1)


class OneWayClientMixin:
    """A client authenticated one way only (RFC 6749 section 2.3), and a refusal of its Basic
    credentials challenged in Basic (section 5.2): the token and revocation endpoints. Asked
    with another method than POST, they answer in JSON too, as to the rest of a server's
    mistakes (Django's 405 has an empty HTML body)."""

    def http_method_not_allowed(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        answer = machine_error("invalid_request", "Send this request with POST", status=405)
        answer["Allow"] = "POST"
        return answer

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        refused = _two_ways(request)
        if refused is not None:
            return refused
        answer: HttpResponse = super().post(request, *args, **kwargs)  # type: ignore[misc]
        return _challenged(request, answer)


class CodeGrantTokenView(oauth2_views.TokenView):
    """DOT's token endpoint without its branch for the device flow, which it takes before
    anything else (a 500 without a `device_code`); oauthlib refuses that grant as any other
    it does not serve (`relying_parties.server`)."""

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return self.authorization_flow_token_response(request, *args, **kwargs)


class TokenView(OneWayClientMixin, CodeGrantTokenView):
    """django-oauth-toolkit's token endpoint. DOT reads the access token it has just written
    again, to send its `app_authorized` signal with it; while nothing listens, it is not
    read."""

    # What an error report must not show: the secret, and the code with its verifier.
    @method_decorator(sensitive_post_parameters("client_secret", "code", "code_verifier"))
    def authorization_flow_token_response(
        self, request: HttpRequest, *args: Any, **kwargs: Any
    ) -> HttpResponse:
        try:
            # Every parameter at most once (RFC 6749 section 3.2); a resource indicator may
            # be repeated (RFC 8707), and is refused in the validator as not served.
            parameters.once_each(request.POST, but=["resource"])
        except parameters.BadRequest as bad:
            return machine_error(bad.error, bad.description)
        if not request.POST.get("grant_type"):
            # A missing parameter (RFC 6749 section 5.2), not a grant that is not served: as
            # from a body that is not a form (JSON), which Django reads no parameters from.
            return machine_error(
                "invalid_request",
                "grant_type is required, in a form body (application/x-www-form-urlencoded)",
            )
        code_grant = request.POST.get("grant_type") == "authorization_code"
        if code_grant and not request.POST.get("redirect_uri"):
            # The authorization request had one, always (section 4.1.3); oauthlib would take
            # the registered one.
            return machine_error("invalid_request", "redirect_uri is required")
        if app_authorized.has_listeners():
            answer: HttpResponse = super().authorization_flow_token_response(
                request, *args, **kwargs
            )
            return answer
        _url, headers, body, status = self.create_token_response(request)
        # Some of oauthlib's refusals come with no headers at all: JSON, never stored.
        response = HttpResponse(content=body, status=status, content_type="application/json")
        response["Cache-Control"] = "no-store"
        for name, value in headers.items():
            response[name] = value
        return response


class RevokeTokenView(OneWayClientMixin, oauth2_views.RevokeTokenView):
    """django-oauth-toolkit's revocation endpoint (RFC 7009), its client authenticated as at
    the token endpoint."""


def _two_ways(request: HttpRequest) -> HttpResponse | None:
    """A refusal of a client that authenticates two ways in one request (RFC 6749 section
    2.3): Basic credentials and a secret in the body, or a body naming another client."""
    basic_client_id = _basic_client_id(request)
    if basic_client_id is None:
        return None
    if not basic_client_id:  # Basic credentials that are not base64 of "id:secret"
        return _challenged(request, machine_error("invalid_client", status=401))
    if request.POST.get("client_secret"):
        return machine_error("invalid_request", "Authenticate the client one way, not two")
    if request.POST.get("client_id", basic_client_id) != basic_client_id:
        return machine_error(
            "invalid_request", "client_id is not the client of the Authorization header"
        )
    return None


def _challenged(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    """A 401 challenges in Basic (RFC 6749 section 5.2: the scheme the client used, or one the
    endpoint takes; RFC 9110 section 15.5.2: a 401 has a challenge), where oauthlib says
    Bearer, a scheme for resources, not clients."""
    if response.status_code == 401:
        response["WWW-Authenticate"] = 'Basic realm="MitID", charset="UTF-8"'
    return response


@method_decorator([csrf_exempt, never_cache], name="dispatch")
class UserInfoView(oauth2_views.UserInfoView):
    """django-oauth-toolkit's userinfo, answering a token sent in the Authorization header or
    a form body only: one in the address ends up in logs and histories (RFC 6750 section 2.3,
    RFC 9700 section 4.3.2). Its answer, a person's data, is never stored."""

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        in_header = request.headers.get("Authorization", "").lower().startswith("bearer ")
        in_body = request.POST.getlist("access_token") if request.method == "POST" else []
        sent = len(in_body) + in_header
        if "access_token" in request.GET:
            why = "Send the access token in the Authorization header"
        elif sent > 1:
            why = "Send the access token one way, once"  # RFC 6750 section 2
        else:
            answer: HttpResponse = super().dispatch(request, *args, **kwargs)
            if answer.status_code >= 400 and answer.content:
                answer["Content-Type"] = "application/json"  # oauthlib's error, not a page
            if answer.status_code == 401 and not sent:
                # No token at all: a challenge without an error code (RFC 6750 section 3.1).
                answer["WWW-Authenticate"] = 'Bearer realm="MitID"'
            return answer
        response = machine_error("invalid_request", why)
        response["WWW-Authenticate"] = 'Bearer error="invalid_request"'
        return response


class LogoutView(oauth2_views.RPInitiatedLogoutView):
    """django-oauth-toolkit's RP-initiated logout. The tokens revoked are those of the party
    that asks (DOT's would revoke the person's tokens at every party: anyone holding one of
    their ID tokens could end them all), and an unknown client is an error on the page, not
    a server error."""

    # GET and POST, as RP-Initiated Logout 1.0 section 2 names them: Django's FormView took
    # a PUT as a POST with an empty form, a logout nobody asked for, answered with a redirect.
    http_method_names = ["get", "post", "head", "options"]

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        """In the language the party asked for (`ui_locales`), as its login's pages are."""
        asked = request.POST.get("ui_locales") or request.GET.get("ui_locales", "")
        language = parameters.language(asked, translation.get_language_from_request(request))
        with translation.override(language):
            response: HttpResponse = super().dispatch(request, *args, **kwargs)
            if isinstance(response, TemplateResponse):
                response.render()  # lazily rendered otherwise, after the language is undone
        if response.get("Content-Type", "").startswith("text/html"):
            response["Content-Language"] = language  # the page's, not the address's (Danish)
        return response

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        """DOT's; the page that asks the citizen lets its form end at the party's address,
        where the logout goes (browsers hold the redirect after a form to `form-action`)."""
        response: HttpResponse = super().get(request, *args, **kwargs)
        going_to = self.oidc_data.get("post_logout_redirect_uri")
        if response.status_code == 200 and going_to:
            allow_form_action(response, origin(going_to))
        return response

    def validate_logout_request_user(self, id_token_hint: str, client_id: str | None) -> Any:
        """DOT's check of the hint; and a hint this provider signed whose token was revoked
        since (a first logout, a reused code) still says which party asks: RP-Initiated Logout
        1.0 section 2, the OP should accept ID tokens it issued (a bank's second logout got
        "The service could not log you out"). It names nobody, so a logged-in citizen is
        asked."""
        try:
            return super().validate_logout_request_user(id_token_hint, client_id)
        except InvalidIDTokenError:
            audience = keys.audience_signed_here(id_token_hint, self.request)
            if audience is None:
                raise
            if client_id and client_id != audience:
                raise ClientIdMissmatch() from None
            self.hinted_client = audience
            return None

    def get_request_application(self, id_token: Any, client_id: str | None) -> Any:
        client_id = client_id or getattr(self, "hinted_client", None)
        if client_id:
            application = clients.client_for(client_id)
            if application is None:
                raise InvalidOIDCClientError()
            return application
        return id_token.application if id_token else None

    def validate_post_logout_redirect_uri(
        self, application: Any, post_logout_redirect_uri: str | None
    ) -> None:
        """DOT's checks, and the address one of those registered, as a redirect URI is
        (`parameters.registered_address`)."""
        super().validate_post_logout_redirect_uri(application, post_logout_redirect_uri)
        if post_logout_redirect_uri and not parameters.registered_address(
            post_logout_redirect_uri,
            application.post_logout_redirect_uris,
            any_loopback_port=clients.is_native(application),
        ):
            raise InvalidOIDCRedirectURIError("This address is not registered")

    def form_valid(self, form: Any) -> HttpResponse:
        self.asked = form.cleaned_data  # what `error_response` needs if the citizen stays
        answer: HttpResponse = super().form_valid(form)
        return answer

    def error_response(self, error: Any) -> HttpResponse:
        """DOT's error page; but "Stay logged in" is the citizen's answer, not an error (DOT
        raises LogoutDenied for it, after the request was checked): a page that says they are
        still logged in, with the way back to the party that asked."""
        if not isinstance(error, LogoutDenied):
            answer: HttpResponse = super().error_response(error)
            return answer
        back = self.asked.get("post_logout_redirect_uri")
        state = self.asked.get("state")
        if back and state:
            back = add_params_to_uri(back, [("state", state)])
        stayed: HttpResponse = self.render_to_response({"stayed": True, "back": back})
        return stayed

    def do_logout(
        self,
        application: Any = None,
        post_logout_redirect_uri: str | None = None,
        state: str | None = None,
        token_user: Any = None,
    ) -> HttpResponse:
        user = token_user or self.request.user
        if application is not None and user.is_authenticated:
            tokens = get_access_token_model().objects.filter(user=user, application=application)
            for token in tokens.select_related("id_token"):
                if token.id_token is not None:
                    token.id_token.revoke()
                token.revoke()
        answer: HttpResponse = super().do_logout(
            application, post_logout_redirect_uri, state, token_user
        )
        return answer


class DiscoveryView(ConnectDiscoveryInfoView):
    """django-oauth-toolkit's discovery document, plus what MitID adds: the levels, the
    languages, the transactions, and S256 as the only PKCE method."""

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        base = super().get(request, *args, **kwargs)
        document = json.loads(base.content)
        document.update(
            acr_values_supported=list(levels.ACR.values()),
            ui_locales_supported=["da", "en", "kl"],
            authorization_details_types_supported=[parameters.APPROVAL_TYPE],
            grant_types_supported=["authorization_code"],  # the only one (server.py)
            revocation_endpoint=self._get_endpoint_url(request, "revoke-token", required=True),
            code_challenge_methods_supported=["S256"],
            # Each answered as OpenID Connect Core 3.1.2.1 says: none with login_required (a
            # MitID login is always a fresh one), consent with the consent page.
            prompt_values_supported=["none", "login", "consent", "select_account"],
            token_endpoint_auth_methods_supported=[
                "client_secret_basic",
                "client_secret_post",
                "none",
            ],
            response_modes_supported=["query"],
            request_uri_parameter_supported=False,
            # The ID tokens are signed with the RSA keys of the JWKS only.
            id_token_signing_alg_values_supported=["RS256"],
            claims_parameter_supported=False,
            request_parameter_supported=False,
        )
        response = JsonResponse(document)
        response["Access-Control-Allow-Origin"] = "*"
        return response
