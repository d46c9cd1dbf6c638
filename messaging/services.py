"""The outbox: a message is a row written in the caller's transaction, handed to Celery after
the commit (`tasks.hand_off`), and swept up again by Celery beat if that hand-off was lost."""

from functools import partial

from django.db import transaction

from . import tasks
from .models import Channel, Message


def queue_sms(*, to: str, body: str, sensitive: bool = False) -> Message:
    """Queue an SMS in the current transaction. `sensitive`: the text holds a secret (a code,
    a PIN) and is blanked once delivered."""
    return _queue(Message(channel=Channel.SMS, recipient=to, body=body, sensitive=sensitive))


def queue_email(*, to: str, subject: str, body: str, sensitive: bool = False) -> Message:
    """The subject on one line: an e-mail header holds no line break (Django refuses to send
    one that does, and the message would never reach the citizen)."""
    return _queue(
        Message(
            channel=Channel.EMAIL,
            recipient=to,
            subject=" ".join(subject.split()),
            body=body,
            sensitive=sensitive,
        )
    )


def queue_letter(*, to: str, subject: str, body: str, sensitive: bool = False) -> Message:
    """Queue a letter by post; `to` is the postal address, one line each."""
    return _queue(
        Message(channel=Channel.POST, recipient=to, subject=subject, body=body, sensitive=sensitive)
    )


def _queue(message: Message) -> Message:
    message.save()
    transaction.on_commit(partial(tasks.hand_off, message.pk))
    return message
