"""The OpenID Connect endpoints, without a language prefix. Named in django-oauth-toolkit's
namespace, which its views and discovery document reverse."""

from django.urls import path, re_path
from django.views.decorators.csrf import csrf_exempt
from oauth2_provider import views as oauth2_views

from . import views

app_name = "oauth2_provider"

urlpatterns = [
    re_path(
        r"^\.well-known/openid-configuration$",
        csrf_exempt(views.DiscoveryView.as_view()),  # GET only: a POST is 405, not a form
        name="oidc-connect-discovery-info",
    ),
    path("oidc/authorize/", views.AuthorizeView.as_view(), name="authorize"),
    path("oidc/token/", views.TokenView.as_view(), name="token"),
    path("oidc/userinfo/", views.UserInfoView.as_view(), name="user-info"),
    path("oidc/jwks/", csrf_exempt(oauth2_views.JwksInfoView.as_view()), name="jwks-info"),
    path("oidc/logout/", views.LogoutView.as_view(), name="rp-initiated-logout"),
    path("oidc/revoke/", views.RevokeTokenView.as_view(), name="revoke-token"),
]
