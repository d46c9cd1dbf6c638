import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from django.test import Client

ROOT = Path(__file__).resolve().parent.parent


def _private_key_pem(key: object) -> str:
    return key.private_bytes(  # type: ignore[attr-defined, no-any-return]
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()


RSA_KEY = _private_key_pem(rsa.generate_private_key(public_exponent=65537, key_size=2048))

# Every setting production asks for, in a form it takes.
PRODUCTION = {
    "ALLOWED_HOSTS": "mitid.example",
    "OIDC_RSA_PRIVATE_KEY": RSA_KEY,
    "WEBAUTHN_RP_ID": "mitid.example",
    "DATABASE_URL": "postgres://u@db.example:5432/portal",
    "REDIS_URL": "redis://cache.example:6379/0",
    "OIDC_ISSUER": "https://mitid.example",
    "TRUSTED_PROXIES": "10.0.0.7",
    "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
    "SMS_BACKEND": "messaging.backends.HttpSMSBackend",
    "SMS_GATEWAY_URL": "https://sms.example/messages",
}


def run_manage(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "REDIS_URL", "CELERY_TASK_ALWAYS_EAGER"}
    }
    environment.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )


def test_production_settings_pass_the_deploy_check_once_given_secrets() -> None:
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DJANGO_SETTINGS_MODULE="mitid_portal.settings.production",
        SECRET_KEY="a-long-random-production-secret-" + "x" * 40,
        **PRODUCTION,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize("issuer", ["", "http://mitid.example"])
def test_production_settings_refuse_to_start_without_an_https_issuer(issuer: str) -> None:
    """Without it the discovery document and the ID tokens named whichever host the request
    came by (a probe's finding): parties check `iss` against one address."""
    result = import_production_settings(
        DATABASE_URL="postgres://u@db.example:5432/portal",
        REDIS_URL="redis://cache.example:6379/0",
        OIDC_ISSUER=issuer,
    )
    assert result.returncode != 0
    assert "Set OIDC_ISSUER to the portal's public https address" in result.stderr


def test_production_settings_refuse_to_start_without_a_secret_key() -> None:
    result = run_manage(
        "check", DJANGO_SETTINGS_MODULE="mitid_portal.settings.production", SECRET_KEY=""
    )
    assert result.returncode != 0
    assert "Set SECRET_KEY" in result.stderr


def import_production_settings(**env: str) -> subprocess.CompletedProcess[str]:
    """Import the production settings in a new process whose environment holds only `env`."""
    clean = {"PATH": os.environ["PATH"], "SECRET_KEY": "a-long-random-secret-" + "x" * 40}
    return subprocess.run(
        [sys.executable, "-c", "import mitid_portal.settings.production"],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        check=False,
    )


def test_production_settings_refuse_to_start_without_database_and_redis() -> None:
    result = import_production_settings()
    assert result.returncode != 0
    assert "- Set DATABASE_URL and REDIS_URL in production" in result.stderr


@pytest.mark.parametrize(
    ("given", "missing"),
    [
        ({"DATABASE_URL": "postgres://u@db.example:5432/portal"}, "REDIS_URL"),
        ({"REDIS_URL": "redis://cache.example:6379/0", "DATABASE_URL": ""}, "DATABASE_URL"),
    ],
)
def test_production_settings_name_the_one_variable_missing(
    given: dict[str, str], missing: str
) -> None:
    result = import_production_settings(**given)
    assert result.returncode != 0
    assert f"- Set {missing} in production" in result.stderr


def test_production_settings_name_every_missing_setting_at_once() -> None:
    """A deployer fixed them one start at a time: the first missing setting stopped the
    import before the next was looked at."""
    result = import_production_settings(SECRET_KEY="")
    assert result.returncode != 0
    assert "The production settings refuse to start" in result.stderr
    for line in (
        "- Set SECRET_KEY",
        "- Set DATABASE_URL and REDIS_URL in production",
        "- Set OIDC_ISSUER",
    ):
        assert line in result.stderr
    assert result.stderr.count("ImproperlyConfigured:") == 1


def test_production_settings_start_with_what_they_ask_for() -> None:
    result = import_production_settings(**PRODUCTION)
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("proxies", ["", "  "])
def test_production_settings_refuse_to_start_without_trusted_proxies(proxies: str) -> None:
    """Behind the documented nginx every client had the proxy's address: one person's failed
    logins locked every citizen out."""
    result = import_production_settings(**{**PRODUCTION, "TRUSTED_PROXIES": proxies})
    assert result.returncode != 0
    assert "- Set TRUSTED_PROXIES to the reverse proxies' addresses" in result.stderr


def test_production_settings_refuse_trusted_proxies_that_are_no_addresses() -> None:
    result = import_production_settings(**{**PRODUCTION, "TRUSTED_PROXIES": "none,proxy.lan"})
    assert result.returncode != 0
    assert "TRUSTED_PROXIES holds 'none'" in result.stderr
    assert "TRUSTED_PROXIES holds 'proxy.lan'" in result.stderr


@pytest.mark.parametrize(
    ("proxies", "trusted"),
    [("none", "[]"), ("None", "[]"), ("10.0.0.7, 10.1.0.0/16", "['10.0.0.7', '10.1.0.0/16']")],
)
def test_trusted_proxies_none_says_clients_connect_directly(proxies: str, trusted: str) -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import mitid_portal.settings.production as s; print(s.TRUSTED_PROXIES)",
        ],
        cwd=ROOT,
        env={
            "PATH": os.environ["PATH"],
            "SECRET_KEY": "a-long-random-secret-" + "x" * 40,
            **PRODUCTION,
            "TRUSTED_PROXIES": proxies,
        },
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.stdout.strip() == trusted, result.stderr


def test_embedded_defaults_need_no_service() -> None:
    result = run_manage(
        "shell",
        "-v",
        "0",
        "-c",
        "from django.conf import settings as s; "
        "print(s.DATABASES['default']['ENGINE'], s.CHANNEL_LAYERS['default']['BACKEND'], "
        "s.CELERY_TASK_ALWAYS_EAGER, s.EMAIL_BACKEND)",
        DJANGO_SETTINGS_MODULE="mitid_portal.settings.base",
    )
    assert result.stdout.split() == [
        "django.db.backends.sqlite3",
        "channels.layers.InMemoryChannelLayer",
        "True",
        "messaging.backends.OutboxEmailBackend",
    ]


def test_database_and_redis_urls_switch_to_the_real_services() -> None:
    result = run_manage(
        "shell",
        "-v",
        "0",
        "-c",
        "from django.conf import settings as s; "
        "print(s.DATABASES['default']['ENGINE'], s.CHANNEL_LAYERS['default']['BACKEND'], "
        "s.CACHES['default']['BACKEND'], s.CELERY_TASK_ALWAYS_EAGER, s.CELERY_BROKER_URL)",
        DJANGO_SETTINGS_MODULE="mitid_portal.settings.base",
        DATABASE_URL="postgres://u@db.example:5432/portal",
        REDIS_URL="redis://cache.example:6379/0",
    )
    assert result.stdout.split() == [
        "django.db.backends.postgresql",
        "mitid_portal.channel_layers.WaitingRedisChannelLayer",
        "mitid_portal.caches.SharedClientRedisCache",
        "False",
        "redis://cache.example:6379/0",
    ]


@pytest.mark.django_db
def test_the_demo_pages_are_not_served_without_demo_mode(client: Client, settings: Any) -> None:
    import importlib

    from django.urls import clear_url_caches

    import mitid_portal.urls

    settings.DEMO_MODE = False
    importlib.reload(mitid_portal.urls)
    clear_url_caches()
    try:
        for path in ("/en/demo/app/", "/en/demo/code-device/", "/en/demo/outbox/"):
            assert client.get(path).status_code == 404, path
    finally:
        settings.DEMO_MODE = True
        importlib.reload(mitid_portal.urls)
        clear_url_caches()
    assert client.get("/en/demo/app/").status_code == 200


def test_every_setting_read_from_the_environment_is_in_the_readme() -> None:
    """A deployer reads the README's Settings: what the settings read from the environment
    is named there (found in the settings modules' `env_*("NAME"` calls)."""
    import re

    names = {
        name
        for module in (ROOT / "mitid_portal" / "settings").glob("*.py")
        for name in re.findall(r"env_[a-z]+\(\s*\"([A-Z][A-Z0-9_]+)\"", module.read_text())
    }
    assert len(names) > 50, "the pattern no longer finds the settings"
    readme = (ROOT / "README.md").read_text()
    assert sorted(name for name in names if f"`{name}" not in readme) == []


@pytest.mark.parametrize(
    ("debug", "shown"),
    [
        (None, ["False", "False", "staticfiles", "CompressedManifestStaticFilesStorage"]),
        ("false", ["False", "False", "staticfiles", "CompressedManifestStaticFilesStorage"]),
        ("true", ["True", "True", "None", "StaticFilesStorage"]),
    ],
)
def test_the_base_settings_keep_debug_off_unless_asked(debug: str | None, shown: list[str]) -> None:
    """A Procfile process started without DJANGO_SETTINGS_MODULE runs the base settings: it
    must not show Django's technical pages (with the settings in them) to the public. DEBUG
    is read once and means one thing: on, the static files come from the finders; off, from
    what collectstatic gathered (`make run` collects them when DEBUG is off)."""
    show = (
        "import mitid_portal.settings.base as s; "
        "print(s.DEBUG, s.WHITENOISE_USE_FINDERS, s.STATIC_ROOT and s.STATIC_ROOT.name, "
        "s.STORAGES['staticfiles']['BACKEND'].rsplit('.', 1)[1])"
    )
    env = {"PATH": os.environ["PATH"]} | ({} if debug is None else {"DEBUG": debug})
    result = subprocess.run(
        [sys.executable, "-c", show], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.stdout.split() == shown, result.stderr


@pytest.mark.parametrize(
    ("given", "refusal"),
    [
        ({"EMAIL_BACKEND": ""}, "- Set EMAIL_BACKEND"),
        ({"EMAIL_BACKEND": "messaging.backends.OutboxEmailBackend"}, "- Set EMAIL_BACKEND"),
        ({"SMS_BACKEND": ""}, "- Set SMS_BACKEND"),
        ({"SMS_GATEWAY_URL": ""}, "- Set SMS_GATEWAY_URL"),
    ],
)
def test_production_settings_refuse_the_messaging_simulators_unless_allowed(
    given: dict[str, str], refusal: str
) -> None:
    """Production ran the outbox simulators when no gateway was set: nothing reached anyone."""
    environment = {k: v for k, v in {**PRODUCTION, **given}.items() if v}
    result = import_production_settings(**environment)
    assert result.returncode != 0
    assert refusal in result.stderr
    if "SMS_GATEWAY_URL" not in refusal:
        allowed = import_production_settings(**environment, ALLOW_SIMULATORS="true")
        assert allowed.returncode == 0, allowed.stderr


def test_postgresql_gives_up_connecting_after_db_connect_timeout() -> None:
    """A PostgreSQL that took the connection and never answered held /health/ and every
    page for ever: libpq waits without end unless given a connect_timeout."""
    show = (
        "from django.db import connection; "
        "print(connection.get_connection_params().get('connect_timeout'))"
    )
    url = "postgres://u@db.example:5432/portal"
    default = run_manage("shell", "-v", "0", "-c", show, DATABASE_URL=url)
    chosen = run_manage("shell", "-v", "0", "-c", show, DATABASE_URL=url, DB_CONNECT_TIMEOUT="2")
    in_url = run_manage("shell", "-v", "0", "-c", show, DATABASE_URL=url + "?connect_timeout=9")
    assert default.stdout.strip() == "5", default.stderr
    assert chosen.stdout.strip() == "2", chosen.stderr
    assert in_url.stdout.strip() == "9", in_url.stderr


def test_a_postgresql_that_never_answers_is_given_up_on() -> None:
    """A listener that takes the connection and says nothing, as a hung server does."""
    import socket
    import time

    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        port = silent.getsockname()[1]
        started = time.monotonic()
        environment = {
            k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}
        }
        try:
            result = subprocess.run(
                [
                    sys.executable,
                    "manage.py",
                    "shell",
                    "-v",
                    "0",
                    "-c",
                    "from django.db import connection\n"
                    "try:\n    connection.ensure_connection()\n"
                    "except Exception as error:\n    print(type(error).__name__)",
                ],
                cwd=ROOT,
                env={
                    **environment,
                    "DATABASE_URL": f"postgres://u@127.0.0.1:{port}/portal",
                    "DB_CONNECT_TIMEOUT": "2",
                },
                capture_output=True,
                text=True,
                check=False,
                timeout=30,
            )
        except subprocess.TimeoutExpired:
            pytest.fail("the connection still waited after 30 s")
        took = time.monotonic() - started
    assert result.stdout.strip() == "OperationalError", result.stderr
    assert took < 15


@pytest.mark.parametrize(
    ("given", "refusal"),
    [
        ({"OIDC_RSA_PRIVATE_KEY": ""}, "- Set OIDC_RSA_PRIVATE_KEY to the RSA private key"),
        ({"OIDC_RSA_PRIVATE_KEY": "not a key"}, "- OIDC_RSA_PRIVATE_KEY is no unencrypted PEM"),
        (
            {"OIDC_RSA_PRIVATE_KEY": _private_key_pem(ec.generate_private_key(ec.SECP256R1()))},
            "- OIDC_RSA_PRIVATE_KEY must be an RSA key",
        ),
        ({"WEBAUTHN_RP_ID": ""}, "- Set WEBAUTHN_RP_ID to the portal's public host name"),
        ({"WEBAUTHN_RP_ID": "localhost"}, "- Set WEBAUTHN_RP_ID to the portal's public host name"),
        ({"ALLOWED_HOSTS": ""}, "- Set ALLOWED_HOSTS to the portal's public host names"),
    ],
)
def test_production_settings_refuse_to_start_without_a_signing_key_chip_host_or_hosts(
    given: dict[str, str], refusal: str
) -> None:
    """Production started with an empty JWKS (token requests failed), the chip bound to
    localhost (chip logins failed) and Django's development ALLOWED_HOSTS."""
    environment = {k: v for k, v in {**PRODUCTION, **given}.items() if v}
    result = import_production_settings(**environment)
    assert result.returncode != 0
    assert refusal in result.stderr


def test_smtp_is_configured_from_the_environment() -> None:
    """Only the backend could be chosen: the relay, its login and TLS were Django's defaults."""
    result = run_manage(
        "shell",
        "-v",
        "0",
        "-c",
        "from django.core.mail import get_connection; "
        "c = get_connection('django.core.mail.backends.smtp.EmailBackend'); "
        "print(c.host, c.port, c.username, c.password, c.use_tls, c.use_ssl, c.timeout)",
        EMAIL_HOST="smtp.example",
        EMAIL_PORT="587",
        EMAIL_HOST_USER="portal",
        EMAIL_HOST_PASSWORD="relay-password",
        EMAIL_USE_TLS="true",
        EMAIL_TIMEOUT="7",
    )
    assert result.stdout.split() == [
        "smtp.example",
        "587",
        "portal",
        "relay-password",
        "True",
        "False",
        "7",
    ], result.stderr


def test_production_settings_refuse_both_tls_and_ssl_for_smtp() -> None:
    result = import_production_settings(**PRODUCTION, EMAIL_USE_TLS="true", EMAIL_USE_SSL="true")
    assert result.returncode != 0
    assert "- Set EMAIL_USE_TLS or EMAIL_USE_SSL, not both" in result.stderr


def test_the_procfiles_gunicorn_leaves_the_scheme_to_trusted_proxies(tmp_path: Path) -> None:
    """gunicorn believes `X-Forwarded-Proto` itself from the addresses in
    `--forwarded-allow-ips` (127.0.0.1 by default): a review found a local client, not one of
    `TRUSTED_PROXIES`, calling its plain HTTP request secure there, whatever the middleware
    dropped. The Procfile's web process, started as a deployer starts it, with no trusted
    proxy: the client's header changes nothing, and the page is sent to HTTPS."""
    import time

    import requests

    from tests.asgi_server import free_port

    web = next(
        line.split(":", 1)[1]
        for line in (ROOT / "Procfile").read_text().splitlines()
        if line.startswith("web:")
    )
    port = free_port()
    environment = {
        **{k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}},
        **PRODUCTION,
        "SECRET_KEY": "a-long-random-secret-" + "x" * 40,
        "DJANGO_SETTINGS_MODULE": "mitid_portal.settings.production",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "ALLOWED_HOSTS": "localhost",
        "TRUSTED_PROXIES": "none",
        "PORT": str(port),
        "WEB_CONCURRENCY": "1",
    }
    # Through a shell, as honcho and a deployer's unit run the Procfile's line.
    server = subprocess.Popen(  # noqa: S602 - the repository's own Procfile
        web, shell=True, cwd=ROOT, env=environment, start_new_session=True
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                answer = requests.get(
                    f"http://127.0.0.1:{port}/en/",
                    headers={"Host": "localhost", "X-Forwarded-Proto": "https"},
                    allow_redirects=False,
                    timeout=2,
                )
                break
            except requests.ConnectionError:
                assert server.poll() is None, "gunicorn exited"
                assert time.monotonic() < deadline, "gunicorn did not start"
                time.sleep(0.2)
        assert answer.status_code == 301
        assert answer.headers["Location"] == "https://localhost/en/"
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=10)
