"""Celery doors of the outbox: hand a message to Celery, deliver it, sweep up those waiting."""

import logging
from datetime import timedelta
from typing import Any

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from . import delivery, health

logger = logging.getLogger(__name__)


def hand_off(message_id: int) -> None:
    """Give the message to Celery now. A broker that is down costs about a second and is
    logged, never raised into the request: the sweep hands the message over again later."""
    try:
        deliver_message.apply_async((message_id,), retry=False)
    except Exception:
        logger.warning(
            "Message %s not handed to Celery now; the outbox sweep will", message_id, exc_info=True
        )


@shared_task(bind=True, max_retries=None)
def deliver_message(self: Any, message_id: int) -> bool:
    try:
        return delivery.deliver(message_id)
    except delivery.RetryLater as later:
        raise self.retry(exc=later, countdown=later.seconds) from later


@shared_task
def sweep_outbox() -> int:
    """Hand over again every queued message whose time has come."""
    due = delivery.claim_due()
    for message_id in due:
        hand_off(message_id)
    return len(due)


@shared_task
def clean_up() -> dict[str, int]:
    """Forget messages delivered or given up on more than MESSAGE_RETENTION_DAYS ago."""
    before = timezone.now() - timedelta(days=settings.MESSAGE_RETENTION_DAYS)
    return delivery.forget_old(before=before)


@shared_task(ignore_result=True)
def heartbeat() -> None:
    """Beat asks a worker to say it is alive (`/health/delivery/` reads when it last did)."""
    health.beat()
