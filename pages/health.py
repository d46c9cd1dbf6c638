"""`/health/`: whether the parts the portal needs answer, for a load balancer or a monitor.

The database always; the Redis cache and the Celery broker when they are configured (the
embedded defaults keep both in the process, where there is nothing to ask). 200 when all
answer, 503 naming the parts that do not; the reasons go to the log (a line each, and not
Django's line for a 5xx answer), not to the caller.
Each probe gives up after `PROBE_TIMEOUT_SECONDS`, so a part that hangs cannot hang the check.
"""

import logging
from collections.abc import Callable
from typing import Any, cast

import redis
from django.conf import settings
from django.core.cache.backends.redis import RedisCache
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.utils.module_loading import import_string
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from kombu import Connection

logger = logging.getLogger(__name__)

PROBE_TIMEOUT_SECONDS = 2


def probe_database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        if cursor.fetchone() != (1,):
            raise RuntimeError("SELECT 1 did not answer 1")


def probe_redis_cache() -> None:
    location = default_cache()["LOCATION"]
    url = location if isinstance(location, str) else location[0]
    client = redis.Redis.from_url(
        url, socket_connect_timeout=PROBE_TIMEOUT_SECONDS, socket_timeout=PROBE_TIMEOUT_SECONDS
    )
    try:
        client.ping()
    finally:
        client.close()


def probe_celery_broker() -> None:
    timeout = PROBE_TIMEOUT_SECONDS
    with Connection(
        settings.CELERY_BROKER_URL,
        connect_timeout=timeout,
        transport_options={"socket_timeout": timeout, "socket_connect_timeout": timeout},
    ) as broker:
        broker.ensure_connection(max_retries=1, interval_start=0, interval_step=0, timeout=timeout)


def default_cache() -> dict[str, Any]:
    return cast(dict[str, Any], settings.CACHES["default"])


def configured_probes() -> dict[str, Callable[[], None]]:
    probes: dict[str, Callable[[], None]] = {"database": probe_database}
    # Django's Redis cache, or one built on it (the portal's shares its client).
    if issubclass(import_string(default_cache()["BACKEND"]), RedisCache):
        probes["redis_cache"] = probe_redis_cache
    if not settings.CELERY_BROKER_URL.startswith("memory://"):
        probes["celery_broker"] = probe_celery_broker
    return probes


@never_cache
@require_safe
def health(request: HttpRequest) -> JsonResponse:
    checks = {}
    for name, probe in configured_probes().items():
        try:
            probe()
        except Exception as failure:
            # One line a part and probe, without a traceback: a monitor asks every few seconds.
            logger.warning(
                "Health check: %s does not answer (%s: %s)", name, type(failure).__name__, failure
            )
            checks[name] = "down"
        else:
            checks[name] = "ok"
    down = [name for name, outcome in checks.items() if outcome != "ok"]
    return JsonResponse(
        {"status": "down" if down else "ok", "down": down, "checks": checks},
        status=503 if down else 200,
    )
