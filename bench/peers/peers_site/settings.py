"""The peer project: one of three other people's logins, on Django's default project set-up.

`PEER_FLOW` chooses the login, each served by its own gunicorn on its own database:
`plain_login` (Django's LoginView, password only), `allauth_totp` (django-allauth, password
then a TOTP code) and `two_factor` (django-two-factor-auth, password then a TOTP code). All
keep sessions in the database, as the portal does, and hash passwords with
`BENCH_PASSWORD_HASHERS` (the same hasher as the portal in the same run).
"""

import os
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent
FLOW = os.environ.get("PEER_FLOW", "plain_login")

SECRET_KEY = "bench-peers-not-secret"
DEBUG = False
ALLOWED_HOSTS = ["*"]

# Django's `startproject` defaults, less the admin.
INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "peers_site",
]
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]
AUTHENTICATION_BACKENDS = ["django.contrib.auth.backends.ModelBackend"]
LOGIN_REDIRECT_URL = "/done/"

if FLOW == "allauth_totp":
    INSTALLED_APPS += ["allauth", "allauth.account", "allauth.mfa"]
    MIDDLEWARE += ["allauth.account.middleware.AccountMiddleware"]
    AUTHENTICATION_BACKENDS += ["allauth.account.auth_backends.AuthenticationBackend"]
    ACCOUNT_LOGIN_METHODS = {"username"}
    ACCOUNT_SIGNUP_FIELDS = ["username*", "password1*", "password2*"]
    ACCOUNT_EMAIL_VERIFICATION = "none"
    ACCOUNT_RATE_LIMITS = False  # one client logs in hundreds of times a minute
    MFA_SUPPORTED_TYPES = ["totp"]
elif FLOW == "two_factor":
    INSTALLED_APPS += [
        "django_otp",
        "django_otp.plugins.otp_static",
        "django_otp.plugins.otp_totp",
        "two_factor",
    ]
    MIDDLEWARE.insert(
        MIDDLEWARE.index("django.contrib.auth.middleware.AuthenticationMiddleware") + 1,
        "django_otp.middleware.OTPMiddleware",
    )
    LOGIN_URL = "two_factor:login"
elif FLOW != "plain_login":
    raise ValueError(f"PEER_FLOW {FLOW!r}: plain_login, allauth_totp or two_factor")

ROOT_URLCONF = "peers_site.urls"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]
WSGI_APPLICATION = "peers_site.wsgi.application"

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/bench_peers_plain"),
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "0")),
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
SESSION_ENGINE = "django.contrib.sessions.backends.db"
PASSWORD_HASHERS = os.environ.get(
    "BENCH_PASSWORD_HASHERS", "django.contrib.auth.hashers.MD5PasswordHasher"
).split(",")

LANGUAGE_CODE = "en-us"
TIME_ZONE = "Europe/Copenhagen"
USE_I18N = True
USE_TZ = True
STATIC_URL = "static/"
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
