"""Handing one queued message to its gateway, exactly once."""

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone

from .backends import SMS, get_sms_backend
from .models import Channel, Message


def deliver(message_id: int) -> bool:
    """Send the message unless it was sent already; return whether this call sent it."""
    with transaction.atomic():
        message = Message.objects.select_for_update().get(pk=message_id)
        if message.status == Message.Status.SENT:
            return False
        message.attempts += 1
        message.save(update_fields=["attempts"])
    send(channel=message.channel, to=message.recipient, subject=message.subject, body=message.body)
    Message.objects.filter(pk=message.pk).update(status=Message.Status.SENT, sent_at=timezone.now())
    return True


def send(*, channel: str, to: str, body: str, subject: str = "") -> None:
    """Hand one message to the SMS or e-mail gateway now; raises GatewayError to retry."""
    if channel == Channel.SMS:
        get_sms_backend().send_messages([SMS(to=to, body=body)])
    else:
        EmailMessage(
            subject=subject, body=body, from_email=settings.DEFAULT_FROM_EMAIL, to=[to]
        ).send()


def give_up(message_id: int) -> None:
    Message.objects.filter(pk=message_id).exclude(status=Message.Status.SENT).update(
        status=Message.Status.FAILED
    )
