"""Sessions in the database, as Django keeps them, without two statements every login paid."""

from django.contrib.sessions.backends import db
from django.contrib.sessions.backends.base import VALID_KEY_CHARS, CreateError, UpdateError
from django.db import DatabaseError, IntegrityError, connections, router
from django.utils.crypto import get_random_string


class SessionStore(db.SessionStore):
    """Django's database sessions (SESSION_ENGINE = "mitid_portal.sessions"), with:

    - no look-up of a new key before it is used: 32 random characters do not collide in
      practice, and if two ever did, the INSERT would fail and `create` would draw again
      (`CreateError`), as it already must for two requests racing between look-up and INSERT;
    - the old key, when logging in gives the session a new one, removed in one DELETE rather
      than a SELECT and a DELETE;
    - the new key's row written once, when the response saves the session, rather than
      INSERTed with the old data by `cycle_key` and UPDATEd with the new at the end;
    - a save outside a transaction sent as its one statement, not between a BEGIN and a
      COMMIT: Django's store opens a transaction so that a failed INSERT cannot spoil a
      transaction around it, and without one around it there is nothing to spoil.
    """

    def _get_new_session_key(self) -> str:
        return get_random_string(32, VALID_KEY_CHARS)

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

    def cycle_key(self) -> None:
        """A new key for the same data, drawn when the session is next saved (by the response,
        with everything the request put in it): one INSERT, where Django's `cycle_key` INSERTs
        the old data at once and the response UPDATEs it. The old row goes at once."""
        data = dict(self.items())
        key = self.session_key
        self._session_key = None
        self._session_cache = data
        self.modified = True
        if key:
            self.delete(key)

    def delete(self, session_key: str | None = None) -> None:
        if session_key is None:
            if self.session_key is None:
                return
            session_key = self.session_key
        # By primary key, without loading the row: one DELETE, outside any transaction.
        self.model(session_key=session_key).delete()
