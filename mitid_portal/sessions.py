"""Sessions in the database, as Django keeps them, without two statements every login paid;
and a relying party's login, until the citizen types their user-ID, kept in the browser."""

import secrets
from datetime import datetime
from functools import cache
from typing import Any

from django.conf import settings
from django.contrib.sessions.backends import db
from django.contrib.sessions.backends.base import VALID_KEY_CHARS, CreateError, UpdateError
from django.contrib.sessions.base_session import AbstractBaseSession
from django.core import signing
from django.db import DatabaseError, IntegrityError, connections, router, transaction
from django.db.models.sql import DeleteQuery
from django.utils import timezone

from authenticators.queries import OneByKey, compiled
from login.session import BEHALF_KEY
from relying_parties.attempts import KEY as ATTEMPTS_KEY
from relying_parties.attempts import as_asked

_KEY_LENGTH = 32
_KEY_SPACE = len(VALID_KEY_CHARS) ** _KEY_LENGTH


@cache
def _rows_of(model: type[AbstractBaseSession]) -> OneByKey[AbstractBaseSession]:
    """Every page with a session reads its row by its key: the SQL compiled once a connection."""
    return OneByKey(model, lambda key: model.objects.filter(session_key=key))


# What a session may hold and still be kept in the browser rather than in a row: a relying
# party's authorization requests, as checked, and the login begun for the latest. Both are
# what the party's address said (its name, the text to approve, the redirect URI, state, nonce
# and PKCE challenge): nothing the citizen proved, nothing secret. The user-ID typed makes the
# session a row under a new key, as the portal's own login does at the same request.
IN_BROWSER = frozenset({ATTEMPTS_KEY, BEHALF_KEY})
_IN_BROWSER_SALT = "mitid_portal.sessions.in_browser"
# A longer cookie (many attempts, long transaction texts) is kept in a row: browsers refuse
# cookies over 4096 bytes, with the name and attributes.
_IN_BROWSER_LONGEST = 3000


def _only_as_asked(data: dict[str, Any]) -> bool:
    """The parties' attempts in the session hold only what the parties asked
    (`relying_parties.attempts.as_asked`): a cookie can be read by whoever holds it."""
    held = data.get(ATTEMPTS_KEY, {})
    return isinstance(held, dict) and as_asked(held)


def in_browser(session_key: str | None) -> bool:
    """Whether the cookie holds the session itself (signed), not the key of its row: a
    signed value has colons, which no key of ours (VALID_KEY_CHARS) has."""
    return session_key is not None and ":" in session_key


class SessionStore(db.SessionStore):
    """Django's database sessions (SESSION_ENGINE = "mitid_portal.sessions"), with:

    - no look-up of a new key before it is used: 32 random characters do not collide in
      practice, and if two ever did, the INSERT would fail and `create` would draw again
      (`CreateError`), as it already must for two requests racing between look-up and INSERT;
    - when logging in gives the session a new key, the old row renamed to it, with the data
      the request put in it, in one UPDATE when the response saves the session: Django's
      `cycle_key` INSERTs the new key's row with the old data, SELECTs and DELETEs the old
      row, and the response UPDATEs the new one;
    - the row read by its key with SQL compiled once a connection (`OneByKey`), its expiry
      compared here, where Django compiles `expire_date > now` into the query each time;
    - the loaded row's expiry kept (`stored_expiry`), so that a page need not save the session
      only to learn how long it has;
    - a save outside a transaction sent as its one statement, not between a BEGIN and a
      COMMIT: Django's store opens a transaction so that a failed INSERT cannot spoil a
      transaction around it, and without one around it there is nothing to spoil;
    - a new session that holds only a party's authorization requests and the login begun for
      them (`IN_BROWSER`) kept in the cookie, signed and timestamped (django.core.signing,
      as Django's cookie sessions), not in a row: a party's authorization request writes no
      row, and the user-ID typed next writes one INSERT, as the portal's own login does,
      where it read the row and renamed it. A cookie whose signature fails, or older than
      SESSION_COOKIE_AGE, is no session, as a key without a row is. Whoever holds the cookie
      holds what the party's address said, which the browser's Back sends again anyway;
      once anything else is put in the session (the user-ID, a login, a message), it is a
      row, under a key nobody else can know.
    """

    # When the row as loaded ends (None: not loaded, or no row): `login.session_time` saves a
    # session whose row has nearly its full time only when something else changed it.
    stored_expiry: datetime | None = None

    def _get_session_from_db(self) -> AbstractBaseSession | None:
        """The session's row, as Django's store finds it: none for a key without one, or
        whose row has expired (the key is then forgotten, and a save draws a new one)."""
        row = _rows_of(self.model)(self.session_key) if self.session_key else None
        if row is None or row.expire_date <= timezone.now():
            self._session_key = None
            return None
        return row

    def load(self) -> dict[str, Any]:
        if in_browser(self.session_key):
            return self._load_from_cookie()
        row = self._get_session_from_db()
        self.stored_expiry = row.expire_date if row else None
        return self.decode(row.session_data) if row else {}

    def _get_new_session_key(self) -> str:
        """As Django's: 32 characters of VALID_KEY_CHARS, each as likely; drawn as one number
        below 36**32, one read of the system's randomness (get_random_string makes a draw, and
        a read, for each character: a hundredth of a login's instructions)."""
        number = secrets.randbelow(_KEY_SPACE)
        characters = []
        for _ in range(_KEY_LENGTH):
            number, digit = divmod(number, len(VALID_KEY_CHARS))
            characters.append(VALID_KEY_CHARS[digit])
        return "".join(characters)

    async def _aget_new_session_key(self) -> str:
        return self._get_new_session_key()

    async def aload(self) -> dict[str, Any]:
        if in_browser(self.session_key):
            return self._load_from_cookie()
        loaded: dict[str, Any] = await super().aload()
        return loaded

    def _load_from_cookie(self) -> dict[str, Any]:
        self.stored_expiry = None
        try:
            data = signing.loads(
                str(self.session_key), salt=_IN_BROWSER_SALT, max_age=settings.SESSION_COOKIE_AGE
            )
        except signing.BadSignature:  # forged, or too old (SignatureExpired)
            data = None
        if not isinstance(data, dict) or not data.keys() <= IN_BROWSER or not _only_as_asked(data):
            self._session_key = None  # as for a key without a row: a new session
            return {}
        return data

    def _signed_for_browser(self) -> str | None:
        """The session as the cookie may keep it, or None when it must have a row."""
        data = self._get_session()  # type: ignore[attr-defined]
        if not data or not data.keys() <= IN_BROWSER:
            return None
        if not _only_as_asked(data):
            return None  # what the citizen did or proved is kept in a row, unread by anyone
        try:
            signed = signing.dumps(data, salt=_IN_BROWSER_SALT, compress=True)
        except (TypeError, ValueError):  # not JSON: a row keeps it as it is
            return None
        return signed if len(signed) <= _IN_BROWSER_LONGEST else None

    def exists(self, session_key: str) -> bool:
        return False if in_browser(session_key) else bool(super().exists(session_key))

    def save(self, must_create: bool = False) -> None:
        if (
            not must_create
            and self._replaces is None
            and (self.session_key is None or in_browser(self.session_key))
        ):
            # A session without a row: kept in the cookie while it may be; else a row of its
            # own, under a new key (`create`).
            signed = self._signed_for_browser()
            if signed is not None:
                self._session_key = signed
                return
            self._session_key = None
        using = router.db_for_write(self.model)
        if self.session_key is None or connections[using].in_atomic_block:
            super().save(must_create)
            return
        data = self._get_session(no_load=must_create)  # type: ignore[attr-defined]
        row = self.create_model_instance(data)
        try:
            row.save(force_insert=must_create, force_update=not must_create, using=using)
        except IntegrityError as error:
            if must_create:
                raise CreateError from error
            raise
        except DatabaseError as error:
            if not must_create:
                raise UpdateError from error
            raise

    # The key whose row the next save renames (set by `cycle_key`).
    _replaces: str | None = None

    def cycle_key(self) -> None:
        """A new key for the same data, drawn when the session is next saved (by the response,
        with everything the request put in it), which renames the old row: until then the old
        key still finds the session as it was before this request."""
        data = dict(self.items())
        # A session kept in the cookie has no row to rename: the next save writes one.
        self._replaces = self._replaces or (
            None if in_browser(self.session_key) else self.session_key
        )
        self._session_key = None
        self._session_cache = data
        self.modified = True

    def create(self) -> None:
        """A row for a session without a key: after `cycle_key`, the old row renamed to a new
        key in one UPDATE (a new row if the old one has gone); else Django's INSERT."""
        replaces, self._replaces = self._replaces, None
        if replaces is None:
            super().create()
            return
        using = router.db_for_write(self.model)
        while True:
            self._session_key = self._get_new_session_key()
            row = self.create_model_instance(self._get_session(no_load=True))  # type: ignore[attr-defined]
            rename = self.model.objects.using(using).filter(session_key=replaces)
            fields = {
                "session_key": row.session_key,
                "session_data": row.session_data,
                "expire_date": row.expire_date,
            }
            try:
                # Inside a transaction a taken key must fail only its own statement.
                if connections[using].in_atomic_block:
                    with transaction.atomic(using=using):
                        renamed = rename.update(**fields)
                else:
                    renamed = rename.update(**fields)
            except IntegrityError:
                continue  # the key drawn is taken: draw again
            break
        if not renamed:  # the old row had gone (it expired, or was removed meanwhile)
            self._session_key = None
            super().create()
            return
        self.modified = True

    def flush(self) -> None:
        """Logging out: the old row goes too when the key was cycled in this request."""
        replaces, self._replaces = self._replaces, None
        if replaces:
            self.delete(replaces)
        super().flush()

    def delete(self, session_key: str | None = None) -> None:
        if session_key is None:
            if self.session_key is None:
                return
            session_key = self.session_key
        if in_browser(session_key):
            return  # no row: the response drops the cookie
        # By primary key, without loading the row: one DELETE, outside any transaction, its
        # SQL compiled once (a model's delete() collects and compiles at every log-out).
        using = router.db_for_write(self.model)
        with connections[using].cursor() as cursor:
            cursor.execute(_delete_statement(using), [session_key])


@cache
def _delete_statement(alias: str) -> str:
    """The DELETE of one session's row by its key, compiled by the ORM once for each
    database."""
    rows = SessionStore.get_model_class().objects.using(alias).filter(pk=_STAND_IN_KEY)
    return compiled(rows.query.chain(DeleteQuery), alias, [_STAND_IN_KEY])


_STAND_IN_KEY = "stand-in key"
