"""With REDIS_URL the cache is Redis, through one redis-py client per connection pool."""

import uuid

import pytest
from django.conf import settings
from django.core.cache import cache

pytestmark = [
    pytest.mark.services,
    pytest.mark.skipif(not settings.REDIS_URL, reason="needs REDIS_URL"),
]


def test_the_cache_answers_through_one_kept_client() -> None:
    key = f"nonce-check:{uuid.uuid4().hex}"
    assert cache.add(key, "first", timeout=5)
    assert not cache.add(key, "second", timeout=5)  # what refuses a replayed request
    assert cache.get(key) == "first"
    client = cache._cache.get_client(key, write=True)  # type: ignore[attr-defined]
    assert cache._cache.get_client(key) is client  # type: ignore[attr-defined]
    cache.delete(key)
