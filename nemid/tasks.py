"""Celery doors of NemID: the beat's housekeeping."""

from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from .models import Challenge


@shared_task
def clean_up() -> int:
    """Delete key card challenges that ran out more than LOGIN_RETENTION_DAYS ago: one a
    NemID login, answered or not, and of no use after it."""
    before = timezone.now() - timedelta(days=settings.LOGIN_RETENTION_DAYS)
    deleted: int = Challenge.objects.filter(expires_at__lt=before).delete()[0]
    return deleted
