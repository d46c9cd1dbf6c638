"""Top-level URLs: citizen pages under a language prefix (/da/, /en/, /kl/), admin outside."""

from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.urls import include, path
from django.views import defaults

from app_api.views import error as app_api_error
from messaging.health import delivery
from mitid_portal.handlers import is_app_api
from pages.health import health
from pages.views import switch_language
from relying_parties.errors import is_machine_endpoint, machine_error

urlpatterns = [
    # For load balancers and monitors: no language prefix, no session, JSON.
    path("health/", health, name="health"),
    # For monitors only: whether what is sent to citizens goes out (Celery, the gateways).
    path("health/delivery/", delivery, name="health-delivery"),
    # Before the admin, whose catch-all would take it: catalogue editing for translators.
    path("admin/translations/", include("translations.urls")),
    path("admin/", admin.site.urls),
    path("i18n/switch/", switch_language, name="switch_language"),
    # Every path under it is the App API's, which `mitid_portal.handlers` relies on.
    path(settings.APP_API_PREFIX.removeprefix("/"), include("app_api.urls")),
    # OpenID Connect (no language prefix): discovery, authorize, token, userinfo, JWKS,
    # revocation, logout. At the root and before the pages, as `relying_parties.endpoints`
    # says its paths are, which `mitid_portal.handlers` relies on.
    path("", include("relying_parties.urls")),
]

urlpatterns += i18n_patterns(
    path("", include("pages.urls")),
    path("nemid/", include("nemid.urls")),
    path("enrollment/", include("enrollment.urls")),
    path("authenticators/", include("activation.urls")),
    path("login/", include("login.urls")),
    path("selfservice/", include("selfservice.urls")),
    path("relying-parties/", include("relying_parties.pages_urls")),
)

if settings.DEMO_MODE:
    urlpatterns += i18n_patterns(
        path("demo/", include("messaging.urls")),
        path("demo/", include("authenticators.urls")),
        path("demo/", include("app_api.demo_urls")),
        path("demo-bank/", include("demo_bank.urls")),
    )
    # Where the portal sends the Demo Bank's citizens back: one address, whatever the language.
    urlpatterns += [path("demo-bank/", include("demo_bank.callback_urls"))]


# Django's own refusals before any view (a Host that is not allowed) and failures outside the
# views. The App API answers them in JSON, as a phone expects; its requests have none of the
# pages' middleware (mitid_portal.handlers) that the pages' error pages need. So do the OpenID
# Connect endpoints that a party's server calls.
def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    if is_app_api(request.path_info):
        return app_api_error("bad_request")
    if is_machine_endpoint(request.path_info):
        return machine_error("invalid_request")
    return defaults.bad_request(request, exception)


def server_error(request: HttpRequest) -> HttpResponse:
    if is_app_api(request.path_info):
        return app_api_error("server_error")
    if is_machine_endpoint(request.path_info):
        return machine_error("server_error", status=500)
    return defaults.server_error(request)


handler400 = bad_request
handler500 = server_error
