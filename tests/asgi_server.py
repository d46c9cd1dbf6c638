"""Real ASGI server processes for the tests that need websockets or several processes.

pytest-django's live server speaks no websockets, so these tests start uvicorn, as `make
run` does, on a free port, against the test database (and Redis, when the test gives it).
"""

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.db import connection

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_database_url() -> str:
    """The database this test run uses, as a URL another process can open."""
    settings = connection.settings_dict
    if settings["ENGINE"].endswith("sqlite3"):
        name = str(settings["NAME"])
        assert not connection.is_in_memory_db(), "the server process needs a file database"
        return f"sqlite:///{name}"
    return (
        f"postgres://{settings['USER']}@{settings['HOST'] or '127.0.0.1'}:"
        f"{settings['PORT'] or 5432}/{settings['NAME']}"
    )


@contextmanager
def asgi_server(**environment: str) -> Iterator[str]:
    """Serve the portal in a new process; yields its base URL (on localhost), which is also
    where its Demo Bank answers (as `make run` sets `DEMO_BANK_ORIGINS` by its port)."""
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": test_database_url(),
        "DEMO_BANK_ORIGINS": f"http://localhost:{port}",
        **environment,
    }
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "mitid_portal.asgi:application",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--lifespan",
            "off",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"the ASGI server on port {port} did not start") from None
                time.sleep(0.1)
        yield f"http://localhost:{port}"
    finally:
        process.terminate()
        process.wait(timeout=10)
