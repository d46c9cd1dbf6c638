"""The session store: Django's database sessions, two statements lighter per login."""

import secrets
import time
from datetime import timedelta
from typing import Any
from unittest import mock

import pytest
from django.contrib.sessions.backends.base import UpdateError
from django.contrib.sessions.backends.db import SessionStore as DjangosStore
from django.contrib.sessions.models import Session
from django.core import signing
from django.db import connection, transaction
from django.db.models.sql.compiler import SQLDeleteCompiler
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from login.session import BEHALF_KEY
from mitid_portal.sessions import SessionStore, in_browser
from relying_parties.attempts import KEY as ATTEMPTS_KEY

pytestmark = pytest.mark.django_db(transaction=True)


def statements(run) -> list[str]:  # type: ignore[no-untyped-def]
    with CaptureQueriesContext(connection) as captured:
        run()
    return [q["sql"].split()[0] for q in captured.captured_queries]


def test_a_new_session_is_written_without_looking_its_key_up_first() -> None:
    store = SessionStore()
    store["x"] = 1
    assert statements(store.save) == ["INSERT"]  # no look-up, no BEGIN and COMMIT around it
    assert SessionStore(store.session_key)["x"] == 1
    store["x"] = 2
    assert statements(store.save) == ["UPDATE"]
    assert SessionStore(store.session_key)["x"] == 2


def test_a_session_saved_inside_a_transaction_cannot_spoil_it() -> None:
    """Inside a transaction the store keeps Django's savepoint: a key drawn twice fails
    only its own INSERT, and the transaction goes on."""
    first = SessionStore()
    first["who"] = "first"
    first.save()
    with transaction.atomic():
        with mock.patch.object(
            SessionStore, "_get_new_session_key", side_effect=[first.session_key, "g" * 32]
        ):
            second = SessionStore()
            second["who"] = "second"
            second.save()
        assert Session.objects.filter(pk="g" * 32).exists()
    assert SessionStore(first.session_key)["who"] == "first"


def test_a_session_deleted_meanwhile_is_an_update_error() -> None:
    store = SessionStore()
    store["x"] = 1
    store.save()
    Session.objects.filter(pk=store.session_key).delete()
    store["x"] = 2
    with pytest.raises(UpdateError):
        store.save()


def test_a_key_drawn_twice_is_drawn_again_not_shared() -> None:
    first = SessionStore()
    first["who"] = "first"
    first.save()
    taken, fresh = first.session_key, "f" * 32
    with mock.patch.object(SessionStore, "_get_new_session_key", side_effect=[taken, fresh]):
        second = SessionStore()
        second["who"] = "second"
        second.save()
    assert second.session_key == fresh
    assert SessionStore(taken)["who"] == "first"


def test_a_new_key_at_login_renames_the_old_row_in_one_statement() -> None:
    store = SessionStore()
    store["x"] = 1
    store.save()
    old = store.session_key
    assert statements(lambda: store.cycle_key()) == []
    assert SessionStore(old)["x"] == 1  # until the response saves, the old key finds the old data
    store["logged_in"] = True
    assert statements(store.save) == ["UPDATE"]
    assert store.session_key != old
    assert not Session.objects.filter(session_key=old).exists()
    assert SessionStore(store.session_key)["x"] == 1
    assert SessionStore(store.session_key)["logged_in"] is True
    assert SessionStore(old).get("logged_in") is None
    assert statements(lambda: store.delete("never-there")) == ["DELETE"]


def test_a_new_key_for_a_row_gone_meanwhile_is_a_new_row() -> None:
    store = SessionStore()
    store["x"] = 1
    store.save()
    store.cycle_key()
    Session.objects.all().delete()
    store["logged_in"] = True
    assert statements(store.save) == ["UPDATE", "INSERT"]
    assert SessionStore(store.session_key)["logged_in"] is True


def test_a_new_key_drawn_twice_is_drawn_again_at_the_rename() -> None:
    taken = SessionStore()
    taken["who"] = "someone else"
    taken.save()
    store = SessionStore()
    store["who"] = "me"
    store.save()
    store.cycle_key()
    drawn = [taken.session_key, "h" * 32]
    # Inside a transaction, a taken key fails only its own statement.
    with (
        transaction.atomic(),
        mock.patch.object(SessionStore, "_get_new_session_key", side_effect=drawn),
    ):
        store.save()
    assert store.session_key == "h" * 32
    assert SessionStore("h" * 32)["who"] == "me"
    assert SessionStore(taken.session_key)["who"] == "someone else"


def test_logging_out_after_a_new_key_removes_the_old_row_too() -> None:
    store = SessionStore()
    store["x"] = 1
    store.save()
    old = store.session_key
    store.cycle_key()
    store.flush()
    assert not Session.objects.filter(session_key=old).exists()


def test_a_new_session_key_is_as_djangos() -> None:
    """32 characters of Django's VALID_KEY_CHARS, drawn as one number (`_get_new_session_key`):
    every character is used, and no key twice."""
    from django.contrib.sessions.backends.base import VALID_KEY_CHARS

    from mitid_portal.sessions import SessionStore

    keys = {SessionStore()._get_new_session_key() for _ in range(2000)}
    assert len(keys) == 2000
    assert all(len(key) == 32 and set(key) <= set(VALID_KEY_CHARS) for key in keys)
    assert set("".join(keys)) == set(VALID_KEY_CHARS)


def test_a_session_is_read_as_djangos_store_reads_it_an_expired_one_not_at_all() -> None:
    store = SessionStore()
    store["x"] = 1
    store.save()
    for key in (store.session_key, "n" * 32, None):
        ours, djangos = SessionStore(key), DjangosStore(key)
        assert dict(ours.items()) == dict(djangos.items())
        assert ours.session_key == djangos.session_key  # an unknown key forgotten by both
    assert statements(lambda: SessionStore(store.session_key).load()) == ["SELECT"]
    Session.objects.filter(pk=store.session_key).update(
        expire_date=timezone.now() - timedelta(seconds=1)
    )
    expired, djangos = SessionStore(store.session_key), DjangosStore(store.session_key)
    assert dict(expired.items()) == dict(djangos.items()) == {}
    assert expired.session_key is None and djangos.session_key is None
    assert expired.stored_expiry is None


PARTY_LOGIN = {
    ATTEMPTS_KEY: {
        "r-1": {"reference": "r-1", "client_id": "c", "started": 1.5, "scopes": ["openid"]}
    },
    BEHALF_KEY: {"service": "Nordbank", "reference": "r-1", "approval": False},
}


def test_a_partys_login_before_the_user_id_is_kept_in_the_cookie_signed() -> None:
    """A party's authorization request writes no row: the session is the cookie's value,
    signed, and read back as it was."""
    store = SessionStore()
    store.update(PARTY_LOGIN)
    assert statements(store.save) == []
    assert in_browser(store.session_key) and not Session.objects.exists()
    assert dict(SessionStore(store.session_key).items()) == PARTY_LOGIN
    # Another attempt (a second tab) is kept in the cookie too.
    again = SessionStore(store.session_key)
    again[ATTEMPTS_KEY] = {**again[ATTEMPTS_KEY], "r-2": {"reference": "r-2"}}
    assert statements(again.save) == [] and again.session_key != store.session_key
    assert set(SessionStore(again.session_key)[ATTEMPTS_KEY]) == {"r-1", "r-2"}


@pytest.mark.parametrize(
    "cookie",
    [
        "forged",  # a value changed in the browser
        "other-salt",  # signed by us, for something else
        "other-keys",  # a signed session holding more than a party's login
        "too-old",  # older than SESSION_COOKIE_AGE
        "citizen-proved",  # an attempt holding what a login proved (only a key signs it)
    ],
)
def test_a_cookie_that_is_not_a_partys_login_signed_by_us_is_no_session(
    cookie: str, settings: Any
) -> None:
    store = SessionStore()
    store.update(PARTY_LOGIN)
    store.save()
    value = str(store.session_key)
    if cookie == "forged":
        payload, timestamp, signature = value.rsplit(":", 2)
        value = f"{payload}x:{timestamp}:{signature}"
    elif cookie == "other-salt":
        value = signing.dumps(PARTY_LOGIN, compress=True)
    elif cookie == "other-keys":
        value = signing.dumps(
            {**PARTY_LOGIN, "_auth_user_id": "1"}, salt="mitid_portal.sessions.in_browser"
        )
    elif cookie == "citizen-proved":
        attempt = {**PARTY_LOGIN[ATTEMPTS_KEY]["r-1"], "achieved": "substantial"}
        value = signing.dumps(
            {**PARTY_LOGIN, ATTEMPTS_KEY: {"r-1": attempt}},
            salt="mitid_portal.sessions.in_browser",
            compress=True,
        )
    else:
        settings.SESSION_COOKIE_AGE = 60
        with mock.patch("time.time", return_value=time.time() - 61):
            store.save()
        value = str(store.session_key)
    read = SessionStore(value)
    assert statements(lambda: read.get(ATTEMPTS_KEY)) == []
    assert read.is_empty() and read.session_key is None


def test_anything_else_in_it_makes_the_session_a_row_under_a_new_key() -> None:
    """The user-ID typed (the login's pending state, with `cycle_key` as login.session.begin
    calls it) is one INSERT, as at the portal's own login: no row to read or rename."""
    store = SessionStore()
    store.update(PARTY_LOGIN)
    store.save()
    cookie = str(store.session_key)
    typed = SessionStore(cookie)
    typed["mitid_login_pending"] = {"user_id": "someone"}
    typed.cycle_key()
    assert statements(typed.save) == ["INSERT"]
    assert not in_browser(typed.session_key)
    assert SessionStore(typed.session_key)[BEHALF_KEY] == PARTY_LOGIN[BEHALF_KEY]
    # The cookie still decodes to the party's login alone, never to the row's data.
    assert "mitid_login_pending" not in SessionStore(cookie)
    # Flushed (the login ends), it has no row to delete.
    flushed = SessionStore(cookie)
    assert statements(flushed.flush) == [] and flushed.is_empty()


def test_a_party_login_too_long_for_a_cookie_is_a_row() -> None:
    store = SessionStore()
    store[BEHALF_KEY] = {"text": secrets.token_urlsafe(4000)}  # does not compress
    assert statements(store.save) == ["INSERT"] and not in_browser(store.session_key)
    assert SessionStore(store.session_key)[BEHALF_KEY] == store[BEHALF_KEY]


def test_a_session_ends_with_one_delete_compiled_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """Logging out deletes the row by its key, one statement, with SQL compiled once: a
    model's delete() collected and compiled at every log-out."""
    first, second = SessionStore(), SessionStore()
    for store in (first, second):
        store["x"] = 1
        store.save()
    first.flush()
    compiled: list[str] = []
    as_sql = SQLDeleteCompiler.as_sql

    def counted(self: SQLDeleteCompiler, *args: Any, **kwargs: Any) -> Any:
        compiled.append("DELETE")
        return as_sql(self, *args, **kwargs)

    monkeypatch.setattr(SQLDeleteCompiler, "as_sql", counted)
    key = second.session_key
    assert statements(second.flush) == ["DELETE"]
    assert compiled == [] and second.session_key is None
    assert not Session.objects.exists() and SessionStore(key).get("x") is None


@pytest.mark.parametrize(
    "done", [{"achieved": "substantial"}, {"consented": True}, {"identity_at_level": True}]
)
def test_an_attempt_holding_what_the_citizen_did_is_a_row_not_a_cookie(
    done: dict[str, Any],
) -> None:
    """A signed cookie is readable by whoever holds it: a consent given, or the level a login
    reached, is kept in a row."""
    store = SessionStore()
    store.update(
        {**PARTY_LOGIN, ATTEMPTS_KEY: {"r-1": {**PARTY_LOGIN[ATTEMPTS_KEY]["r-1"], **done}}}
    )
    assert statements(store.save) == ["INSERT"]
    assert not in_browser(store.session_key)
