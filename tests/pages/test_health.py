"""`/health/`: 200 with JSON when the parts answer, 503 naming the part that does not."""

import time
from typing import Any

import pytest
from django.db import OperationalError
from django.test import Client

from pages import health

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
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse() -> None:
        raise OperationalError("connection refused")

    monkeypatch.setattr(health, "probe_database", refuse)
    response = client.get("/health/")
    assert response.status_code == 503
    assert response.json()["down"] == ["database"]
    # Why it is down goes to the log, not to whoever asks.
    assert "refused" not in response.content.decode()


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
