"""What the portal does when its parts fail, tried on the real parts (see conftest.py)."""

import re
import time
from collections.abc import Callable

from django.test import Client

from messaging.models import Message
from messaging.services import queue_sms

from .conftest import Celery, Gateway, Redis, needs_the_fault_set_up, wait_for

pytestmark = needs_the_fault_set_up


def code_sent_to(gateway: type[Gateway], number: str) -> str:
    texts = [sms["text"] for sms in gateway.taken.values() if sms["to"] == number]
    assert len(texts) == 1, texts
    match = re.search(r"\b(\d{6})\b", texts[0])
    assert match, texts[0]
    return match.group(1)


def test_redis_down_while_a_citizen_asks_for_a_code(
    nemid_client: Callable[..., Client], redis: Redis, celery: Celery, gateway: type[Gateway]
) -> None:
    """Proves: with Redis (broker, cache, channel layer) stopped, the contact page answers
    within 2 s and loses nothing; once Redis is back, beat's sweep hands the code over and
    the citizen gets it, once, and it confirms the number."""
    celery.start_worker()
    celery.start_beat()
    jonas = nemid_client()
    jonas.get("/en/enrollment/")
    jonas.post("/en/enrollment/method/", {"method": "app"})
    jonas.post("/en/enrollment/terms/", {"accept": "on"})

    redis.stop()
    started = time.monotonic()
    response = jonas.post("/en/enrollment/contact/", {"mobile": "20304050"})
    took = time.monotonic() - started
    assert response.status_code == 302, response.content[:500]
    assert response["Location"] == "/en/enrollment/contact/confirm/"
    assert took < 2, f"the page took {took:.1f} s with Redis down"
    assert Message.objects.get().status == "queued"
    assert not gateway.taken

    redis.start()
    wait_for(lambda: bool(gateway.taken), 30, "the code's delivery after Redis came back")
    code = code_sent_to(gateway, "+4520304050")
    response = jonas.post("/en/enrollment/contact/confirm/", {"channel": "sms", "sms-code": code})
    assert response.status_code == 302
    assert response["Location"] == "/en/enrollment/user-id/"
    wait_for(lambda: Message.objects.get().status == "sent", 10, "the row marked sent")
    assert len(gateway.taken) == 1


def test_a_worker_killed_with_work_pending(
    redis: Redis, celery: Celery, gateway: type[Gateway]
) -> None:
    """Proves: messages handed to Celery while no worker ran, and one taken by a worker that
    was then killed mid-way, are all delivered after a worker starts again, each once (the
    gateway got a second try of the interrupted one and dropped it by its key)."""
    gateway.failing = True  # the first worker's tries reach the gateway and fail
    celery.start_worker()
    first = queue_sms(to="+4511111111", body="first")
    wait_for(lambda: gateway.posts >= 1, 20, "the worker's first try")
    celery.kill_worker()
    rest = [queue_sms(to=f"+45222222{n:02d}", body=f"pending {n}") for n in range(5)]

    gateway.failing = False
    celery.start_worker()
    celery.start_beat()
    wait_for(lambda: len(gateway.taken) == 6, 40, "every message's delivery")
    sent = {sms["text"] for sms in gateway.taken.values()}
    assert sent == {"first", *(f"pending {n}" for n in range(5))}
    wait_for(
        lambda: Message.objects.filter(status="sent").count() == 6, 10, "every row marked sent"
    )
    assert {str(m.key) for m in (first, *rest)} == set(gateway.taken)


def test_the_sms_gateway_failing_for_a_while(
    redis: Redis, celery: Celery, gateway: type[Gateway]
) -> None:
    """Proves: while the gateway refuses, each message is tried again with backoff; when it
    answers again, every message is sent, once."""
    gateway.failing = True
    celery.start_worker()
    celery.start_beat()
    messages = [queue_sms(to=f"+45333333{n:02d}", body=f"notice {n}") for n in range(3)]
    wait_for(lambda: gateway.posts >= 6, 30, "two tries of every message")
    assert not gateway.taken
    gateway.failing = False
    wait_for(lambda: len(gateway.taken) == 3, 40, "delivery once the gateway is back")
    wait_for(
        lambda: Message.objects.filter(status="sent").count() == 3, 10, "every row marked sent"
    )
    assert {str(m.key) for m in messages} == set(gateway.taken)
    assert all(m.attempts >= 2 for m in Message.objects.all())
