"""Counting failed attempts that belong to no device: codes, serials, unknown user-IDs, and
clients (by the one client address, `pages.clients`).

A subject is locked for `minutes` (AUTHENTICATOR_LOCK_MINUTES unless said) once it has
`limit` failures. A client's limit is checked before any password is hashed, so a flood from
one address costs the portal next to nothing and does not touch another address.
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


def count_failure(
    scope: str, subject: str, *, limit: int = MAX_FAILURES, minutes: int | None = None
) -> None:
    key = _key(scope, subject)
    timeout = (minutes or settings.AUTHENTICATOR_LOCK_MINUTES) * 60
    cache.add(key, 0, timeout=timeout)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=timeout)
        count = 1
    if count >= limit:
        cache.set(key + ":until", timezone.now() + timedelta(seconds=timeout), timeout=timeout)
        cache.delete(key)


def client_locked_until(scope: str, client: str) -> datetime | None:
    """When `client` (an address from `pages.clients.client_address`) may try `scope` (a
    login) again, if it has failed too often."""
    return locked_until(f"client:{scope}", client)


def count_client_failure(scope: str, client: str) -> None:
    count_failure(
        f"client:{scope}",
        client,
        limit=settings.CLIENT_FAILURES_PER_WINDOW,
        minutes=settings.CLIENT_FAILURE_WINDOW_MINUTES,
    )
