"""The outbox: written with the change, handed to Celery after the commit without ever holding
up the request, swept up again when the hand-off was lost, and delivered once."""

import json
import threading
import time
from collections.abc import Iterator
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer

import kombu.pools
import pytest
from django.core import mail
from django.db import transaction
from django.utils import timezone

from messaging import delivery
from messaging.backends import SMS, GatewayError, HttpSMSBackend
from messaging.models import Message, OutboxMessage
from messaging.services import queue_email, queue_sms
from messaging.tasks import sweep_outbox
from mitid_portal.celery import app as celery_app

pytestmark = pytest.mark.django_db


def test_a_rolled_back_change_leaves_no_message_behind() -> None:
    with pytest.raises(RuntimeError), transaction.atomic():
        queue_sms(to="+4512345678", body="never")
        raise RuntimeError("the change failed")
    assert not Message.objects.exists()


def test_an_e_mails_subject_is_one_line_and_reaches_a_real_mail_server(
    settings, django_capture_on_commit_callbacks
) -> None:
    """A line break in a subject (a phone named so) made Django refuse the e-mail at the
    SMTP backend: it would never have reached the citizen."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with django_capture_on_commit_callbacks(execute=True):
        queue_email(to="jonas@example.dk", subject="Your app (Ring\r\nnu) is blocked", body="b")
    (sent,) = mail.outbox
    assert sent.subject == "Your app (Ring nu) is blocked"
    sent.message()  # the headers Django would send: no BadHeaderError


def fresh_connections() -> None:
    kombu.pools.reset()
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


@pytest.fixture
def broker_down() -> Iterator[None]:
    """Celery pointed at a broker nobody answers on (port 1 refuses at once)."""
    conf = celery_app.conf
    saved = conf.broker_url, conf.task_always_eager
    conf.broker_url, conf.task_always_eager = "redis://127.0.0.1:1/0", False
    fresh_connections()
    try:
        yield
    finally:
        conf.broker_url, conf.task_always_eager = saved
        fresh_connections()


def test_a_broker_that_is_down_neither_raises_nor_holds_up_the_request(
    broker_down: None, django_capture_on_commit_callbacks, caplog
) -> None:
    started = time.monotonic()
    with django_capture_on_commit_callbacks(execute=True):
        message = queue_sms(to="+4512345678", body="Your code is 123456", sensitive=True)
    assert time.monotonic() - started < 2
    message.refresh_from_db()
    assert message.status == Message.Status.QUEUED  # kept for the sweep
    assert "the outbox sweep will" in caplog.text


def test_the_sweep_hands_over_what_is_due_and_leases_it(
    django_capture_on_commit_callbacks,
) -> None:
    past = timezone.now() - timedelta(seconds=1)
    due = Message.objects.create(channel="sms", recipient="+4511111111", body="due")
    Message.objects.filter(pk=due.pk).update(next_attempt_at=past)
    later = Message.objects.create(channel="sms", recipient="+4522222222", body="not yet")

    assert sweep_outbox() == 1  # Celery runs eagerly here: handed over is delivered
    due.refresh_from_db()
    later.refresh_from_db()
    assert (due.status, later.status) == ("sent", "queued")
    assert list(OutboxMessage.objects.values_list("body", flat=True)) == ["due"]
    assert sweep_outbox() == 0


def test_a_secret_lives_no_longer_than_its_delivery(django_capture_on_commit_callbacks) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        message = queue_sms(to="+4512345678", body="Your code is 123456", sensitive=True)
    message.refresh_from_db()
    assert (message.status, message.body) == ("sent", "")
    assert OutboxMessage.objects.get().body == "Your code is 123456"  # the citizen's phone


def test_a_try_repeated_after_a_crash_reaches_the_citizen_once() -> None:
    """The gateway got the message, then the worker died before marking it sent: the next
    try carries the same key, and the gateway takes it once."""
    message = Message.objects.create(channel="sms", recipient="+4511111111", body="once")
    delivery.send(channel="sms", to=message.recipient, body=message.body, key=str(message.key))
    assert delivery.deliver(message.pk) is True
    assert OutboxMessage.objects.count() == 1


def test_an_email_tried_twice_is_delivered_once() -> None:
    message = Message.objects.create(
        channel="email", recipient="karen@example.dk", subject="Hi", body="once"
    )
    delivery.send(channel="email", to=message.recipient, body="once", key=str(message.key))
    assert delivery.deliver(message.pk) is True
    assert OutboxMessage.objects.count() == 1


class Refusing:
    def send_messages(self, messages: object) -> int:
        raise GatewayError("down")


def test_a_message_is_given_up_after_its_last_try(settings) -> None:
    settings.SMS_BACKEND = "tests.messaging.test_outbox.Refusing"
    settings.OUTBOX_MAX_ATTEMPTS = 2
    message = Message.objects.create(channel="sms", recipient="+4511111111", body="lost")
    with pytest.raises(delivery.RetryLater) as later:
        delivery.deliver(message.pk)
    assert later.value.seconds == 2
    assert delivery.deliver(message.pk) is False
    message.refresh_from_db()
    assert (message.status, message.attempts) == ("failed", 2)


class Gateway(BaseHTTPRequestHandler):
    """An HTTP SMS gateway that fails its first `failures` posts, then takes each key once."""

    failures = 0
    taken: dict[str, dict[str, str]] = {}
    authorizations: list[str | None] = []

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        Gateway.authorizations.append(self.headers.get("Authorization"))
        if Gateway.failures > 0:
            Gateway.failures -= 1
            self.send_response(503)
        else:
            Gateway.taken.setdefault(self.headers.get("Idempotency-Key", ""), body)
            self.send_response(202)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def gateway(settings) -> Iterator[type[Gateway]]:
    server = HTTPServer(("127.0.0.1", 0), Gateway)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    settings.SMS_GATEWAY_URL = f"http://127.0.0.1:{server.server_port}/messages"
    Gateway.failures, Gateway.taken, Gateway.authorizations = 0, {}, []
    yield Gateway
    server.shutdown()


def test_the_http_gateway_gets_the_key_and_its_failures_are_retried(
    gateway: type[Gateway],
) -> None:
    gateway.failures = 1
    backend = HttpSMSBackend()
    with pytest.raises(GatewayError):
        backend.send_messages([SMS(to="+4511111111", body="hello", key="k1")])
    backend.send_messages([SMS(to="+4511111111", body="hello", key="k1")])
    backend.send_messages([SMS(to="+4511111111", body="hello", key="k1")])
    assert gateway.taken == {"k1": {"to": "+4511111111", "from": "MitID", "text": "hello"}}


def test_the_http_gateway_gets_the_token_as_a_bearer_when_one_is_set(
    gateway: type[Gateway], settings
) -> None:
    settings.SMS_GATEWAY_TOKEN = ""
    HttpSMSBackend().send_messages([SMS(to="+4511111111", body="hello", key="k1")])
    settings.SMS_GATEWAY_TOKEN = "gateway-token-1"
    HttpSMSBackend().send_messages([SMS(to="+4511111111", body="hello", key="k2")])
    assert gateway.authorizations == [None, "Bearer gateway-token-1"]
    assert set(gateway.taken) == {"k1", "k2"}


def test_an_unreachable_http_gateway_is_a_gateway_error(settings) -> None:
    settings.SMS_GATEWAY_URL = "http://127.0.0.1:1/messages"
    with pytest.raises(GatewayError):
        HttpSMSBackend().send_messages([SMS(to="+4511111111", body="hello")])


def test_messages_delivered_or_given_up_long_ago_are_forgotten_and_queued_ones_kept(
    settings,
) -> None:
    from messaging import tasks
    from messaging.models import Channel

    settings.MESSAGE_RETENTION_DAYS = 90
    long_ago = timezone.now() - timedelta(days=91)
    kept = []
    for status, old in [
        (Message.Status.SENT, True),
        (Message.Status.FAILED, True),
        (Message.Status.QUEUED, True),  # not delivered yet: never forgotten
        (Message.Status.SENT, False),
    ]:
        message = Message.objects.create(
            channel=Channel.SMS, recipient="+4520304050", body=status, status=status
        )
        if old:
            Message.objects.filter(pk=message.pk).update(created_at=long_ago)
        if not old or status == Message.Status.QUEUED:
            kept.append(message.pk)
    delivered = OutboxMessage.objects.create(
        channel=Channel.SMS, sender="MitID", recipient="+4520304050", body="x"
    )
    OutboxMessage.objects.filter(pk=delivered.pk).update(delivered_at=long_ago)
    fresh = OutboxMessage.objects.create(
        channel=Channel.SMS, sender="MitID", recipient="+4520304050", body="y"
    )

    assert tasks.clean_up() == {"messages": 2, "simulated_deliveries": 1}
    assert sorted(Message.objects.values_list("pk", flat=True)) == sorted(kept)
    assert list(OutboxMessage.objects.values_list("pk", flat=True)) == [fresh.pk]
