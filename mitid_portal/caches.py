"""Django's Redis cache, with one redis-py client per connection pool; the fragments' cache.

Django makes a new `redis.Redis` for every cache operation, and redis-py 8 fills some 170
response callbacks for each: about half the CPU of the App API's nonce `SET`. A client is
safe to share between threads (its connections come from the pool), so one per pool will do.
"""

import pickle
from typing import Any

from django.core.cache.backends.base import DEFAULT_TIMEOUT, MEMCACHE_MAX_KEY_LENGTH
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from django.utils.safestring import SafeString


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


# What a fragment is: text, which cannot change once made, so it is kept as it is.
_TEXT = (str, SafeString)


class FragmentCache(LocMemCache):
    """The layout's kept fragments (settings' FRAGMENT_CACHE): a page looks up ten or more.
    A key is checked as Django checks it (a warning for a key memcached would refuse), where
    every key passes at once; only one that does not goes through Django's own warnings.

    A fragment's text (`str`, or `SafeString` as templates make it) is kept as the object
    itself, not pickled: Django's local-memory cache pickles every value so that no caller
    can change what another gets, which text cannot be, and unpickling a SafeString (finding
    its class anew) cost more than the rest of a lookup. Any other value is pickled as Django
    pickles it. `get` and `set` are LocMemCache's own, but for the pickling."""

    # LocMemCache's private members, as its own get and set use them (not in django-stubs).
    def get(self, key: str, default: Any = None, version: int | None = None) -> Any:
        key = self.make_and_validate_key(key, version=version)
        store: Any = self
        with store._lock:
            if store._has_expired(key):
                store._delete(key)
                return default
            kept = store._cache[key]
            store._cache.move_to_end(key, last=False)
        return kept if type(kept) in _TEXT else pickle.loads(kept)  # noqa: S301 (as Django)

    def set(
        self,
        key: str,
        value: Any,
        timeout: float | None = DEFAULT_TIMEOUT,
        version: int | None = None,
    ) -> None:
        if type(value) not in _TEXT:
            super().set(key, value, timeout, version)
            return
        key = self.make_and_validate_key(key, version=version)
        store: Any = self
        with store._lock:
            store._set(key, value, timeout)

    def validate_key(self, key: str) -> None:
        # Memcached refuses a space and control characters (below 33, and 127), which are
        # none of them printable but the space: one pass over the key in C, where a pattern
        # tried each character in turn. Any other key, Django checks and warns of.
        if len(key) > MEMCACHE_MAX_KEY_LENGTH or not key.isprintable() or " " in key:
            super().validate_key(key)
