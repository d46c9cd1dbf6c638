"""Top-level URLs: citizen pages under a language prefix (/da/, /en/, /kl/), admin outside."""

from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

from pages.health import health
from pages.views import switch_language

urlpatterns = [
    # For load balancers and monitors: no language prefix, no session, JSON.
    path("health/", health, name="health"),
    # Before the admin, whose catch-all would take it: catalogue editing for translators.
    path("admin/translations/", include("translations.urls")),
    path("admin/", admin.site.urls),
    path("i18n/switch/", switch_language, name="switch_language"),
    path("api/app/v1/", include("app_api.urls")),
    # OpenID Connect (no language prefix): discovery, authorize, token, userinfo, JWKS, logout.
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
