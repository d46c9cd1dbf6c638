"""Celery doors of self-service (for tasks queued before the outbox): call `notices`."""

from celery import shared_task

from . import notices


@shared_task
def send_contact_change_code(change_id: int, language: str) -> None:
    notices.send_contact_change_code(change_id, language)


@shared_task
def tell_replaced_address(change_id: int) -> None:
    notices.tell_replaced_address(change_id)
