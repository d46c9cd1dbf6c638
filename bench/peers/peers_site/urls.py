"""The chosen peer's login URLs, and the page after login (which says who is logged in)."""

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.urls import include, path

from .views import done

urlpatterns = [path("done/", done, name="done")]

if settings.FLOW == "allauth_totp":
    urlpatterns += [path("accounts/", include("allauth.urls"))]
elif settings.FLOW == "two_factor":
    from two_factor.urls import urlpatterns as two_factor_urls

    urlpatterns += [path("", include(two_factor_urls))]
else:
    urlpatterns += [path("login/", auth_views.LoginView.as_view(), name="login")]
