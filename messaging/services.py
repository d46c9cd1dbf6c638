"""The outbox: a message is a row written in the caller's transaction, handed to Celery after
the commit, and swept up again by Celery beat if that hand-off was lost."""

import logging
from datetime import timedelta
from functools import partial

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from .models import Channel, Message

logger = logging.getLogger(__name__)


def queue_sms(*, to: str, body: str, sensitive: bool = False) -> Message:
    """Queue an SMS in the current transaction. `sensitive`: the text holds a secret (a code,
    a PIN) and is blanked once delivered."""
    return _queue(Message(channel=Channel.SMS, recipient=to, body=body, sensitive=sensitive))


def queue_email(*, to: str, subject: str, body: str, sensitive: bool = False) -> Message:
    return _queue(
        Message(
            channel=Channel.EMAIL, recipient=to, subject=subject, body=body, sensitive=sensitive
        )
    )


def _queue(message: Message) -> Message:
    message.save()
    transaction.on_commit(partial(hand_off, message.pk))
    return message


def hand_off(message_id: int) -> None:
    """Give the message to Celery now. A broker that is down costs about a second and is
    logged, never raised into the request: the sweep hands the message over again later."""
    from .tasks import deliver_message  # the task module is the door that calls back here

    try:
        deliver_message.apply_async((message_id,), retry=False)
    except Exception:
        logger.warning(
            "Message %s not handed to Celery now; the outbox sweep will", message_id, exc_info=True
        )


def sweep(*, limit: int = 500) -> int:
    """Hand over again every queued message whose time has come (a lost hand-off, a worker
    that died with it); each gets a new lease first, so two sweeps do not both take it."""
    now = timezone.now()
    due = list(
        Message.objects.filter(status=Message.Status.QUEUED, next_attempt_at__lte=now)
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:limit]
    )
    lease = now + timedelta(seconds=settings.OUTBOX_RETRY_SECONDS)
    Message.objects.filter(pk__in=due).update(next_attempt_at=lease)
    for message_id in due:
        hand_off(message_id)
    return len(due)
