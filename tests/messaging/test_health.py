"""`/health/delivery/`: a monitor learns that nothing goes out to citizens, though every page
still works (a deployer's walk stopped the worker and beat, and /health/ stayed green)."""

import time
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from messaging import health, tasks
from messaging.models import Channel, Message
from tests.plans import plans_of

pytestmark = pytest.mark.django_db


def answer(client: Client) -> tuple[int, list[str]]:
    response = client.get("/health/delivery/")
    assert response["Cache-Control"].startswith("max-age=0")
    return response.status_code, response.json()["late"]


def test_a_worker_that_ran_the_heartbeat_lately_and_an_outbox_on_time_are_ok(
    client: Client,
) -> None:
    tasks.heartbeat()  # as a worker runs it when beat asks
    Message.objects.create(channel=Channel.SMS, recipient="+4520304050", body="on its way")
    assert answer(client) == (200, [])


@pytest.fixture(autouse=True)
def _with_a_worker(settings) -> None:  # type: ignore[no-untyped-def]
    settings.CELERY_TASK_ALWAYS_EAGER = False  # as deployed: a worker and beat of their own


def test_tasks_run_in_the_request_have_no_worker_to_ask_after(client: Client, settings) -> None:  # type: ignore[no-untyped-def]
    """The embedded defaults (`make run`): no worker, no beat, and nothing late."""
    settings.CELERY_TASK_ALWAYS_EAGER = True
    assert answer(client) == (200, [])


def test_no_heartbeat_or_an_old_one_is_named(client: Client, settings) -> None:  # type: ignore[no-untyped-def]
    assert answer(client) == (503, ["celery"])  # beat or every worker never ran
    health.beat(now=time.time() - settings.DELIVERY_LATE_SECONDS - 1)
    assert answer(client) == (503, ["celery"])  # stopped since


def test_a_message_waiting_too_long_is_named(client: Client, settings) -> None:  # type: ignore[no-untyped-def]
    tasks.heartbeat()
    waiting = Message.objects.create(channel=Channel.SMS, recipient="+4520304050", body="x")
    Message.objects.filter(pk=waiting.pk).update(
        created_at=timezone.now() - timedelta(seconds=settings.DELIVERY_LATE_SECONDS + 1)
    )
    assert answer(client) == (503, ["outbox"])  # a gateway that refuses, say
    Message.objects.filter(pk=waiting.pk).update(status=Message.Status.SENT)
    assert answer(client) == (200, [])


def test_the_heartbeat_is_on_beats_schedule() -> None:
    from django.conf import settings

    schedule = {
        entry["task"]: entry["schedule"] for entry in settings.CELERY_BEAT_SCHEDULE.values()
    }
    assert schedule["messaging.tasks.heartbeat"] < settings.DELIVERY_LATE_SECONDS


def test_the_oldest_queued_message_is_read_from_its_index() -> None:
    """The outbox keeps every message ever sent; asking after the oldest one waiting, every
    few seconds, must not read them all."""
    assert "message_queued_by_age" in plans_of(health.late_parts)


def test_a_redis_that_does_not_answer_is_named_in_json(client: Client, redis_down: None) -> None:
    """The heartbeat lives in Redis, the broker too: with it down nothing goes out, and the
    monitor is told so in JSON (it got the citizens' HTML page about an outage, in Danish)."""
    assert answer(client) == (503, ["celery"])
