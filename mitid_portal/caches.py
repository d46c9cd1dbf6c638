"""Django's Redis cache, with one redis-py client per connection pool; the fragments' cache.

Django makes a new `redis.Redis` for every cache operation, and redis-py 8 fills some 170
response callbacks for each: about half the CPU of the App API's nonce `SET`. A client is
safe to share between threads (its connections come from the pool), so one per pool will do.
"""

import re
from typing import Any

from django.core.cache.backends.base import MEMCACHE_MAX_KEY_LENGTH
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache, RedisCacheClient


class SharedClientRedisCacheClient(RedisCacheClient):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, Any] = {}

    def get_client(self, key: Any = None, *, write: bool = False) -> Any:
        # Django's private helpers, as its own get_client uses them (not in django-stubs).
        pool = self._get_connection_pool(write)  # type: ignore[attr-defined]
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)  # type: ignore[attr-defined]
        return client


class SharedClientRedisCache(RedisCache):
    def __init__(self, server: str, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._class = SharedClientRedisCacheClient


# Django's test of a key's characters, compiled here: Django's own is a lazy object, and every
# search through it costs more than the rest of a fragment's lookup (`FragmentCache`).
_UNFIT_FOR_MEMCACHED = re.compile(r"[\x00-\x20\x7f]")


class FragmentCache(LocMemCache):
    """The layout's kept fragments (settings' FRAGMENT_CACHE): a page looks up ten or more.
    A key is checked as Django checks it (a warning for a key memcached would refuse), where
    every key passes at once; only one that does not goes through Django's own warnings."""

    def validate_key(self, key: str) -> None:
        if len(key) > MEMCACHE_MAX_KEY_LENGTH or _UNFIT_FOR_MEMCACHED.search(key):
            super().validate_key(key)
