"""The parties' clients, read with their party, kept in the cache between requests.

A party's login reads its client three times (the authorization request, the way back with
the code, the token request), and each read was a query joining two tables of two dozen
columns: most of what the way back and the authorization request spent of their own. A client
changes when staff edit it, seldom; it is kept in the cache (Redis when `REDIS_URL` is set,
shared by every server process) for RELYING_PARTY_CACHE_SECONDS.

Every change to any client or party, once committed, writes a new generation, and a client is
taken from the cache only if it was kept in the generation that is current: a secret replaced,
an address struck off or a party deleted in the admin holds from the next request, in every
process. (A read that met the old row just before the change commits keeps it under the old
generation, which no one takes.) A change made around the ORM (an UPDATE by hand) is seen when
the kept client expires. When the cache does not answer, the database does.
"""

import hashlib
import logging
import secrets
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from oauth2_provider.models import get_application_model

from authenticators.queries import one
from pages import outages

log = logging.getLogger(__name__)

GENERATION = "relying-parties:generation"
UNANSWERED = "Relying parties are read from the database: the cache does not answer"


def _key(client_id: str) -> str:
    # A client ID may hold any character; a cache key may not.
    return f"relying-parties:client:{hashlib.sha256(client_id.encode()).hexdigest()}"


def client_for(client_id: str) -> Any | None:
    """The client (with its party as `relying_party`, if it is one) of `client_id`."""
    key = _key(client_id)
    try:
        kept = cache.get_many([GENERATION, key])
    except outages.OUTAGES as failure:
        outages.warn(log, UNANSWERED, failure)
        return _read(client_id)
    generation = kept.get(GENERATION)
    if generation is not None and key in kept and kept[key][0] == generation:
        client: Any = kept[key][1]
        return client
    client = _read(client_id)
    if client is not None:
        try:
            if generation is None:  # the first read, or the cache was emptied: start one
                generation = secrets.token_hex(8)
                if not cache.add(GENERATION, generation, timeout=None):
                    return client  # another process started it meanwhile: keep nothing now
            cache.set(key, (generation, client), settings.RELYING_PARTY_CACHE_SECONDS)
        except outages.OUTAGES as failure:
            outages.warn(log, UNANSWERED, failure)
    return client


def _read(client_id: str) -> Any | None:
    return one(
        get_application_model().objects.select_related("relying_party").filter(client_id=client_id)
    )


def forget_all() -> None:
    """Every kept client is old from now: a new generation, once the change is committed."""
    transaction.on_commit(_new_generation)


def _new_generation() -> None:
    try:
        cache.set(GENERATION, secrets.token_hex(8), timeout=None)
    except outages.OUTAGES as failure:
        # Kept clients stay usable until they expire: say so where staff will see it.
        log.error("A relying party changed, and the cache did not hear it (%s)", failure)


def changed(**kwargs: Any) -> None:
    """The signal receiver for a client or a party saved or deleted (apps.py)."""
    forget_all()
