"""`/health/`: 200 with JSON when the parts answer, 503 naming the part that does not."""

import logging
import time
from typing import Any

import pytest
from django.db import OperationalError
from django.test import Client, RequestFactory
from django.urls import resolve

from pages import health, logs

pytestmark = pytest.mark.django_db

NOBODY_LISTENS = "redis://127.0.0.1:1/0"
LOCMEM = "django.core.cache.backends.locmem.LocMemCache"


def test_the_embedded_defaults_are_healthy(client: Client, settings: Any) -> None:
    # As without REDIS_URL (the services suite sets it).
    settings.CACHES = {**settings.CACHES, "default": {"BACKEND": LOCMEM}}
    settings.CELERY_BROKER_URL = "memory://localhost/"
    response = client.get("/health/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"status": "ok", "down": [], "checks": {"database": "ok"}}
    assert "no-cache" in response["Cache-Control"]


def test_it_has_no_language_prefix(client: Client) -> None:
    assert client.get("/da/health/").status_code == 404
    assert client.head("/health/").status_code == 200
    assert client.post("/health/").status_code == 405


def test_a_database_that_does_not_answer_is_named(
    client: Client, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def refuse() -> None:
        raise OperationalError("connection refused")

    monkeypatch.setattr(health, "probe_database", refuse)
    response = client.get("/health/")
    assert response.status_code == 503
    assert response.json()["down"] == ["database"]
    # Why it is down goes to the log, not to whoever asks: one line, and no ERROR, on each of
    # the probes a monitor sends every few seconds.
    assert "refused" not in response.content.decode()
    logged = [(r.name, r.levelname, r.getMessage(), r.exc_info) for r in caplog.records]
    assert [line for line in logged if line[0] != "portal.access"] == [
        (
            "pages.health",
            "WARNING",
            "Health check: database does not answer (OperationalError: connection refused)",
            None,
        )
    ]


def test_only_the_health_checks_503_is_left_out_of_djangos_log() -> None:
    quiet = logs.QuietHealthProbes()

    def answered(path: str, status: int) -> logging.LogRecord:
        record = logging.LogRecord("django.request", logging.ERROR, __file__, 1, "", None, None)
        request = RequestFactory().get(path)
        request.resolver_match = resolve(path)  # as the handler sets it
        record.status_code, record.request = status, request
        return record

    assert not quiet.filter(answered("/health/", 503))
    assert not quiet.filter(answered("/health/delivery/", 503))
    assert quiet.filter(answered("/health/", 500))  # a fault in the view itself
    assert quiet.filter(answered("/da/nemid/login/", 503))  # a citizen turned away


@pytest.mark.services
def test_a_redis_where_nobody_listens_is_named_quickly(client: Client, settings: Any) -> None:
    settings.CACHES = {
        **settings.CACHES,
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": NOBODY_LISTENS,
        },
    }
    settings.CELERY_BROKER_URL = NOBODY_LISTENS
    started = time.monotonic()
    response = client.get("/health/")
    assert time.monotonic() - started < 2 * health.PROBE_TIMEOUT_SECONDS
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "down"
    assert body["down"] == ["redis_cache", "celery_broker"]
    assert body["checks"]["database"] == "ok"


@pytest.mark.services
def test_the_real_services_are_healthy(client: Client, settings: Any) -> None:
    if not settings.REDIS_URL:
        pytest.skip("needs REDIS_URL (make test-services)")
    response = client.get("/health/")
    assert response.status_code == 200, response.json()
    assert set(response.json()["checks"]) == {"database", "redis_cache", "celery_broker"}
