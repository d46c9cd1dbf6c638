"""Where the OpenID Connect endpoints are (`relying_parties.urls`, included at the project's
root). Importable before Django is set up: the server's application dispatches on them
(`mitid_portal.handlers`)."""

DISCOVERY = ".well-known/openid-configuration"
AUTHORIZE = "oidc/authorize/"
TOKEN = "oidc/token/"  # noqa: S105 (an address, not a secret)
USERINFO = "oidc/userinfo/"
JWKS = "oidc/jwks/"
LOGOUT = "oidc/logout/"
REVOKE = "oidc/revoke/"

# The endpoints a party's server calls, never a browser (no cookie, form, language or page):
# served through the machine middleware alone, as the App API is; their refusals are JSON.
SERVER_PATHS = frozenset(f"/{route}" for route in (DISCOVERY, TOKEN, USERINFO, JWKS, REVOKE))
