"""Counting failed activation attempts that belong to no device yet (codes, serials)."""

import hashlib

from django.conf import settings
from django.core.cache import cache

MAX_FAILURES = 5


def _key(scope: str, subject: str) -> str:
    # User-IDs may hold spaces and punctuation, which cache keys may not.
    return f"attempts:{scope}:{hashlib.sha256(subject.encode()).hexdigest()}"


def is_locked(scope: str, subject: str) -> bool:
    return int(cache.get(_key(scope, subject), 0)) >= MAX_FAILURES


def count_failure(scope: str, subject: str) -> None:
    key = _key(scope, subject)
    timeout = settings.AUTHENTICATOR_LOCK_MINUTES * 60
    cache.add(key, 0, timeout=timeout)
    try:
        cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=timeout)
