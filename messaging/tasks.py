"""Celery doors of the outbox: deliver one message, and sweep up those still waiting."""

from typing import Any

from celery import shared_task

from . import delivery, services


@shared_task(bind=True, max_retries=None)
def deliver_message(self: Any, message_id: int) -> bool:
    try:
        return delivery.deliver(message_id)
    except delivery.RetryLater as later:
        raise self.retry(exc=later, countdown=later.seconds) from later


@shared_task
def sweep_outbox() -> int:
    return services.sweep()
