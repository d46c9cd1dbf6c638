"""Celery tasks of self-service: the code that confirms new contact details."""

from typing import Any

from celery import shared_task
from django.db import transaction

from enrollment import services as enrollment
from enrollment.tasks import deliver_code
from messaging.backends import GatewayError

from .models import ContactChange


@shared_task(
    bind=True, autoretry_for=(GatewayError, ConnectionError), retry_backoff=True, max_retries=5
)
def send_contact_change_code(self: Any, change_id: int, language: str) -> None:
    """Make a code (enrollment's machinery) and send it to the new address."""
    with transaction.atomic():
        change = ContactChange.objects.select_for_update().get(pk=change_id)
        if change.confirmed_at is not None:
            return
        code = enrollment.renew_code(change)
    deliver_code(change.channel, change.address, code, language)
