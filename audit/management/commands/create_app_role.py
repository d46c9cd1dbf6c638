"""`manage.py create_app_role NAME`: a PostgreSQL role to serve the portal with, one that can
add to the audit log but not change, delete, truncate or unprotect it.

The triggers on `audit_auditentry` refuse UPDATE, DELETE and TRUNCATE, but the table's owner
may disable them. So the role that migrates (and owns the tables) is not the role that serves:
run this as the owner, then give the web, websocket and Celery processes a `DATABASE_URL` with
the new role. Running it again (after new migrations) re-applies the rights; it is idempotent.
"""

import os
import re
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from psycopg import sql

from audit.models import AuditEntry

ROLE_NAME = re.compile(r"[a-z_][a-z0-9_]{0,62}")
ORDINARY = sql.SQL("SELECT, INSERT, UPDATE, DELETE")


class Command(BaseCommand):
    help = (
        "Create (or update) a PostgreSQL role that may use every table but may only read and "
        "add to the audit log. Run it as the role that owns the tables."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("name", help="the new role's name (lower case, digits, _)")
        parser.add_argument(
            "--password-env",
            metavar="VARIABLE",
            help="take the role's password from this environment variable (never argv)",
        )
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)

    def handle(self, *args: Any, **options: Any) -> None:
        name: str = options["name"]
        if not ROLE_NAME.fullmatch(name):
            raise CommandError("A role name is lower-case letters, digits and _ (at most 63).")
        password = None
        if options["password_env"]:
            password = os.environ.get(options["password_env"])
            if not password:
                raise CommandError(f"{options['password_env']} is not set.")
        connection = connections[options["database"]]
        if connection.vendor != "postgresql":
            raise CommandError("Database roles are PostgreSQL's; this database is not.")
        audit_table = AuditEntry._meta.db_table
        with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
            cursor.execute("SELECT current_schema(), current_database()")
            schema, database = cursor.fetchone()
            cursor.execute(
                "SELECT tableowner FROM pg_tables WHERE schemaname = %s AND tablename = %s",
                [schema, audit_table],
            )
            row = cursor.fetchone()
            if row is None:
                raise CommandError(f"No table {audit_table}: run `manage.py migrate` first.")
            owner = row[0]
            if name == owner:
                raise CommandError(f"{name} owns {audit_table}: the serving role must not.")
            cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [name])
            exists = cursor.fetchone() is not None
            role = sql.Identifier(name)
            attributes: sql.Composable = sql.SQL(
                "LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS"
            )
            if password is not None:
                attributes = sql.SQL("{} PASSWORD {}").format(attributes, sql.Literal(password))
            statements = [
                sql.SQL("ALTER ROLE {} {}" if exists else "CREATE ROLE {} {}").format(
                    role, attributes
                ),
                sql.SQL("GRANT CONNECT ON DATABASE {} TO {}").format(
                    sql.Identifier(database), role
                ),
                sql.SQL("GRANT USAGE ON SCHEMA {} TO {}").format(sql.Identifier(schema), role),
                # Ordinary rights on every table; never TRUNCATE, TRIGGER or REFERENCES.
                sql.SQL("GRANT {} ON ALL TABLES IN SCHEMA {} TO {}").format(
                    ORDINARY, sql.Identifier(schema), role
                ),
                sql.SQL("GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {} TO {}").format(
                    sql.Identifier(schema), role
                ),
                # Tables later migrations create (as this owner) get the same ordinary rights.
                sql.SQL("ALTER DEFAULT PRIVILEGES IN SCHEMA {} GRANT {} ON TABLES TO {}").format(
                    sql.Identifier(schema), ORDINARY, role
                ),
                sql.SQL(
                    "ALTER DEFAULT PRIVILEGES IN SCHEMA {} GRANT USAGE, SELECT ON SEQUENCES TO {}"
                ).format(sql.Identifier(schema), role),
                # The audit log: read and add, nothing else.
                sql.SQL("REVOKE ALL ON TABLE {} FROM {}").format(sql.Identifier(audit_table), role),
                sql.SQL("GRANT SELECT, INSERT ON TABLE {} TO {}").format(
                    sql.Identifier(audit_table), role
                ),
            ]
            raw = connection.connection
            for statement in statements:
                cursor.execute(statement.as_string(raw))
            # A member of the owner's role could act as the owner and disable the triggers.
            cursor.execute(
                "SELECT rolsuper OR pg_has_role(%s, %s, 'MEMBER') FROM pg_roles WHERE rolname = %s",
                [name, owner, name],
            )
            if cursor.fetchone()[0]:
                raise CommandError(
                    f"{name} is a superuser or a member of {owner}: it could still disable the "
                    "audit log's triggers. Choose another role."
                )
        self.stdout.write(
            f"Role {name} may use the portal's tables in {database}; on {audit_table} only "
            "SELECT and INSERT. Serve the portal with it; migrate with the owner."
        )
