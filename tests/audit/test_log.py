"""The audit log is append-only: entries are made, never changed or deleted."""

import pytest
from django.contrib.auth.models import AnonymousUser, User
from django.db import DatabaseError, connection, transaction

from audit.models import AppendOnly, AuditEntry
from audit.services import record

pytestmark = pytest.mark.django_db


def test_an_entry_names_the_staff_member_or_the_citizen() -> None:
    anne = User.objects.create_user("anne", is_staff=True)
    assert record("device_blocked", by=anne).actor_name == "anne"
    assert record("device_blocked", by=None).actor_name == "citizen"
    assert record("device_blocked", by=AnonymousUser()).actor is None


def test_entries_cannot_be_changed_or_deleted_through_the_orm() -> None:
    record("device_blocked", by=None, reason="lost")
    with pytest.raises(AppendOnly):
        AuditEntry.objects.update(reason="other")
    with pytest.raises(AppendOnly):
        AuditEntry.objects.all().delete()
    assert AuditEntry.objects.get().reason == "lost"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger is PostgreSQL's")
def test_postgresql_refuses_to_change_an_entry_even_in_raw_sql() -> None:
    entry = record("device_blocked", by=None, reason="lost")
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditentry SET reason = 'x' WHERE id = %s", [entry.pk])
