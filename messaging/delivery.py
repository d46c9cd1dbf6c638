"""Handing one queued message to its gateway: tried until delivered, delivered once."""

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone

from .backends import SMS, GatewayError, Letter, get_post_backend, get_sms_backend
from .models import Channel, Message, OutboxMessage

logger = logging.getLogger(__name__)

# How long Celery waits before the next try after a gateway error, by tries so far: 2, 4, 8 s
# and so on, at most 10 minutes.
MAX_RETRY_SECONDS = 600


def retry_in(attempts: int) -> int:
    return int(min(MAX_RETRY_SECONDS, 2**attempts))


class RetryLater(Exception):
    """The gateway failed; try again in `seconds` (a Celery retry; the sweep if that is lost)."""

    def __init__(self, seconds: int) -> None:
        super().__init__(f"retry in {seconds} s")
        self.seconds = seconds


def deliver(message_id: int) -> bool:
    """Send the message unless it was sent already; return whether this call sent it.

    The row is locked only to take the try: the gateway call runs outside the transaction,
    and the message's key lets the gateway drop a second copy if this try is repeated after a
    crash between sending and marking it sent. Raises RetryLater when the gateway failed and
    another try should follow; after OUTBOX_MAX_ATTEMPTS tries the message is given up on.
    """
    with transaction.atomic():
        message = Message.objects.select_for_update().get(pk=message_id)
        if message.status != Message.Status.QUEUED:
            return False
        message.attempts += 1
        # The lease: the sweep leaves the message alone while this try and its retry run.
        message.next_attempt_at = timezone.now() + timedelta(
            seconds=retry_in(message.attempts) + settings.OUTBOX_RETRY_SECONDS
        )
        message.save(update_fields=["attempts", "next_attempt_at"])
    try:
        send(
            channel=message.channel,
            to=message.recipient,
            subject=message.subject,
            body=message.body,
            key=str(message.key),
        )
    except GatewayError as error:
        if message.attempts >= settings.OUTBOX_MAX_ATTEMPTS:
            give_up(message_id)
            return False
        logger.warning("Message %s: gateway failed (%s); tried again later", message_id, error)
        raise RetryLater(retry_in(message.attempts)) from error
    Message.objects.filter(pk=message.pk).update(
        status=Message.Status.SENT,
        sent_at=timezone.now(),
        # A code or PIN lives no longer than its delivery.
        **({"body": ""} if message.sensitive else {}),
    )
    return True


def send(*, channel: str, to: str, body: str, subject: str = "", key: str = "") -> None:
    """Hand one message to the SMS, post or e-mail gateway now; raises GatewayError to retry."""
    if channel == Channel.SMS:
        get_sms_backend().send_messages([SMS(to=to, body=body, key=key)])
        return
    if channel == Channel.POST:
        get_post_backend().send_messages([Letter(to=to, subject=subject, body=body, key=key)])
        return
    headers = {"X-Idempotency-Key": key} if key else {}
    try:
        EmailMessage(
            subject=subject,
            body=body,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[to],
            headers=headers,
        ).send()
    except OSError as error:  # SMTP refused or unreachable: try again later
        raise GatewayError(str(error)) from error


def give_up(message_id: int) -> None:
    logger.error("Message %s could not be delivered; given up", message_id)
    Message.objects.filter(pk=message_id).exclude(status=Message.Status.SENT).update(
        status=Message.Status.FAILED
    )


def claim_due(*, limit: int = 500) -> list[int]:
    """The queued messages whose time has come (a lost hand-off, a worker that died with it),
    each given a new lease first, so that two sweeps do not both take it."""
    now = timezone.now()
    due = list(
        Message.objects.filter(status=Message.Status.QUEUED, next_attempt_at__lte=now)
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:limit]
    )
    lease = now + timedelta(seconds=settings.OUTBOX_RETRY_SECONDS)
    Message.objects.filter(pk__in=due).update(next_attempt_at=lease)
    return due


def forget_old(*, before: datetime) -> dict[str, int]:
    """Delete what was delivered or given up on before `before`: the messages (who got them,
    and the words of those that held no secret) and the simulated gateways' deliveries. A
    message still queued stays, whatever its age."""
    done = (Message.Status.SENT, Message.Status.FAILED)
    return {
        "messages": Message.objects.filter(status__in=done, created_at__lt=before).delete()[0],
        "simulated_deliveries": OutboxMessage.objects.filter(delivered_at__lt=before).delete()[0],
    }
