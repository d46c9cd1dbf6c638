"""Sessions in the database, as Django keeps them, without two statements every login paid."""

import secrets
from datetime import datetime
from typing import Any

from django.contrib.sessions.backends import db
from django.contrib.sessions.backends.base import VALID_KEY_CHARS, CreateError, UpdateError
from django.contrib.sessions.models import Session
from django.db import DatabaseError, IntegrityError, connections, router, transaction
from django.utils import timezone

from authenticators.queries import OneByKey

_KEY_LENGTH = 32
_KEY_SPACE = len(VALID_KEY_CHARS) ** _KEY_LENGTH

# Every page with a session reads its row by its key: the SQL compiled once a connection.
_row_of = OneByKey(Session, lambda key: Session.objects.filter(session_key=key))


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
      transaction around it, and without one around it there is nothing to spoil.
    """

    # When the row as loaded ends (None: not loaded, or no row): `login.session_time` saves a
    # session whose row has nearly its full time only when something else changed it.
    stored_expiry: datetime | None = None

    def _get_session_from_db(self) -> Session | None:
        """The session's row, as Django's store finds it: none for a key without one, or
        whose row has expired (the key is then forgotten, and a save draws a new one)."""
        row = _row_of(self.session_key) if self.session_key else None
        if row is None or row.expire_date <= timezone.now():
            self._session_key = None
            return None
        return row

    def load(self) -> dict[str, Any]:
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

    def save(self, must_create: bool = False) -> None:
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
        self._replaces = self._replaces or self.session_key
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
        # By primary key, without loading the row: one DELETE, outside any transaction.
        self.model(session_key=session_key).delete()
