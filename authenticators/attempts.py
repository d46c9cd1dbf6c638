"""Counting failed attempts that belong to no device (codes, serials, unknown user-IDs).

A subject is locked for `AUTHENTICATOR_LOCK_MINUTES` once it has `limit` failures.
"""

import hashlib
from datetime import datetime, timedelta

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

MAX_FAILURES = 5


def _key(scope: str, subject: str) -> str:
    # User-IDs may hold spaces and punctuation, which cache keys may not.
    return f"attempts:{scope}:{hashlib.sha256(subject.encode()).hexdigest()}"


def locked_until(scope: str, subject: str) -> datetime | None:
    """When the lock on `subject` ends, if it is locked now."""
    until = cache.get(_key(scope, subject) + ":until")
    return until if isinstance(until, datetime) and until > timezone.now() else None


def is_locked(scope: str, subject: str) -> bool:
    return locked_until(scope, subject) is not None


def count_failure(scope: str, subject: str, *, limit: int = MAX_FAILURES) -> None:
    key = _key(scope, subject)
    timeout = settings.AUTHENTICATOR_LOCK_MINUTES * 60
    cache.add(key, 0, timeout=timeout)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=timeout)
        count = 1
    if count >= limit:
        cache.set(key + ":until", timezone.now() + timedelta(seconds=timeout), timeout=timeout)
        cache.delete(key)
