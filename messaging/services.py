"""Queueing messages to citizens; delivery happens in a Celery task after the commit."""

from django.db import transaction

from .models import Channel, Message


def queue_sms(*, to: str, body: str) -> Message:
    return _queue(Message(channel=Channel.SMS, recipient=to, body=body))


def queue_email(*, to: str, subject: str, body: str) -> Message:
    return _queue(Message(channel=Channel.EMAIL, recipient=to, subject=subject, body=body))


def _queue(message: Message) -> Message:
    from .tasks import deliver_message

    message.save()
    transaction.on_commit(lambda: deliver_message.delay(message.pk))
    return message
