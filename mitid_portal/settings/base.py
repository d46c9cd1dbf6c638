"""Settings read from the environment, with embedded defaults that need no running service.

Without `DATABASE_URL` the portal uses SQLite; without `REDIS_URL` it uses the in-memory
channel layer, a local-memory cache and runs Celery tasks eagerly. Both switch to the real
services when set.
"""

from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import dj_database_url
import django_stubs_ext
from csp.constants import NONE, SELF
from django.conf.locale import LANG_INFO
from django.utils.translation import gettext_lazy as _

from .env import env_bool, env_int, env_list, env_str

django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent.parent.parent

SECRET_KEY = env_str("SECRET_KEY", "insecure-development-key-do-not-use-in-production")
# Off unless asked for (`make run DEBUG=true`): a process started without the production
# settings must not show Django's technical pages, with the settings in them.
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
# Reverse proxies whose X-Forwarded-For is believed (addresses or CIDR blocks, comma-separated);
# none by default, so the peer's address is the client (pages.clients.client_address).
# `none` says so explicitly: production asks for one or the other (production.py).
TRUSTED_PROXIES = (
    [] if env_str("TRUSTED_PROXIES").strip().lower() == "none" else env_list("TRUSTED_PROXIES", [])
)

INSTALLED_APPS = [
    # Django's admin on our OTP-protected site (staff.sites.StaffAdminSite).
    "staff.apps.StaffAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.forms",
    # Throttles staff logins to the admin (see AXES_* below).
    "axes",
    "django_htmx",
    "csp",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "channels",
    # Translators edit the catalogues in the browser (translations.urls guards it).
    "rosetta",
    "translations",
    "pages",
    "cpr",
    "passports",
    "nemid",
    "messaging",
    "enrollment",
    "authenticators",
    "activation",
    "login",
    "app_api",
    # OpenID Connect for banks and borger.dk: django-oauth-toolkit's provider, our flow on it.
    "oauth2_provider",
    "relying_parties",
    # A relying party to try it with (its pages are mounted only in demo mode).
    "demo_bank",
    "audit",
    "staff",
    "selfservice",
    # The root: it wires the rest, and holds the commands that need all of it (seed_demo).
    "mitid_portal",
]

MIDDLEWARE = [
    # A proxy's word on the scheme, from trusted proxies alone, before anyone asks for it.
    "pages.clients.ForwardedSchemeMiddleware",
    # So that every line logged for a request carries its id, and the access log sees every
    # response (static files included).
    "pages.logs.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Before WhiteNoise, so that static files carry the headers too.
    "pages.security.PermissionsPolicyMiddleware",
    "pages.security.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # A view that met a Redis outage: the page that asks to try again in a minute (503).
    "pages.outages.OutageMiddleware",
    # Last: turns a locked-out login into the lock-out page.
    "axes.middleware.AxesMiddleware",
]

# The App API (JSON under APP_API_PREFIX, signed requests, no cookies) and the OpenID Connect
# endpoints a party's server calls go through these alone (mitid_portal.handlers): they use no
# session, CSRF token, language, message, user or static file. Every response keeps the
# request id, the access log, the security headers and the Host check (CommonMiddleware asks
# for the host).
APP_API_PREFIX = "/api/app/v1/"
MACHINE_MIDDLEWARE = [
    "pages.clients.ForwardedSchemeMiddleware",
    "pages.logs.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "pages.security.PermissionsPolicyMiddleware",
    "pages.security.ContentSecurityPolicyMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

# django-axes first: a locked-out username and client is refused before any password hash is
# computed. It logs nobody in itself (and has no get_user), so sessions name ModelBackend.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

FORM_RENDERER = "pages.forms.PortalFormRenderer"
ROOT_URLCONF = "mitid_portal.urls"
WSGI_APPLICATION = "mitid_portal.wsgi.application"
ASGI_APPLICATION = "mitid_portal.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "mitid_portal.context_processors.portal",
            ],
            # Django's own tags, doing less on each render (pages/templatetags/builtins.py).
            "builtins": ["pages.templatetags.builtins"],
        },
    },
]

# Without DATABASE_URL (`make run`) the database is a SQLite file, and each request is served
# in a thread of its own: a transaction takes the write lock when it begins (one that read
# first and wrote later would fail at once with "database is locked" when another wrote
# meanwhile), a writer waits for the lock rather than failing, and readers do not wait for a
# writer (WAL). The tests' in-memory database drops these (tests/conftest.py).
SQLITE_FILE_OPTIONS = {
    "transaction_mode": "IMMEDIATE",
    "timeout": 20,
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL",
}
DATABASE_URL = env_str("DATABASE_URL")
DATABASES: dict[str, dict[str, Any]] = {
    "default": (
        dict(dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("DB_CONN_MAX_AGE", 0)))
        if DATABASE_URL
        else {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": BASE_DIR / "db.sqlite3",
            "OPTIONS": dict(SQLITE_FILE_OPTIONS),
        }
    )
}
# A PostgreSQL that takes the connection and never answers held every page, and the health
# check, for ever: libpq gives up on connecting after this many seconds (its minimum is 2).
# A `connect_timeout` in DATABASE_URL's query wins.
DB_CONNECT_TIMEOUT = env_int("DB_CONNECT_TIMEOUT", 5)
if DATABASES["default"]["ENGINE"].endswith(("postgresql", "postgis")):
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("connect_timeout", DB_CONNECT_TIMEOUT)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env_str("REDIS_URL")

# The layout's fixed parts (header, menu, language buttons, footer), rendered once per
# language and page in each process: they are the same for everyone, and a local cache costs
# no network round trip. Room for the pages of a busy hour (a page address with its query is
# a key for the language buttons); beyond it, the oldest third is dropped.
FRAGMENT_CACHE = {
    # Django's local-memory cache, with a key's characters checked at once (mitid_portal.caches).
    "BACKEND": "mitid_portal.caches.FragmentCache",
    "LOCATION": "fragments",
    "TIMEOUT": 3600,
    "OPTIONS": {"MAX_ENTRIES": 3000},
}

# A Redis that hangs (one that is down fails at once) holds a request that reads the cache
# (lock-outs, throttles, the App API's nonces) this long before it answers 503; redis-py's
# own wait is 5 s, in which a sync worker serves nobody else. Redis answers in far less.
REDIS_CACHE_TIMEOUT_SECONDS = env_int("REDIS_CACHE_TIMEOUT_SECONDS", 1)
# A Redis that hangs fails the channel layer's commands after this long (a websocket's
# handshake then closes with "try again later", and the page polls). redis-py 8's default 5 s
# raced channels_redis's 5 s blocking read and killed idle readers (channels_redis issue 422):
# the layer's blocking read waits 1 s (`WaitingRedisChannelLayer`), well inside this.
CHANNEL_LAYER_TIMEOUT_SECONDS = env_int("CHANNEL_LAYER_TIMEOUT_SECONDS", 3)

if REDIS_URL:
    CACHES = {
        "default": {
            # Django's Redis cache, without a new redis-py client for every operation.
            "BACKEND": "mitid_portal.caches.SharedClientRedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {
                "socket_timeout": REDIS_CACHE_TIMEOUT_SECONDS,
                "socket_connect_timeout": REDIS_CACHE_TIMEOUT_SECONDS,
            },
        },
        "fragments": FRAGMENT_CACHE,
    }

    def _redis_layer(**host: Any) -> dict[str, Any]:
        return {
            # channels_redis with a pool that waits for a free connection: a burst of sends
            # must queue, not fail.
            "BACKEND": "mitid_portal.channel_layers.WaitingRedisChannelLayer",
            "CONFIG": {
                "hosts": [{"address": REDIS_URL, **host}],
                # One channel per server process hears every app login's status changes
                # (named as in login.listeners.CHANNEL_PREFIX): room for many at once, where
                # the default of 100 waiting messages would drop changes while its event loop
                # is busy for a moment.
                "channel_capacity": {"login-status.*": 10_000},
            },
        }

    CHANNEL_LAYERS = {
        "default": _redis_layer(
            socket_timeout=CHANNEL_LAYER_TIMEOUT_SECONDS,
            socket_connect_timeout=CHANNEL_LAYER_TIMEOUT_SECONDS,
        ),
        # What synchronous code (the App API's scan and approval, tasks) sends to the
        # websockets (`login.layers`): the same Redis without a timeout on each command,
        # which redis-py enforces with a timer around every read and write (a fifth of a
        # send's instructions); the send as a whole waits `login.layers.SEND_TIMEOUT_SECONDS`.
        "send": _redis_layer(socket_connect_timeout=CHANNEL_LAYER_TIMEOUT_SECONDS),
    }
else:
    CACHES = {
        # Room for every key a busy demo makes: at Django's 300 the cache culled the keys
        # read least lately, the App API's nonces first, and a request could be sent twice.
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "OPTIONS": {"MAX_ENTRIES": 100_000},
        },
        "fragments": FRAGMENT_CACHE,
    }
    # One process, for `make run` and the tests: the default capacity will do (and channels
    # 4.3's in-memory layer cannot read a `channel_capacity` anyway).
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}

CELERY_BROKER_URL = REDIS_URL or "memory://localhost/"
CELERY_RESULT_BACKEND = REDIS_URL or "cache+memory://"
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", not REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A request hands work to the broker after its commit. With the broker down that must fail in
# about a second (logged; the outbox's sweep sends later), not block for kombu's 20 s of retries.
CELERY_TASK_PUBLISH_RETRY = False
CELERY_BROKER_CONNECTION_TIMEOUT = 1.0
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "socket_connect_timeout": 1,
    "socket_timeout": 2,
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.5,
}
CELERY_TASK_IGNORE_RESULT = True
# The worker logs through LOGGING below (JSON, CPR numbers masked), not Celery's own handler.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
# The housekeeping of `make run-stack`'s beat: order lifecycle, reminders, expiry, clean-up.
CELERY_BEAT_SCHEDULE: dict[str, dict[str, object]] = {
    "orders-delivered-by-post": {
        "task": "enrollment.tasks.mark_posted_orders_delivered",
        "schedule": 3600.0,
    },
    "remind-unactivated-devices": {
        "task": "enrollment.tasks.remind_unactivated_devices",
        "schedule": 3600.0,
    },
    "expire-enrollment-cases": {
        "task": "enrollment.tasks.expire_enrollment_cases",
        "schedule": 3600.0,
    },
    "clean-up-logins-and-codes": {"task": "enrollment.tasks.clean_up", "schedule": 3600.0},
    "clean-up-activation": {"task": "activation.tasks.clean_up", "schedule": 3600.0},
    "clear-expired-sessions": {
        "task": "mitid_portal.tasks.clear_expired_sessions",
        "schedule": 3600.0,
    },
    "clear-expired-tokens": {
        "task": "relying_parties.tasks.clear_expired_tokens",
        "schedule": 3600.0,
    },
    "forget-old-messages": {"task": "messaging.tasks.clean_up", "schedule": 3600.0},
    # Read by /health/delivery/ (messaging.health): beat and a worker are alive.
    "heartbeat": {"task": "messaging.tasks.heartbeat", "schedule": 60.0},
    "clean-up-nemid-challenges": {"task": "nemid.tasks.clean_up", "schedule": 3600.0},
}

# Argon2id at OWASP's minimum cost (mitid_portal/hashers.py); Django's Argon2 hashes still
# verify and are upgraded on the next login.
PASSWORD_HASHERS = [
    "mitid_portal.hashers.PortalArgon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    # Relying parties' client secrets only (OAUTH2_PROVIDER's CLIENT_SECRET_HASHER).
    "relying_parties.hashers.ClientSecretHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Django's database sessions, two statements lighter per login (mitid_portal/sessions.py).
SESSION_ENGINE = "mitid_portal.sessions"
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 30 * 60)
# A page shown to a logged-in citizen keeps the session for SESSION_COOKIE_AGE again, and warns
# SESSION_WARNING_SECONDS before it ends (login.session_time; polls and API calls write nothing).
SESSION_WARNING_SECONDS = env_int("SESSION_WARNING_SECONDS", 120)
# ... unless its row was written less than this long ago: then the page writes nothing.
SESSION_REFRESH_SECONDS = env_int("SESSION_REFRESH_SECONDS", 60)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_FAILURE_VIEW = "pages.views.csrf_failure"

# Greenlandic is not among Django's languages: teach Django its name, or every language
# switcher that calls get_language_info("kl") crashes.
LANG_INFO.setdefault(
    "kl", {"bidi": False, "code": "kl", "name": "Greenlandic", "name_local": "Kalaallisut"}
)
LANGUAGE_CODE = "da"
LANGUAGES = [
    ("da", _("Danish")),
    ("en", _("English")),
    ("kl", _("Greenlandic")),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["mitid_portal.formats"]
TIME_ZONE = "Europe/Copenhagen"
USE_I18N = True
USE_TZ = True

# Rosetta (under /admin/translations/): our three languages and our own catalogue only, for
# OTP-verified staff with the permission the group "Translators" gives. No machine
# translation: it would send texts to a third party.
ROSETTA_LANGUAGES = LANGUAGES
ROSETTA_MESSAGES_SOURCE_LANGUAGE_CODE = "en"
ROSETTA_MESSAGES_SOURCE_LANGUAGE_NAME = "English"
ROSETTA_ACCESS_CONTROL_FUNCTION = "translations.access.can_edit_catalogues"
ROSETTA_LOGIN_URL = "admin:login"
ROSETTA_EXCLUDED_APPLICATIONS = ("rosetta", "django_otp", "django_otp.plugins.otp_totp")
ROSETTA_POFILENAMES = ("django.po",)
ROSETTA_ENABLE_TRANSLATION_SUGGESTIONS = False
ROSETTA_SHOW_AT_ADMIN_PANEL = False
ROSETTA_AUTO_COMPILE = True
# Translators see the msgid's English next to a reference language of their choice.
ROSETTA_ENABLE_REFLANG = True

STATIC_URL = "static/"
# With DEBUG on, WhiteNoise serves straight from the finders; off, as deployed, the files
# collectstatic gathered, by their hashed names (`make run` and `make run-stack` collect them).
# The tests take the finders with DEBUG off (tests/settings.py): they collect nothing.
STATIC_ROOT = None if DEBUG else BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = DEBUG

# Outside parties, each behind a small interface chosen here (dotted paths).
CPR_REGISTRY = env_str("CPR_REGISTRY", "cpr.simulator.SimulatedCPRRegistry")
NEMID_PROVIDER = env_str("NEMID_PROVIDER", "nemid.simulator.SimulatedNemID")
SMS_BACKEND = env_str("SMS_BACKEND", "messaging.backends.OutboxSMSBackend")
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "messaging.backends.OutboxEmailBackend")
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "MitID <no-reply@mitid.example>")
# Django's SMTP backend (EMAIL_BACKEND=django.core.mail.backends.smtp.EmailBackend): the
# relay, its login, and TLS (STARTTLS) or SSL from the start, never both. A relay that does not
# answer fails the worker's try after EMAIL_TIMEOUT seconds (retried), not for ever.
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10)
SMS_SENDER = env_str("SMS_SENDER", "MitID")
# Letters (the activation letter with a code device) go by this printing and posting service.
POST_BACKEND = env_str("POST_BACKEND", "messaging.backends.OutboxPostBackend")
POST_SENDER = env_str("POST_SENDER", "MitID, Postboks 1234, 2300 København S")
# The activation code in that letter works this long: the post, and a while for the citizen.
LETTER_ACTIVATION_CODE_DAYS = env_int("LETTER_ACTIVATION_CODE_DAYS", 30)
# The HTTP SMS gateway (messaging.backends.HttpSMSBackend): where it posts, and how long it waits.
SMS_GATEWAY_URL = env_str("SMS_GATEWAY_URL")
# Sent as `Authorization: Bearer <token>` when set.
SMS_GATEWAY_TOKEN = env_str("SMS_GATEWAY_TOKEN", "")
SMS_GATEWAY_TIMEOUT_SECONDS = env_int("SMS_GATEWAY_TIMEOUT_SECONDS", 5)
# The outbox: a message still waiting this long after a try is handed to Celery again by the
# beat's sweep (which runs this often); after OUTBOX_MAX_ATTEMPTS tries it is given up on.
OUTBOX_RETRY_SECONDS = env_int("OUTBOX_RETRY_SECONDS", 60)
OUTBOX_MAX_ATTEMPTS = env_int("OUTBOX_MAX_ATTEMPTS", 10)
# Messages delivered (or given up on) are forgotten after this many days: who got them, and
# the words of those without a secret (a secret's are blanked at once).
MESSAGE_RETENTION_DAYS = env_int("MESSAGE_RETENTION_DAYS", 90)
# /health/delivery/ answers 503 when no worker has run beat's heartbeat (every minute) for this
# long, or a message has waited in the outbox this long.
DELIVERY_LATE_SECONDS = env_int("DELIVERY_LATE_SECONDS", 300)
# Messages whose hand-off to Celery was lost (a broker or worker down) are sent again.
CELERY_BEAT_SCHEDULE["sweep-outbox"] = {
    "task": "messaging.tasks.sweep_outbox",
    "schedule": float(OUTBOX_RETRY_SECONDS),
}
# The person register that the passport road and the desk check people against (CPR numbers,
# and P-codes for people without one), and the passport checks.
PERSON_REGISTER = env_str("PERSON_REGISTER", "cpr.persons.SimulatedPersonRegister")
PASSPORT_MRZ_CHECKER = env_str("PASSPORT_MRZ_CHECKER", "passports.mrz.ICAOMRZChecker")
PASSPORT_CHIP_VERIFIER = env_str("PASSPORT_CHIP_VERIFIER", "passports.chip.PassiveAuthentication")
FACE_MATCHER = env_str("FACE_MATCHER", "passports.face.SimulatedFaceMatcher")
# The country signing CA certificates (PEM) whose passports the chip check accepts; seed_demo
# puts the demo CSCAs' there, and the demo passports (and the CSCAs' keys) in PASSPORT_DEMO_DIR.
PASSPORT_CSCA_DIR = env_str("PASSPORT_CSCA_DIR", str(BASE_DIR / "var" / "csca"))
PASSPORT_DEMO_DIR = env_str("PASSPORT_DEMO_DIR", str(BASE_DIR / "var" / "passports"))
# A face picture must score at least this against the chip's portrait.
FACE_MATCH_THRESHOLD = float(env_str("FACE_MATCH_THRESHOLD", "0.8"))
# A passport enrollment in the app must finish within this long; refusals it may take.
PASSPORT_ENROLLMENT_MINUTES = env_int("PASSPORT_ENROLLMENT_MINUTES", 30)
PASSPORT_MAX_REFUSALS = env_int("PASSPORT_MAX_REFUSALS", 5)
# Temporary PINs by SMS to one number typed on the passport road (its own phone, or a copy
# code for someone helped), an hour; the next is refused `too_many_sms`.
PASSPORT_PIN_SMS_PER_HOUR = env_int("PASSPORT_PIN_SMS_PER_HOUR", 5)
# The QR code an app shows to be copied to a new phone lasts this long, and is used once.
APP_COPY_SECONDS = env_int("APP_COPY_SECONDS", 180)

NEMID_MAX_FAILURES = env_int("NEMID_MAX_FAILURES", 5)
NEMID_LOCKOUT_MINUTES = env_int("NEMID_LOCKOUT_MINUTES", 15)
NEMID_CHALLENGE_MINUTES = env_int("NEMID_CHALLENGE_MINUTES", 5)
# How long a NemID proof in the session counts as fresh.
NEMID_PROOF_MINUTES = env_int("NEMID_PROOF_MINUTES", 30)

# Enrollment
ENROLLMENT_CASE_DAYS = env_int("ENROLLMENT_CASE_DAYS", 30)
CONTACT_CODE_MINUTES = env_int("CONTACT_CODE_MINUTES", 10)
CONTACT_CODE_MAX_ATTEMPTS = env_int("CONTACT_CODE_MAX_ATTEMPTS", 5)
CONTACT_CODE_RESEND_SECONDS = env_int("CONTACT_CODE_RESEND_SECONDS", 60)
CONTACT_CODE_SENDS_PER_HOUR = env_int("CONTACT_CODE_SENDS_PER_HOUR", 5)
APP_ACTIVATION_CODE_MINUTES = env_int("APP_ACTIVATION_CODE_MINUTES", 10)
# The app activation codes the Borgerservice desk gives for one case (the first and new ones for
# a citizen who did not note it), and for how long after the case began: past either, a new
# case with a new look at the ID document.
DESK_APP_CODES_PER_CASE = env_int("DESK_APP_CODES_PER_CASE", 3)
DESK_NEW_APP_CODE_HOURS = env_int("DESK_NEW_APP_CODE_HOURS", 24)
POST_DELIVERY_DAYS = env_int("POST_DELIVERY_DAYS", 15)
# Once a device is sent, the post takes this long; then the order counts as delivered.
POST_TRANSIT_DAYS = env_int("POST_TRANSIT_DAYS", 3)
# A device delivered or handed out but not activated after this many days: remind once.
ORDER_REMINDER_DAYS = env_int("ORDER_REMINDER_DAYS", 7)
# App logins and used contact codes are kept this long for support, then deleted.
LOGIN_RETENTION_DAYS = env_int("LOGIN_RETENTION_DAYS", 7)
NEMID_GRACE_DAYS = env_int("NEMID_GRACE_DAYS", 30)
USER_ID_CHECKS_PER_WINDOW = env_int("USER_ID_CHECKS_PER_WINDOW", 30)
USER_ID_CHECK_WINDOW_SECONDS = env_int("USER_ID_CHECK_WINDOW_SECONDS", 600)

# Authenticators: three wrong codes or signatures in a row lock the device for a while.
AUTHENTICATOR_MAX_FAILURES = env_int("AUTHENTICATOR_MAX_FAILURES", 3)
AUTHENTICATOR_LOCK_MINUTES = env_int("AUTHENTICATOR_LOCK_MINUTES", 15)
# A blocked or revoked device tried again (someone holds a lost phone) is in the citizen's
# history, and told to a citizen who asked to hear of every use, at most once in this while.
BLOCKED_USE_QUIET_MINUTES = env_int("BLOCKED_USE_QUIET_MINUTES", 15)
# Failed logins (NemID, code device) one client address may make in a window before it must
# wait; checked before any password is hashed. Many citizens may share an address (a
# workplace, a phone network), so the limit is far above one person's.
CLIENT_FAILURES_PER_WINDOW = env_int("CLIENT_FAILURES_PER_WINDOW", 30)
CLIENT_FAILURE_WINDOW_MINUTES = env_int("CLIENT_FAILURE_WINDOW_MINUTES", 15)
AUTHENTICATOR_THROTTLE_FACTOR = env_int("AUTHENTICATOR_THROTTLE_FACTOR", 0)
# How long the app has to sign a challenge the portal gave it.
APP_CHALLENGE_SECONDS = env_int("APP_CHALLENGE_SECONDS", 180)
APP_TEMPORARY_PIN_MINUTES = env_int("APP_TEMPORARY_PIN_MINUTES", 10)
# The key of the app PINs' keyed hashes; set it apart from SECRET_KEY, so that rotating that
# key does not invalidate every PIN.
PIN_HASH_KEY = env_str("PIN_HASH_KEY", "") or SECRET_KEY
# A signed App API request is good for this long either side of the server's clock, and once.
APP_REQUEST_MAX_SKEW_SECONDS = env_int("APP_REQUEST_MAX_SKEW_SECONDS", 120)
# An app login expires after 3 minutes; a scanned QR frame older than a few seconds is refused.
APP_LOGIN_SECONDS = env_int("APP_LOGIN_SECONDS", 180)
# Live QR websockets one client address may hold open on one server process; those past it
# are closed at once with "try again later" and their pages poll (`login.consumers`).
APP_LOGIN_SOCKETS_PER_CLIENT = env_int("APP_LOGIN_SOCKETS_PER_CLIENT", 30)
APP_LOGIN_FRAME_MAX_AGE_SECONDS = env_int("APP_LOGIN_FRAME_MAX_AGE_SECONDS", 5)
# The ASGI process (the websockets' server) collects the garbage collector's young generation
# every this many allocations, not Python's 700, so that ten thousand QR frames a second do not
# bring on full collections of every socket's objects (`mitid_portal.collector`); 0 keeps 700.
ASGI_GC_THRESHOLD = env_int("ASGI_GC_THRESHOLD", 50_000)

# Where browsers open websockets: empty for the same origin (one ASGI server, or a proxy that
# sends /ws/ to the websocket server); "ws://localhost:8001" when they are served apart.
WEBSOCKET_URL = env_str("WEBSOCKET_URL", "").rstrip("/")

# Content-Security-Policy (django-csp; pages.security adds ws(s)://<this host> to connect-src):
# scripts and styles only from our own files, no inline script or style anywhere, not even the
# admin's and rosetta's; nothing framed, no plugins. `data:` images only for rosetta's icons.
_websocket_origin = urlsplit(WEBSOCKET_URL)
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF]
        + ([f"{_websocket_origin.scheme}://{_websocket_origin.netloc}"] if WEBSOCKET_URL else []),
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
# Permissions-Policy (pages.security): every powerful feature off, for us and any frame,
# except WebAuthn on our own origin (the MitID chip registers and logs in with it). The app
# simulator takes its picture through a file input, which needs no camera permission.
PERMISSIONS_POLICY: dict[str, list[str]] = {
    feature: []
    for feature in (
        "accelerometer",
        "autoplay",
        "camera",
        "display-capture",
        "encrypted-media",
        "fullscreen",
        "geolocation",
        "gyroscope",
        "hid",
        "idle-detection",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "picture-in-picture",
        "screen-wake-lock",
        "serial",
        "usb",
        "xr-spatial-tracking",
    )
} | {"publickey-credentials-create": ["self"], "publickey-credentials-get": ["self"]}

# Where "Open the MitID app" on a phone-sized login page leads: the app's link (a universal
# link in production). Without one, demo mode opens the app simulator page.
APP_LINK = env_str("APP_LINK", "")

# The MitID chip (WebAuthn): the relying party is the host the portal is served on, and a new
# chip is confirmed in a second step no sooner than this many hours after it was registered.
WEBAUTHN_RP_ID = env_str("WEBAUTHN_RP_ID", "localhost")
WEBAUTHN_RP_NAME = env_str("WEBAUTHN_RP_NAME", "MitID")
CHIP_WAITING_HOURS = env_int("CHIP_WAITING_HOURS", 24)

# Self-service: a switch between scanning and typed codes takes effect after this long; the
# activation code (and its QR code) for the app on another device lasts this long; blocking
# a device asks for another one unless the citizen logged in with another one this recently.
TYPED_CODES_WAIT_MINUTES = env_int("TYPED_CODES_WAIT_MINUTES", 60)
# Wrong typed codes for one user-ID from one client, over all its logins, before typed codes
# are refused to that client for it for AUTHENTICATOR_LOCK_MINUTES (a login ends after three,
# and a new one is free).
TYPED_CODE_FAILURES_PER_USER_ID = env_int("TYPED_CODE_FAILURES_PER_USER_ID", 10)
# App logins for one user-ID from one client that cancelled an open one (a new login replaces
# the old), before that client may start no more for it for AUTHENTICATOR_LOCK_MINUTES: a loop
# of starts in someone's name cancelled their login every few seconds.
APP_LOGIN_REPLACEMENTS_PER_USER_ID = env_int("APP_LOGIN_REPLACEMENTS_PER_USER_ID", 10)
SELFSERVICE_APP_CODE_MINUTES = env_int("SELFSERVICE_APP_CODE_MINUTES", 3)
STEP_UP_MINUTES = env_int("STEP_UP_MINUTES", 5)

# Demo pages (the outbox, simulators) exist for trying the portal on one computer.
DEMO_MODE = env_bool("DEMO_MODE", True)

LOGIN_URL = "login:start"
# The name staff's authenticator apps list their admin code under (`manage.py staff_totp`).
OTP_TOTP_ISSUER = "MitID admin"

# Staff logins (the admin): after STAFF_LOGIN_MAX_FAILURES wrong passwords from one client for
# one username, that pair is locked out for STAFF_LOGIN_LOCK_MINUTES (counted in the database,
# so every process sees it). Wrong TOTP codes are throttled by django-otp on the device.
AXES_FAILURE_LIMIT = env_int("STAFF_LOGIN_MAX_FAILURES", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("STAFF_LOGIN_LOCK_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_CLIENT_IP_CALLABLE = "pages.clients.client_address"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "staff.lockout.locked_out"
# Every staff login, failed or not, is in the audit log; axes keeps only the failures.
AXES_DISABLE_ACCESS_LOG = True
# Staff logins only: citizens' logins have limits of their own (pages.attempts).
AXES_ONLY_ADMIN_SITE = True
AXES_HANDLER = "staff.lockout.StaffLoginHandler"
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address", "otp_token"]

# One JSON object a line on stderr, with the request's id; query strings cut off and CPR
# numbers masked in every record, whoever logs it (pages/logs.py). The access log is the
# portal's own (logger "portal.access"), the same under uvicorn and gunicorn.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "request_id": {"()": "pages.logs.RequestIdFilter"},
        "no_query_strings": {"()": "pages.logs.DropQueryStrings"},
        "mask_cpr": {"()": "pages.logs.MaskCPRNumbers"},
        "quiet_health_probes": {"()": "pages.logs.QuietHealthProbes"},
    },
    "formatters": {"json": {"()": "pages.logs.JSONFormatter"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "json",
            "filters": ["request_id", "no_query_strings", "mask_cpr"],
        }
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        # uvicorn set up its own handlers before it loaded Django: its lines go through ours,
        # and its access log (with query strings) is off, since the portal writes one.
        "uvicorn": {"handlers": ["console"], "propagate": False},
        "uvicorn.access": {"handlers": [], "propagate": False},
        "django.db.backends": {"level": "INFO"},
        # Every 5xx answer is an ERROR line, but for the health check's 503 (`pages.health`
        # logs what is down, in one line a part).
        "django.request": {"filters": ["quiet_health_probes"]},
        # django-axes narrates every start and failure; lock-outs are warnings, and every
        # staff login is in the audit log.
        "axes": {"level": "WARNING"},
        # fpdf2 subsets fonts through fontTools, which narrates every table it touches.
        "fontTools": {"level": "WARNING"},
    },
}

# OpenID Connect provider (relying_parties on django-oauth-toolkit). The issuer is the portal's
# base URL as requested, unless OIDC_ISSUER names it. The active RS256 key comes from
# OIDC_RSA_PRIVATE_KEY (PEM); keys retired but still published in the JWKS for tokens already
# out come from OIDC_RSA_PRIVATE_KEYS_INACTIVE (PEMs, separated by blank lines). In demo mode
# without a key, one is made on first start in OIDC_DEMO_KEY_FILE (var/, git-ignored), never
# committed (relying_parties.keys).
OIDC_ISSUER = env_str("OIDC_ISSUER", "").rstrip("/")
OIDC_RSA_PRIVATE_KEY = env_str("OIDC_RSA_PRIVATE_KEY", "").replace("\\n", "\n")
OIDC_DEMO_KEY_FILE = BASE_DIR / "var" / "oidc-demo-key.pem"
OIDC_RSA_PRIVATE_KEYS_INACTIVE = [
    block.strip()
    for block in env_str("OIDC_RSA_PRIVATE_KEYS_INACTIVE", "").replace("\\n", "\n").split("\n\n")
    if block.strip()
]
# A relying party's login (user-ID, a way in, the consent page) must be done within this long.
RELYING_PARTY_ATTEMPT_SECONDS = env_int("RELYING_PARTY_ATTEMPT_SECONDS", 600)
# How long a party's client, read once, is kept in the cache (a change in the admin holds at
# once; one made around the ORM, or beside a server without Redis, when this has passed:
# relying_parties/clients.py).
RELYING_PARTY_CACHE_SECONDS = env_int("RELYING_PARTY_CACHE_SECONDS", 60)
# django-oauth-toolkit's own models, named so that our migrations can depend on them.
OAUTH2_PROVIDER_APPLICATION_MODEL = "oauth2_provider.Application"
OAUTH2_PROVIDER_ACCESS_TOKEN_MODEL = "oauth2_provider.AccessToken"
OAUTH2_PROVIDER_REFRESH_TOKEN_MODEL = "oauth2_provider.RefreshToken"
OAUTH2_PROVIDER_ID_TOKEN_MODEL = "oauth2_provider.IDToken"
OAUTH2_PROVIDER_GRANT_MODEL = "oauth2_provider.Grant"
OAUTH2_PROVIDER = {
    "OIDC_ENABLED": True,
    # Client secrets are long and random: a salted SHA-256, not Argon2 (relying_parties.hashers).
    "CLIENT_SECRET_HASHER": "client_secret_sha256",
    "OIDC_ISS_ENDPOINT": OIDC_ISSUER,
    "OIDC_RSA_PRIVATE_KEY": OIDC_RSA_PRIVATE_KEY,
    "OIDC_RSA_PRIVATE_KEYS_INACTIVE": OIDC_RSA_PRIVATE_KEYS_INACTIVE,
    "OIDC_RESPONSE_TYPES_SUPPORTED": ["code"],
    "OIDC_RP_INITIATED_LOGOUT_ENABLED": True,
    # The citizen confirms leaving MitID only when the party gave no ID token to prove it asked.
    "OIDC_RP_INITIATED_LOGOUT_ALWAYS_PROMPT": False,
    # A public client's http address is refused where http is (production: https only), as
    # at the login, not also here; DOT's strict mode took http from confidential clients only.
    "OIDC_RP_INITIATED_LOGOUT_STRICT_REDIRECT_URIS": False,
    # Logout revokes the asking party's tokens only (relying_parties.views.LogoutView).
    "OIDC_RP_INITIATED_LOGOUT_DELETE_TOKENS": False,
    "PKCE_REQUIRED": True,
    # RFC 9700: S256 only (plain refused), no implicit or password grant, `iss` in the answer.
    "COMPLIANT_BCP_RFC9700_PKCE_METHOD": True,
    "COMPLIANT_BCP_RFC9700_IMPLICIT_GRANT": True,
    "COMPLIANT_BCP_RFC9700_PASSWORD_GRANT": True,
    "COMPLIANT_BCP_RFC9700_AUTHZ_RESPONSE_ISS": True,
    "COMPLIANT_BCP_RFC9700_ACCESS_TOKEN_TRANSPORT": True,
    "COMPLIANT_BCP_RFC9700_TOKEN_STORAGE": True,
    # Parties get no refresh token (relying_parties.server); should one ever be given, a replay
    # revokes its whole family (RFC 9700 section 4.14.2; the deploy check asks for it).
    "REFRESH_TOKEN_REUSE_PROTECTION": True,
    # The demo bank is on http://localhost; production allows https only (production.py).
    "ALLOWED_REDIRECT_URI_SCHEMES": ["http", "https"],
    "AUTHORIZATION_CODE_EXPIRE_SECONDS": env_int("OIDC_CODE_SECONDS", 60),
    "ACCESS_TOKEN_EXPIRE_SECONDS": env_int("OIDC_ACCESS_TOKEN_SECONDS", 600),
    "ID_TOKEN_EXPIRE_SECONDS": env_int("OIDC_ID_TOKEN_SECONDS", 600),
    "SCOPES": {
        "openid": "OpenID Connect",
        "profile": "Name and date of birth",
        "cpr": "CPR number",
    },
    "DEFAULT_SCOPES": ["openid"],
    "SCOPES_BACKEND_CLASS": "relying_parties.scopes.PartyScopes",
    "OAUTH2_VALIDATOR_CLASS": "relying_parties.validators.MitIDValidator",
    # No refresh tokens: a party keeps its own session after the login (relying_parties.server).
    "OAUTH2_SERVER_CLASS": "relying_parties.server.PartyServer",
}

# The Demo Bank (demo mode): a relying party on this same server, registered by seed_demo.
DEMO_BANK_CLIENT_ID = env_str("DEMO_BANK_CLIENT_ID", "demo-bank")
DEMO_BANK_CLIENT_SECRET = env_str("DEMO_BANK_CLIENT_SECRET", "demo-bank-secret-for-this-machine")
DEMO_BANK_ORIGINS = env_list(
    "DEMO_BANK_ORIGINS", ["http://localhost:8000", "http://127.0.0.1:8000"]
)
