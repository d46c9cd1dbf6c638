"""Production settings: the base settings, hardened; secrets must come from the environment.

Every setting production cannot do without is checked, and the settings refuse to start once,
naming each one missing or wrong (a deployer fixed them one start at a time before).
"""

import ipaddress

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import env_bool, env_int, env_str

# What is missing or wrong, one line each; raised together at the end of this module.
_refusals: list[str] = []

DEBUG = False
SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY or SECRET_KEY.startswith("insecure-"):
    _refusals.append("Set SECRET_KEY to a long random value in production.")
PIN_HASH_KEY = env_str("PIN_HASH_KEY", "") or SECRET_KEY

# The embedded defaults (SQLite, a cache and channel layer per process, Celery run inline) are
# for one computer; in production they would quietly split limits, lock-outs and websockets
# between processes. Refuse to start instead of falling back to them.
_missing = [name for name in ("DATABASE_URL", "REDIS_URL") if not env_str(name)]
if _missing:
    _refusals.append(
        f"Set {' and '.join(_missing)} in production: "
        "the portal needs PostgreSQL and Redis there, not its embedded defaults."
    )

# ID tokens name their issuer, and parties check it: one public address, not whichever of
# ALLOWED_HOSTS a request came by (the discovery document and the tokens followed the Host).
if not OIDC_ISSUER.startswith("https://"):  # noqa: F405
    _refusals.append(
        "Set OIDC_ISSUER to the portal's public https address in production "
        "(e.g. https://mitid.example): the issuer of its ID tokens."
    )

# The hosts the portal answers for: without them Django's development defaults (localhost,
# testserver) would stand, and every real request be refused.
if not env_str("ALLOWED_HOSTS").strip():
    _refusals.append(
        "Set ALLOWED_HOSTS to the portal's public host names (comma-separated, e.g. "
        "mitid.example): the defaults are localhost and testserver."
    )

# The ID tokens' signing key (the demo's is made on first start in demo mode only): without it
# the JWKS is empty and every token request fails.
if not OIDC_RSA_PRIVATE_KEY:  # noqa: F405
    _refusals.append(
        "Set OIDC_RSA_PRIVATE_KEY to the RSA private key (PEM) that signs the ID tokens "
        "(e.g. openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048): without it the "
        "JWKS is empty and token requests fail."
    )
else:
    try:
        _key = serialization.load_pem_private_key(
            OIDC_RSA_PRIVATE_KEY.encode(),  # noqa: F405
            password=None,
        )
    except (ValueError, TypeError) as _error:
        _refusals.append(f"OIDC_RSA_PRIVATE_KEY is no unencrypted PEM private key ({_error}).")
    else:
        if not isinstance(_key, rsa.RSAPrivateKey):
            _refusals.append("OIDC_RSA_PRIVATE_KEY must be an RSA key: ID tokens are RS256.")

# A chip (WebAuthn) is bound to this host name: `localhost`, the default, fails every chip
# login on the portal's real host.
if env_str("WEBAUTHN_RP_ID", "localhost").strip() in {"", "localhost"}:
    _refusals.append(
        "Set WEBAUTHN_RP_ID to the portal's public host name (e.g. mitid.example), the MitID "
        "chip's relying party: with localhost every chip registration and login fails."
    )

# Behind a reverse proxy that is not named here every client has the proxy's address, and one
# person's failed logins lock out every citizen: a deployer says which proxies, or `none`.
if not env_str("TRUSTED_PROXIES").strip():
    _refusals.append(
        "Set TRUSTED_PROXIES to the reverse proxies' addresses or CIDR blocks (comma-separated), "
        "or to none when clients connect directly: behind a proxy not named there, every client "
        "has the proxy's address, and one person's failed logins lock out everyone."
    )
for _entry in TRUSTED_PROXIES:  # noqa: F405
    try:
        ipaddress.ip_network(_entry, strict=False)
    except ValueError:
        _refusals.append(
            f"TRUSTED_PROXIES holds {_entry!r}, which is not an IP address or network "
            "(none alone means no proxy)."
        )

# The outbox simulators keep e-mails and SMS in a table that no citizen reads. A pilot or a
# staging set-up may want them, and says so; a deployment that forgot its gateways must not
# start and quietly send nothing.
ALLOW_SIMULATORS = env_bool("ALLOW_SIMULATORS", False)
if not ALLOW_SIMULATORS:
    if EMAIL_BACKEND == "messaging.backends.OutboxEmailBackend":  # noqa: F405
        _refusals.append(
            "Set EMAIL_BACKEND (e.g. django.core.mail.backends.smtp.EmailBackend, with "
            "EMAIL_HOST and the rest): e-mails would go to the outbox simulator, or set "
            "ALLOW_SIMULATORS=true for a pilot or staging."
        )
    if SMS_BACKEND == "messaging.backends.OutboxSMSBackend":  # noqa: F405
        _refusals.append(
            "Set SMS_BACKEND (e.g. messaging.backends.HttpSMSBackend, with SMS_GATEWAY_URL): "
            "SMS would go to the outbox simulator, or set ALLOW_SIMULATORS=true for a pilot "
            "or staging."
        )
if EMAIL_USE_TLS and EMAIL_USE_SSL:  # noqa: F405
    _refusals.append("Set EMAIL_USE_TLS or EMAIL_USE_SSL, not both (Django refuses to send).")
if SMS_BACKEND == "messaging.backends.HttpSMSBackend" and not SMS_GATEWAY_URL:  # noqa: F405
    _refusals.append("Set SMS_GATEWAY_URL: the HTTP SMS gateway has nowhere to post.")

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = False
STATIC_ROOT = BASE_DIR / "staticfiles"  # noqa: F405

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
# Load balancers probe the health check over plain HTTP inside the network.
SECURE_REDIRECT_EXEMPT = [r"^health/$", r"^health/delivery/$"]
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
X_FRAME_OPTIONS = "DENY"

# The simulators' demo pages are for trying the portal, never for citizens.
DEMO_MODE = env_bool("DEMO_MODE", False)

# Relying parties are sent back over https only; the ID tokens' key comes from the environment.
OAUTH2_PROVIDER = {**OAUTH2_PROVIDER, "ALLOWED_REDIRECT_URI_SCHEMES": ["https"]}  # noqa: F405

if _refusals:
    raise ImproperlyConfigured(
        "The production settings refuse to start (see the README's Settings):\n"
        + "\n".join(f"- {refusal}" for refusal in _refusals)
    )
