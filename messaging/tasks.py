"""Celery tasks that deliver queued messages, retrying while a gateway is down."""

from typing import Any

from celery import shared_task

from . import delivery
from .backends import GatewayError


@shared_task(
    bind=True,
    autoretry_for=(GatewayError, ConnectionError),
    retry_backoff=True,
    retry_backoff_max=600,
    max_retries=8,
)
def deliver_message(self: Any, message_id: int) -> bool:
    try:
        return delivery.deliver(message_id)
    except (GatewayError, ConnectionError):
        if self.request.retries >= self.max_retries:
            delivery.give_up(message_id)
        raise
