"""Celery doors of the device core: load by id, call `notices`; the texts live there."""

from typing import Any

from celery import shared_task

from messaging.backends import GatewayError

from . import notices


@shared_task(
    bind=True, autoretry_for=(GatewayError, ConnectionError), retry_backoff=True, max_retries=5
)
def send_temporary_pin(self: Any, device_id: int, language: str) -> None:
    notices.send_temporary_pin(device_id, language)


@shared_task
def notify_app_activated(device_id: int) -> None:
    notices.tell_app_activated(device_id)


@shared_task
def notify_chip_registered(chip_id: int) -> None:
    notices.tell_chip_registered(chip_id)


@shared_task
def notify_status_change(identity_id: int, change: str, device_id: str = "") -> None:
    notices.tell_status_change(identity_id, change, device_id)


@shared_task
def notify_use(event_id: int) -> None:
    notices.tell_use(event_id)
