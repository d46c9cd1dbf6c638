"""On PostgreSQL the database refuses to TRUNCATE the audit log, which row triggers miss."""

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

# A row-level trigger (0002) does not fire on TRUNCATE; a statement-level one does. The table's
# owner can still disable it: the portal should run as a role that does not own the table
# (`manage.py create_app_role`).
CREATE = """
CREATE FUNCTION audit_entry_no_truncate() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit entries are append-only: TRUNCATE refused';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER audit_entry_no_truncate BEFORE TRUNCATE ON audit_auditentry
    FOR EACH STATEMENT EXECUTE FUNCTION audit_entry_no_truncate();
"""
DROP = """
DROP TRIGGER IF EXISTS audit_entry_no_truncate ON audit_auditentry;
DROP FUNCTION IF EXISTS audit_entry_no_truncate();
"""


def _on_postgresql(sql: str):  # type: ignore[no-untyped-def]
    def run(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("audit", "0003_plural_name")]

    operations = [migrations.RunPython(_on_postgresql(CREATE), _on_postgresql(DROP))]
