"""The session store: Django's database sessions, two statements lighter per login."""

from unittest import mock

import pytest
from django.contrib.sessions.backends.base import UpdateError
from django.contrib.sessions.models import Session
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from mitid_portal.sessions import SessionStore

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
        with mock.patch(
            "mitid_portal.sessions.get_random_string", side_effect=[first.session_key, "g" * 32]
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
    with mock.patch("mitid_portal.sessions.get_random_string", side_effect=[taken, fresh]):
        second = SessionStore()
        second["who"] = "second"
        second.save()
    assert second.session_key == fresh
    assert SessionStore(taken)["who"] == "first"


def test_a_new_key_at_login_removes_the_old_row_in_one_statement() -> None:
    store = SessionStore()
    store["x"] = 1
    store.save()
    old = store.session_key
    assert statements(lambda: store.cycle_key()) == ["DELETE"]
    assert not Session.objects.filter(session_key=old).exists()
    store["logged_in"] = True
    assert statements(store.save) == ["INSERT"]
    assert store.session_key != old
    assert SessionStore(store.session_key)["x"] == 1
    assert SessionStore(store.session_key)["logged_in"] is True
    assert statements(lambda: store.delete("never-there")) == ["DELETE"]
