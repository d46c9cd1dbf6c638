"""On PostgreSQL: TRUNCATE of the audit log is refused, and the role the portal is served with
(`manage.py create_app_role`) may add audit entries but not change, delete, truncate or
unprotect them, while it keeps ordinary rights on the other tables."""

import os
import uuid
from collections.abc import Iterator

import psycopg
import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from audit.services import record

pytestmark = [
    pytest.mark.services,
    pytest.mark.skipif(
        settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
        reason="the triggers and roles are PostgreSQL's",
    ),
]

REFUSED = [
    "UPDATE audit_auditentry SET reason = 'changed'",
    "DELETE FROM audit_auditentry",
    "TRUNCATE audit_auditentry",
    "ALTER TABLE audit_auditentry DISABLE TRIGGER audit_entry_append_only",
    "ALTER TABLE audit_auditentry DISABLE TRIGGER audit_entry_no_truncate",
    "ALTER TABLE audit_auditentry DISABLE TRIGGER ALL",
    "DROP TABLE audit_auditentry",
]


@pytest.mark.django_db
def test_postgresql_refuses_to_truncate_the_audit_log_even_for_its_owner() -> None:
    record("device_blocked", by=None, reason="lost")
    with connection.cursor() as cursor:
        # The entry's foreign keys are checked at commit; TRUNCATE wants no check pending.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    with (
        pytest.raises(DatabaseError, match="TRUNCATE refused"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("TRUNCATE audit_auditentry")
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM audit_auditentry")
        assert cursor.fetchone() == (1,)


@pytest.fixture
def app_role(transactional_db: None, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A serving role made by the command (committed, so a second connection can use it)."""
    name = f"mitid_app_test_{uuid.uuid4().hex[:10]}"
    monkeypatch.setenv("TEST_APP_ROLE_PASSWORD", uuid.uuid4().hex)
    call_command("create_app_role", name, "--password-env", "TEST_APP_ROLE_PASSWORD")
    try:
        yield name
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"DROP OWNED BY {name}")
            cursor.execute(f"DROP ROLE {name}")


def connect_as(role: str) -> psycopg.Connection:
    database = connection.settings_dict
    return psycopg.connect(
        host=database["HOST"] or "127.0.0.1",
        port=database["PORT"] or 5432,
        dbname=database["NAME"],
        user=role,
        password=os.environ["TEST_APP_ROLE_PASSWORD"],
        autocommit=True,
    )


def test_the_serving_role_adds_audit_entries_but_cannot_change_or_unprotect_them(
    app_role: str,
) -> None:
    with connect_as(app_role) as app, app.cursor() as cursor:
        cursor.execute(
            "INSERT INTO audit_auditentry (at, actor_name, action, target, reason, detail) "
            "VALUES (now(), 'citizen', 'device_blocked', '', 'lost', '') RETURNING id"
        )
        assert cursor.fetchone() is not None
        cursor.execute("SELECT count(*) FROM audit_auditentry")
        assert cursor.fetchone() == (1,)
        for statement in REFUSED:
            # Refused for want of the right (not only by a trigger the owner could disable).
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                cursor.execute(statement)
        cursor.execute("SELECT count(*), min(reason) FROM audit_auditentry")
        assert cursor.fetchone() == (1, "lost")


def test_the_serving_role_keeps_ordinary_rights_elsewhere(app_role: str) -> None:
    with connect_as(app_role) as app, app.cursor() as cursor:
        cursor.execute(
            "INSERT INTO django_session (session_key, session_data, expire_date) "
            "VALUES ('k' || md5(random()::text), 'x', now()) RETURNING session_key"
        )
        (key,) = cursor.fetchone()
        cursor.execute("UPDATE django_session SET session_data = 'y' WHERE session_key = %s", [key])
        assert cursor.rowcount == 1
        cursor.execute("DELETE FROM django_session WHERE session_key = %s", [key])
        assert cursor.rowcount == 1
        # Rows with identity keys (the sequence's USAGE is granted), like the ORM inserts.
        cursor.execute("INSERT INTO auth_group (name) VALUES ('role test') RETURNING id")
        assert cursor.fetchone() is not None
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            cursor.execute("TRUNCATE django_session")


def test_running_the_command_again_keeps_the_audit_log_closed(app_role: str) -> None:
    call_command("create_app_role", app_role, "--password-env", "TEST_APP_ROLE_PASSWORD")
    with (
        connect_as(app_role) as app,
        app.cursor() as cursor,
        pytest.raises(psycopg.errors.InsufficientPrivilege),
    ):
        cursor.execute("DELETE FROM audit_auditentry")


@pytest.mark.django_db
def test_the_owner_cannot_be_the_serving_role() -> None:
    with pytest.raises(CommandError, match="must not"):
        call_command("create_app_role", connection.settings_dict["USER"])
