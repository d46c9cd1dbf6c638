"""The SQLite file that `make run` serves from, under requests in threads of their own."""

import threading
from pathlib import Path
from typing import Any

import pytest
from django.db import OperationalError, transaction
from django.db.utils import ConnectionHandler

from mitid_portal.settings.base import SQLITE_FILE_OPTIONS


def read_then_write(path: Path, options: dict[str, Any]) -> list[str]:
    """Two requests' transactions (Django's atomic) that each read a row and then write: the
    first is slow to write, the second begins while the first is reading. What each request
    ended with, and the count they wrote."""
    connections = ConnectionHandler(
        {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": path, "OPTIONS": options}}
    )
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(transaction, "connections", connections)
        return in_two_threads(connections)


def in_two_threads(connections: ConnectionHandler) -> list[str]:
    setup = connections["default"]
    with setup.cursor() as cursor:
        cursor.execute("CREATE TABLE counter (n integer)")
        cursor.execute("INSERT INTO counter VALUES (0)")
    setup.close()
    first_has_read = threading.Event()
    outcomes: list[str] = []

    def request(first: bool) -> None:
        connection = connections["default"]
        try:
            if not first:
                first_has_read.wait(5)
            with transaction.atomic(using="default"), connection.cursor() as cursor:
                cursor.execute("SELECT n FROM counter")
                (n,) = cursor.fetchone()
                if first:
                    first_has_read.set()
                    threading.Event().wait(0.3)
                cursor.execute("UPDATE counter SET n = %s", [n + 1])
            outcomes.append("done")
        except OperationalError as error:
            first_has_read.set()
            outcomes.append(str(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=request, args=(first,)) for first in (True, False)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    check = connections["default"]
    with check.cursor() as cursor:
        cursor.execute("SELECT n FROM counter")
        outcomes.append(f"n={cursor.fetchone()[0]}")
    check.close()
    return outcomes


def test_two_requests_that_read_then_write_both_succeed_in_turn(
    tmp_path: Path, django_db_blocker: Any
) -> None:
    with django_db_blocker.unblock():
        outcomes = read_then_write(tmp_path / "db.sqlite3", dict(SQLITE_FILE_OPTIONS))
    assert outcomes == [
        "done",
        "done",
        "n=2",
    ]


def test_without_the_settings_options_one_of_them_fails(
    tmp_path: Path, django_db_blocker: Any
) -> None:
    """What the options mend: SQLite's default transaction reads first and asks for the
    write lock only when it writes, and is refused at once when another wrote meanwhile."""
    with django_db_blocker.unblock():
        outcomes = read_then_write(tmp_path / "db.sqlite3", {})
    assert "database is locked" in outcomes
    assert outcomes[-1] == "n=1"
