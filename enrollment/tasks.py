"""Celery tasks of enrollment: contact codes, device orders, and the beat's housekeeping."""

from datetime import timedelta
from typing import Any

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from authenticators.models import AppLogin
from messaging.backends import GatewayError

from . import codes, notices, orders, state
from .models import AppActivationCode, CodeSend, ContactCode


@shared_task(
    bind=True, autoretry_for=(GatewayError, ConnectionError), retry_backoff=True, max_retries=5
)
def send_contact_code(self: Any, contact_code_id: int, language: str) -> None:
    """Make a code and send it; the code exists only in this task and in the message."""
    contact_code, code = codes.new_contact_code(contact_code_id)
    notices.deliver_code(contact_code.channel, contact_code.address, code, language)


@shared_task
def confirm_device_order(order_id: int, language: str) -> None:
    """Tell the citizen, by SMS and e-mail where confirmed, that their device is ordered."""
    notices.tell_order_placed(order_id, language)


@shared_task
def notify_order(order_id: int, event: str) -> None:
    """Tell the citizen how their device order moved on, in their language."""
    notices.tell_order_moved(order_id, event)


@shared_task
def mark_posted_orders_delivered() -> int:
    return orders.mark_posted_orders_delivered()


@shared_task
def remind_unactivated_devices() -> int:
    return orders.remind_unactivated_devices()


@shared_task
def expire_enrollment_cases() -> int:
    return state.expire_due_cases()


@shared_task
def clean_up() -> dict[str, int]:
    """Delete what has served its purpose: old app logins and used or expired codes."""
    before = timezone.now() - timedelta(days=settings.LOGIN_RETENTION_DAYS)
    finished = ContactCode.objects.exclude(case__status__in=state.LIVE)
    return {
        "app_logins": AppLogin.objects.filter(expires_at__lt=before).delete()[0],
        "activation_codes": AppActivationCode.objects.filter(expires_at__lt=before).delete()[0],
        "code_sends": CodeSend.objects.filter(sent_at__lt=before).delete()[0],
        "contact_codes": finished.delete()[0],
    }
