"""The real parts a fault test stops and starts: a Redis of its own, a Celery worker and beat
on the test database, and an SMS gateway over HTTP that can be made to fail.

Run by `make test-faults`, which points the portal at this Redis (FAULT_REDIS_PORT) and the
HTTP gateway, on PostgreSQL (the worker must see what the test commits).
"""

import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from mitid_portal.celery import app as celery_app

ROOT = Path(__file__).resolve().parents[2]
REDIS_PORT = int(os.environ.get("FAULT_REDIS_PORT", "6391"))
GATEWAY_PORT = int(os.environ.get("FAULT_GATEWAY_PORT", "8391"))

needs_the_fault_set_up = [
    pytest.mark.faults,
    pytest.mark.skipif(
        settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql"
        or f":{REDIS_PORT}/" not in settings.REDIS_URL,
        reason="run by make test-faults: PostgreSQL and the fault tests' own Redis",
    ),
]


def wait_for(check: Callable[[], bool], seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not check():
        assert time.monotonic() < deadline, f"{what} did not happen within {seconds} s"
        time.sleep(0.1)


class Redis:
    """A redis-server process on REDIS_PORT, stopped and started as an operator would."""

    process: subprocess.Popen[bytes] | None = None

    def ping(self) -> bool:
        answer = subprocess.run(
            ["redis-cli", "-p", str(REDIS_PORT), "ping"], capture_output=True, check=False
        )
        return answer.stdout.strip() == b"PONG"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(REDIS_PORT),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            stdout=subprocess.DEVNULL,
        )
        wait_for(self.ping, 10, "Redis starting")

    def freeze(self) -> None:
        """Hung, as under a stalled disk or a paused VM: connections stay open, nothing
        answers."""
        assert self.process is not None
        self.process.send_signal(signal.SIGSTOP)

    def thaw(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGCONT)

    def stop(self) -> None:
        if self.process is not None:
            self.process.send_signal(signal.SIGCONT)  # a frozen server cannot stop
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None
        wait_for(lambda: not self.ping(), 5, "Redis stopping")


@pytest.fixture
def redis() -> Iterator[Redis]:
    server = Redis()
    server.start()
    yield server
    server.stop()


class Gateway(BaseHTTPRequestHandler):
    """An SMS gateway as providers run them: JSON posts, one message per idempotency key.
    It refuses with 503 while `failing`; `posts` counts every post, `taken` what it sent."""

    failing = False
    posts = 0
    taken: dict[str, dict[str, str]] = {}
    lock = threading.Lock()

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        with Gateway.lock:
            Gateway.posts += 1
            if Gateway.failing:
                self.send_response(503)
            else:
                Gateway.taken.setdefault(self.headers["Idempotency-Key"], body)
                self.send_response(202)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def gateway() -> Iterator[type[Gateway]]:
    Gateway.failing, Gateway.posts, Gateway.taken = False, 0, {}
    server = ThreadingHTTPServer(("127.0.0.1", GATEWAY_PORT), Gateway)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield Gateway
    server.shutdown()
    server.server_close()


class Celery:
    """A worker and beat, started as the Procfile starts them, on the test database."""

    def __init__(self, tmp: Path) -> None:
        db = connection.settings_dict
        self.env = {
            **os.environ,
            "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
            "CELERY_TASK_ALWAYS_EAGER": "false",
        }
        self.schedule = tmp / "celerybeat-schedule"
        self.processes: dict[str, subprocess.Popen[bytes]] = {}

    def _start(self, name: str, *args: str) -> None:
        self.processes[name] = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "mitid_portal", *args, "--loglevel=WARNING"],
            cwd=ROOT,
            env=self.env,
        )

    def start_worker(self) -> None:
        self._start(
            "worker",
            "worker",
            "--pool=solo",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
        )

    def kill_worker(self) -> None:
        """As the kernel's OOM killer or a pulled plug would: no warm shutdown."""
        worker = self.processes.pop("worker")
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=10)

    def start_beat(self) -> None:
        self._start("beat", "beat", "--schedule", str(self.schedule))

    def stop(self) -> None:
        for process in self.processes.values():
            process.terminate()
        for process in self.processes.values():
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
        self.processes.clear()


@pytest.fixture
def celery(transactional_db: None, redis: Redis, tmp_path: Path) -> Iterator[Celery]:
    eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = False
    parts = Celery(tmp_path)
    try:
        yield parts
    finally:
        parts.stop()
        celery_app.conf.task_always_eager = eager


@pytest.fixture(autouse=True)
def _fresh_cache(redis: Redis) -> None:
    """The suite's cache clearing, once this test's Redis is up (it is the cache)."""
    from django.core.cache import cache

    cache.clear()
