"""Gateways: SMS and post backends shaped like Django's e-mail backends, and outbox
simulators of all three.

An SMS backend is a class with `send_messages(messages) -> int`, chosen by `SMS_BACKEND`, and
so is a post backend (the printing and posting service), chosen by `POST_BACKEND`; e-mail uses
Django's own `EMAIL_BACKEND`.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import Protocol

import requests
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
    # The sender's idempotency key: a gateway takes one message per key and recipient.
    key: str = ""


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
            (
                OutboxMessage(
                    channel=Channel.SMS,
                    sender=sms.sender or settings.SMS_SENDER,
                    recipient=sms.to,
                    body=sms.body,
                    key=sms.key,
                )
                for sms in messages
            ),
            ignore_conflicts=True,  # a message tried again with its key: taken once
        )
        return len(messages)


@dataclass(frozen=True)
class Letter:
    # The postal address, one line each.
    to: str
    subject: str
    body: str
    key: str = ""


class PostBackend(Protocol):
    def send_messages(self, messages: Sequence[Letter]) -> int:
        """Print and post the letters; return how many were accepted. Raise GatewayError to
        retry."""


@cache
def get_post_backend() -> PostBackend:
    backend: PostBackend = import_string(settings.POST_BACKEND)()
    return backend


class OutboxPostBackend:
    """Delivers letters to the local outbox: the demo's letterbox, which the demo page shows."""

    def send_messages(self, messages: Sequence[Letter]) -> int:
        OutboxMessage.objects.bulk_create(
            (
                OutboxMessage(
                    channel=Channel.POST,
                    sender=settings.POST_SENDER,
                    recipient=letter.to,
                    subject=letter.subject,
                    body=letter.body,
                    key=letter.key,
                )
                for letter in messages
            ),
            ignore_conflicts=True,
        )
        return len(messages)


class OutboxEmailBackend(BaseEmailBackend):
    """A Django e-mail backend that delivers to the local outbox, one entry per recipient."""

    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        OutboxMessage.objects.bulk_create(
            (
                OutboxMessage(
                    channel=Channel.EMAIL,
                    sender=email.from_email,
                    recipient=recipient,
                    subject=str(email.subject),
                    body=str(email.body),
                    key=email.extra_headers.get("X-Idempotency-Key", ""),
                )
                for email in email_messages
                for recipient in email.recipients()
            ),
            ignore_conflicts=True,
        )
        return len(email_messages)


class HttpSMSBackend:
    """An SMS gateway over HTTP, in the shape most providers offer: one JSON POST a message to
    `SMS_GATEWAY_URL`, with the idempotency key in a header so a repeated try is sent once, and
    `SMS_GATEWAY_TOKEN`, when set, as a bearer token (kept out of the URL, which logs keep).
    Anything but a 2xx answer, or no answer within `SMS_GATEWAY_TIMEOUT_SECONDS`, is a
    GatewayError (tried again)."""

    def send_messages(self, messages: Sequence[SMS]) -> int:
        credentials = (
            {"Authorization": f"Bearer {settings.SMS_GATEWAY_TOKEN}"}
            if settings.SMS_GATEWAY_TOKEN
            else {}
        )
        for sms in messages:
            try:
                answer = requests.post(
                    settings.SMS_GATEWAY_URL,
                    json={
                        "to": sms.to,
                        "from": sms.sender or settings.SMS_SENDER,
                        "text": sms.body,
                    },
                    headers={**credentials, **({"Idempotency-Key": sms.key} if sms.key else {})},
                    timeout=settings.SMS_GATEWAY_TIMEOUT_SECONDS,
                )
            except requests.RequestException as error:
                raise GatewayError(f"SMS gateway unreachable: {type(error).__name__}") from error
            if not 200 <= answer.status_code < 300:
                raise GatewayError(f"SMS gateway answered {answer.status_code}")
        return len(messages)
