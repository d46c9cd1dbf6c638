"""Emptying the cache within a test without touching anyone else's keys."""

from django.conf import settings
from django.core.cache import cache


def empty_cache() -> None:
    """Forget this test's cached counts. The local-memory cache is simply cleared; in Redis,
    which parallel test processes share with the channel layer and the Celery broker, only
    keys under this test's prefix go (a FLUSHDB would wipe another process's test mid-way)."""
    default = settings.CACHES["default"]
    if "locmem" in default["BACKEND"].lower():
        cache.clear()
        return
    client = cache._cache.get_client(None, write=True)  # type: ignore[attr-defined]
    keys = list(client.scan_iter(match=f"{default.get('KEY_PREFIX', '')}:*"))
    if keys:
        client.delete(*keys)
