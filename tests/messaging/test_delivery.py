import json
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client

from messaging import delivery
from messaging.backends import GatewayError
from messaging.models import Message, OutboxMessage
from messaging.services import queue_email, queue_sms
from tests.factories import OutboxMessageFactory

pytestmark = pytest.mark.django_db


def test_a_queued_sms_is_delivered_to_the_outbox_after_commit(
    django_capture_on_commit_callbacks,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        message = queue_sms(to="+4512345678", body="Your code is 123456")

    message.refresh_from_db()
    assert message.status == Message.Status.SENT
    outbox = OutboxMessage.objects.get()
    assert (outbox.channel, outbox.recipient, outbox.body) == ("sms", "+4512345678", message.body)


def test_nothing_is_sent_when_the_transaction_rolls_back(
    django_capture_on_commit_callbacks,
) -> None:
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        queue_sms(to="+4512345678", body="never")
    assert len(callbacks) == 1
    assert not OutboxMessage.objects.exists()


def test_a_queued_email_goes_through_djangos_email_backend(
    django_capture_on_commit_callbacks, settings
) -> None:
    settings.DEFAULT_FROM_EMAIL = "MitID <no-reply@mitid.example>"
    with django_capture_on_commit_callbacks(execute=True):
        queue_email(to="karen@example.dk", subject="Confirm", body="Code 654321")
    outbox = OutboxMessage.objects.get()
    assert (outbox.channel, outbox.recipient, outbox.subject) == (
        "email",
        "karen@example.dk",
        "Confirm",
    )
    assert outbox.sender == "MitID <no-reply@mitid.example>"


def test_delivery_is_idempotent() -> None:
    message = Message.objects.create(channel="sms", recipient="+4511111111", body="once")
    assert delivery.deliver(message.pk) is True
    assert delivery.deliver(message.pk) is False
    assert OutboxMessage.objects.count() == 1


class FlakyBackend:
    calls = 0

    def send_messages(self, messages: object) -> int:
        FlakyBackend.calls += 1
        if FlakyBackend.calls == 1:
            raise GatewayError("gateway busy")
        return 1


def test_a_gateway_error_is_retried_by_the_task(settings) -> None:
    from messaging.tasks import deliver_message

    settings.SMS_BACKEND = "tests.messaging.test_delivery.FlakyBackend"
    FlakyBackend.calls = 0
    message = Message.objects.create(channel="sms", recipient="+4511111111", body="retry me")

    deliver_message.apply(args=[message.pk], retries=0, throw=False)

    message.refresh_from_db()
    assert FlakyBackend.calls == 2
    assert message.status == Message.Status.SENT
    assert message.attempts == 2


def test_the_outbox_command_prints_and_filters() -> None:
    OutboxMessageFactory(recipient="+4512345678", body="first")
    OutboxMessageFactory(recipient="+4587654321", body="second")
    out = StringIO()
    call_command("outbox", "--to", "+4512345678", stdout=out)
    assert "first" in out.getvalue() and "second" not in out.getvalue()


def test_the_outbox_command_prints_json() -> None:
    OutboxMessageFactory(recipient="karen@example.dk", channel="email", subject="Hi", body="x")
    out = StringIO()
    call_command("outbox", "--json", stdout=out)
    (entry,) = json.loads(out.getvalue())
    assert entry["to"] == "karen@example.dk" and entry["subject"] == "Hi"


def test_the_outbox_page_is_for_staff_only(client: Client) -> None:
    OutboxMessageFactory(recipient="+4512345678", body="Your code is 111222")
    assert client.get("/en/demo/outbox/").status_code == 302
    citizen = get_user_model().objects.create_user("mitid-7", password="pw")
    client.force_login(citizen)
    # Told in their language, not sent to the admin's login page, which named the internal
    # account and would end their session (a walk came from the app simulator's link).
    told = client.get("/en/demo/outbox/")
    assert told.status_code == 403 and "The outbox is for staff" in told.content.decode()
    assert "mitid-7" not in told.content.decode()

    staff = get_user_model().objects.create_user("staff", password="pw", is_staff=True)
    client.force_login(staff)
    html = client.get("/en/demo/outbox/?to=%2B4512345678").content.decode()
    assert "Your code is 111222" in html
