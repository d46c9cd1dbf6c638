"""The OpenID Connect endpoints, without a language prefix. Named in django-oauth-toolkit's
namespace, which its views and discovery document reverse."""

from django.urls import path
from django.views.decorators.csrf import csrf_exempt
from oauth2_provider import views as oauth2_views

from . import views
from .endpoints import AUTHORIZE, DISCOVERY, JWKS, LOGOUT, REVOKE, TOKEN, USERINFO

app_name = "oauth2_provider"

urlpatterns = [
    # csrf_exempt: GET only, so a POST is answered 405, not refused as a form would be.
    path(DISCOVERY, csrf_exempt(views.DiscoveryView.as_view()), name="oidc-connect-discovery-info"),
    path(AUTHORIZE, views.AuthorizeView.as_view(), name="authorize"),
    path(TOKEN, views.TokenView.as_view(), name="token"),
    path(USERINFO, views.UserInfoView.as_view(), name="user-info"),
    path(JWKS, csrf_exempt(oauth2_views.JwksInfoView.as_view()), name="jwks-info"),
    # csrf_exempt: RP-Initiated Logout 1.0 section 2, a party may send the citizen here with
    # a form POST from its own site, which carries no CSRF token of ours. Nor does it carry
    # the citizen's session (SameSite=Lax): such a POST can end no session at MitID.dk that
    # its GET could not, and the page's own "Log out" form is a POST with the session.
    path(LOGOUT, csrf_exempt(views.LogoutView.as_view()), name="rp-initiated-logout"),
    path(REVOKE, views.RevokeTokenView.as_view(), name="revoke-token"),
]
