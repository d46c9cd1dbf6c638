"""Gateways: SMS backends shaped like Django's e-mail backends, and outbox simulators of both.

An SMS backend is a class with `send_messages(messages) -> int`, chosen by `SMS_BACKEND`;
e-mail uses Django's own `EMAIL_BACKEND`.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import Protocol

from django.conf import settings
from django.core.mail import EmailMessage
from django.core.mail.backends.base import BaseEmailBackend
from django.utils.module_loading import import_string

from .models import Channel, OutboxMessage


class GatewayError(Exception):
    """The gateway could not take the message now; delivery should be tried again."""


@dataclass(frozen=True)
class SMS:
    to: str
    body: str
    sender: str = ""


class SMSBackend(Protocol):
    def send_messages(self, messages: Sequence[SMS]) -> int:
        """Send the messages; return how many were accepted. Raise GatewayError to retry."""


@cache
def get_sms_backend() -> SMSBackend:
    backend: SMSBackend = import_string(settings.SMS_BACKEND)()
    return backend


class OutboxSMSBackend:
    """Delivers SMS to the local outbox, where the demo page and the tests read them."""

    def send_messages(self, messages: Sequence[SMS]) -> int:
        OutboxMessage.objects.bulk_create(
            OutboxMessage(
                channel=Channel.SMS,
                sender=sms.sender or settings.SMS_SENDER,
                recipient=sms.to,
                body=sms.body,
            )
            for sms in messages
        )
        return len(messages)


class OutboxEmailBackend(BaseEmailBackend):
    """A Django e-mail backend that delivers to the local outbox, one entry per recipient."""

    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        OutboxMessage.objects.bulk_create(
            OutboxMessage(
                channel=Channel.EMAIL,
                sender=email.from_email,
                recipient=recipient,
                subject=str(email.subject),
                body=str(email.body),
            )
            for email in email_messages
            for recipient in email.recipients()
        )
        return len(email_messages)
