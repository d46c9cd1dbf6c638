"""A message queued by the portal is delivered by a real Celery worker through Redis."""

import os
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection, transaction

from messaging.models import Message, OutboxMessage
from messaging.services import queue_sms
from mitid_portal.celery import app as celery_app

ROOT = Path(__file__).resolve().parents[2]

pytestmark = [
    pytest.mark.services,
    pytest.mark.skipif(not settings.REDIS_URL, reason="needs REDIS_URL"),
    pytest.mark.skipif(
        settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
        reason="the worker must share the test database: needs PostgreSQL",
    ),
]


@pytest.fixture
def worker_queue(transactional_db: None) -> Iterator[str]:
    """A Celery worker process on the test database, consuming a queue of its own."""
    queue = f"test-{uuid.uuid4().hex[:8]}"
    db = connection.settings_dict
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "CELERY_TASK_ALWAYS_EAGER": "false",
    }
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "mitid_portal",
            "worker",
            "--pool=solo",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "-Q",
            queue,
            "--loglevel=WARNING",
        ],
        cwd=ROOT,
        env=env,
    )
    eager, default_queue = celery_app.conf.task_always_eager, celery_app.conf.task_default_queue
    celery_app.conf.task_always_eager = False
    celery_app.conf.task_default_queue = queue
    try:
        _wait_until_ready(worker)
        yield queue
    finally:
        celery_app.conf.task_always_eager = eager
        celery_app.conf.task_default_queue = default_queue
        worker.terminate()
        worker.wait(timeout=20)


def _wait_until_ready(worker: subprocess.Popen[bytes]) -> None:
    """Until the worker answers a ping: on CI's two busy cores, starting it (Django and the
    portal imported) has taken most of the time the delivery is given below."""
    deadline = time.monotonic() + 90
    while not celery_app.control.ping(timeout=0.5):
        assert worker.poll() is None, f"the worker stopped ({worker.returncode})"
        assert time.monotonic() < deadline, "the worker did not answer a ping within 90 s"


def test_a_queued_sms_is_delivered_by_the_worker(worker_queue: str) -> None:
    with transaction.atomic():
        message = queue_sms(to="+4512345678", body="Delivered by a real worker")

    deadline = time.monotonic() + 30
    while not OutboxMessage.objects.filter(body="Delivered by a real worker").exists():
        assert time.monotonic() < deadline, "the worker did not deliver within 30 s"
        time.sleep(0.2)
    message.refresh_from_db()
    assert message.status == Message.Status.SENT
