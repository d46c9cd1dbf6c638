"""Shared fixtures: fast password hashing, the configured-interface caches, demo people."""

import json
import os
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.conf import LazySettings
from django.core.cache import cache, caches
from django.core.handlers.wsgi import get_path_info
from django.db.models.query_utils import DeferredAttribute
from django.test import Client
from django.test.client import ClientHandler

from cpr.persons import get_person_register
from cpr.registry import get_registry
from enrollment.services import reserve_nemid_user_ids
from messaging.backends import get_sms_backend
from mitid_portal.handlers import MachineMiddleware, is_machine
from nemid import session as nemid_session
from nemid.provider import NemIDProof, get_provider
from passports.checks import clear_caches as clear_passport_checks
from tests.asgi_server import free_port


class MachineClientHandler(MachineMiddleware, ClientHandler):
    pass


class ServedClientHandler(ClientHandler):
    """The test client's handler, sending each path where the server's application does
    (mitid_portal.handlers): the App API's and a party's server's through MACHINE_MIDDLEWARE
    alone."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.machines = MachineClientHandler(*args, **kwargs)

    def __call__(self, environ: dict[str, Any]) -> Any:
        if is_machine(get_path_info(environ)):
            return self.machines(environ)
        return super().__call__(environ)


@pytest.fixture
def client() -> Client:
    """pytest-django's client, served as the server serves: the App API and a party's
    server's endpoints with their own middleware."""
    served = Client()
    served.handler = ServedClientHandler(enforce_csrf_checks=False)  # as Client makes its own
    return served


class DeferredColumnRead(AssertionError):
    pass


# Columns read that their query left out, in this test (a view may catch the error raised).
_deferred_reads: list[str] = []


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix: None) -> None:
    """On SQLite the tests' database is in memory, shared between the test's threads (a live
    server's, a websocket's) in one cache, where a lock is a table's and nobody waits for it:
    there the file database's BEGIN IMMEDIATE (settings) would lock every table a transaction
    has not touched yet. Its journal pragmas mean nothing in memory either."""
    from django.db import connections

    for connection in connections.all():
        if connection.vendor == "sqlite" and not connection.settings_dict["TEST"]["NAME"]:
            for option in ("transaction_mode", "init_command", "timeout"):
                connection.settings_dict["OPTIONS"].pop(option, None)


@pytest.fixture(autouse=True, scope="session")
def _refuse_reading_a_column_left_out() -> Iterator[None]:
    """A column a query left out (`only`, `defer`) and the code then reads costs a query of
    its own for each row, which no test would notice: here it raises, and the test fails
    even where the code catches the error (`_no_column_read_that_was_left_out`). In this
    process only: the servers the browser and fault tests start load columns as Django does.
    (Reloading on purpose is `refresh_from_db`, which this does not touch.)"""
    load = DeferredAttribute.__get__

    def refuse(self: DeferredAttribute, instance: Any, cls: Any = None) -> Any:
        if (
            instance is not None
            and self.field.attname not in instance.__dict__
            # A child's key read from its parent's (concrete inheritance) costs no query.
            and self._check_parent_chain(instance) is None
        ):
            read = f"{type(instance).__name__}.{self.field.attname}"
            _deferred_reads.append(read)
            raise DeferredColumnRead(read)
        return load(self, instance, cls)

    DeferredAttribute.__get__ = refuse  # type: ignore[method-assign]
    yield
    DeferredAttribute.__get__ = load  # type: ignore[method-assign]


@pytest.fixture(autouse=True)
def _no_column_read_that_was_left_out() -> Iterator[None]:
    _deferred_reads.clear()
    yield
    assert not _deferred_reads, f"columns read that their query left out: {_deferred_reads}"


@pytest.fixture(autouse=True, scope="session")
def _flush_past_the_audit_log_trigger() -> Iterator[None]:
    """Transactional tests end with Django's flush, one TRUNCATE of every table, which the
    audit log refuses on PostgreSQL (audit migration 0004), as it must outside tests. The test
    database's owner lifts that trigger for the flush only, inside the flush's transaction."""
    from django.db.backends.postgresql.operations import DatabaseOperations

    flush = DatabaseOperations.execute_sql_flush
    trigger = "ALTER TABLE audit_auditentry {} TRIGGER audit_entry_no_truncate"

    def execute_sql_flush(self: DatabaseOperations, sql_list: list[str]) -> None:
        if any("audit_auditentry" in sql for sql in sql_list):
            sql_list = [trigger.format("DISABLE"), *sql_list, trigger.format("ENABLE")]
        flush(self, sql_list)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(DatabaseOperations, "execute_sql_flush", execute_sql_flush)
        yield


@pytest.fixture(autouse=True)
def _fast_hashing(settings: LazySettings) -> None:
    # Argon2 is deliberately slow; the tests check behaviour, not hashing cost.
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.MD5PasswordHasher",
        "relying_parties.hashers.ClientSecretHasher",
    ]


@pytest.fixture(autouse=True)
def _outbox_email(settings: LazySettings) -> None:
    # pytest-django swaps in the locmem e-mail backend; the tests read the outbox, as the demo does.
    settings.EMAIL_BACKEND = "messaging.backends.OutboxEmailBackend"


@pytest.fixture(scope="session")
def _passport_root(tmp_path_factory: pytest.TempPathFactory) -> str:
    return str(tmp_path_factory.mktemp("demo-passports"))


@pytest.fixture(autouse=True)
def _passports_outside_the_repository(settings: LazySettings, _passport_root: str) -> None:
    # seed_demo writes demo passports and CSCA keys; never into the working tree's var/.
    settings.PASSPORT_CSCA_DIR = f"{_passport_root}/csca"
    settings.PASSPORT_DEMO_DIR = f"{_passport_root}/demo"


@pytest.fixture(autouse=True)
def _fresh_cache(settings: LazySettings) -> None:
    """Lock-outs and per-client counts live in the cache: each test starts with none, and
    with no kept template fragment.

    The local-memory cache is emptied. The Redis cache is shared by the parallel test
    processes, with the channel layer and the Celery broker in the same database, so it is
    never flushed: under xdist each test gets a key prefix of its own instead.
    """
    caches["fragments"].clear()  # the layout's kept HTML: each test renders its own
    default = settings.CACHES["default"]
    if "locmem" in default["BACKEND"].lower():
        cache.clear()
    elif os.environ.get("PYTEST_XDIST_WORKER"):
        settings.CACHES = {
            **settings.CACHES,
            "default": {**default, "KEY_PREFIX": f"test-{uuid.uuid4().hex}"},
        }


@pytest.fixture(autouse=True)
def _fresh_interfaces() -> None:
    for cached in (get_registry, get_provider, get_sms_backend, get_person_register):
        cached.cache_clear()
    clear_passport_checks()


@pytest.fixture
def redis_down(settings: LazySettings) -> None:
    """The cache (lock-outs, throttles, the App API's nonces) on a Redis that is not there: a
    real client asking a port where nothing listens, as when the server is down."""
    settings.CACHES = {
        **settings.CACHES,
        "default": {
            "BACKEND": "mitid_portal.caches.SharedClientRedisCache",
            "LOCATION": f"redis://127.0.0.1:{free_port()}/0",
        },
    }


@pytest.fixture
def demo_people(db: None) -> None:
    from nemid.demo import seed_demo_people

    seed_demo_people()


@pytest.fixture
def nemid_client(client: Client, demo_people: None) -> Callable[[str], Client]:
    """A client whose session holds a NemID proof for the given demo person's CPR."""
    reserve_nemid_user_ids()

    def log_in(cpr: str = "1505831235", nemid_user_id: str = "Jonas1983") -> Client:
        request = type("R", (), {"session": client.session})()
        nemid_session.remember_proof(request, NemIDProof(cpr=cpr, nemid_user_id=nemid_user_id))
        request.session.save()
        client.cookies["sessionid"] = request.session.session_key
        return client

    return log_in


@pytest.fixture
def demo_passports(
    demo_people: None, settings: LazySettings, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, dict[str, str]]:
    """seed_demo's passports, signed by a demo CSCA made for this test and trusted by it."""
    from mitid_portal.demo_passports import seed_demo_passports

    root = tmp_path_factory.mktemp("passports")
    settings.PASSPORT_CSCA_DIR = str(root / "csca")
    settings.PASSPORT_DEMO_DIR = str(root / "demo")
    clear_passport_checks()
    paths = seed_demo_passports()
    return {path.stem: json.loads(path.read_text()) for path in paths}
