"""The parties' clients, read with their party, kept in the cache between requests.

A party's login reads its client three times (the authorization request, the way back with
the code, the token request), and each read was a query joining two tables of two dozen
columns: most of what the way back and the authorization request spent of their own. A client
changes when staff edit it, seldom; it is kept in the cache (Redis when `REDIS_URL` is set,
shared by every server process) for RELYING_PARTY_CACHE_SECONDS.

A client is taken from the cache only if it was kept in the generation that is current, and
every change to a client or party writes a new one twice: as it is saved, so that a change the
cache did not hear fails (and is rolled back) instead of holding only when the kept client
expires; and once it is committed, because a read between the two met the old row and kept it
under the first. So a secret replaced, an address struck off, the CPR number taken from a party
or a party deleted holds from the next request, in every process. A change made around the ORM
(an UPDATE by hand, a migration) is seen when the kept client expires, as is one made beside a
server that has no Redis (each process then has its own cache). When the cache does not answer
a read, the database does.

The changes are heard through Django's signals: the admin's screens and django-oauth-toolkit
save clients with code of theirs, which no service of ours sees.

The cache holds the client as stored, with its secret's hash: Redis must be kept as private as
the database.
"""

import hashlib
import logging
import secrets
from typing import Any

import django
import oauth2_provider
from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from oauth2_provider.models import AbstractApplication, get_application_model
from redis.exceptions import RedisError

from authenticators.queries import one
from pages import outages

log = logging.getLogger(__name__)

# Kept model instances are pickles: a new Django or django-oauth-toolkit takes none of the old.
PREFIX = f"relying-parties:{django.get_version()}:{oauth2_provider.__version__}"
GENERATION = f"{PREFIX}:generation"
UNANSWERED = "Relying parties are read from the database: the cache does not answer"


def _key(client_id: str) -> str:
    # A client ID may hold any character; a cache key may not.
    return f"{PREFIX}:client:{hashlib.sha256(client_id.encode()).hexdigest()}"


def client_for(client_id: str) -> AbstractApplication | None:
    """The client (with its party as `relying_party`, if it is one) of `client_id`."""
    if not could_exist(client_id):
        return None
    key = _key(client_id)
    try:
        kept = cache.get_many([GENERATION, key])
    except RedisError as failure:
        _unanswered(failure)
        return _read(client_id)
    generation = kept.get(GENERATION)
    if generation is not None and key in kept and kept[key][0] == generation:
        client: AbstractApplication = kept[key][1]
        return client
    client_read = _read(client_id)
    if client_read is not None:
        try:
            if generation is None:  # the first read, or the cache was emptied: start one
                generation = secrets.token_hex(8)
                if not cache.add(GENERATION, generation, timeout=None):
                    return client_read  # another process started one meanwhile: keep nothing
            cache.set(key, (generation, client_read), settings.RELYING_PARTY_CACHE_SECONDS)
        except RedisError as failure:
            _unanswered(failure)
    return client_read


def is_native(client: AbstractApplication) -> bool:
    """A public client: a native app (RFC 8252), whose loopback redirect's port the system
    gives it anew each time; a party's server keeps its secret and its port."""
    return bool(client.client_type == AbstractApplication.CLIENT_PUBLIC)


def could_exist(client_id: str) -> bool:
    """A NUL byte is in no client ID: neither database takes one in a query (SQLite refuses it,
    PostgreSQL's text cannot hold it)."""
    return "\x00" not in client_id


def _read(client_id: str) -> AbstractApplication | None:
    return one(
        get_application_model().objects.select_related("relying_party").filter(client_id=client_id)
    )


def _unanswered(failure: RedisError) -> None:
    """A read goes on without the cache (Redis down, full, read-only); not when Redis refuses
    the portal's credentials, a configuration to mend (`pages.outages`)."""
    if isinstance(failure, outages.REFUSALS):
        raise failure
    outages.warn(log, UNANSWERED, failure)


def _new_generation() -> None:
    cache.set(GENERATION, secrets.token_hex(8), timeout=None)


def changed(**kwargs: Any) -> None:
    """The signal receiver for a client or a party saved or deleted (apps.py): a new generation
    now, which must be written, and another once the change is committed."""
    _new_generation()
    transaction.on_commit(_new_generation_committed, robust=True)


def _new_generation_committed() -> None:
    try:
        _new_generation()
    except RedisError as failure:
        # What was read between the change and its commit stays usable until it expires.
        log.error("A relying party changed, and the cache did not hear its commit (%s)", failure)
