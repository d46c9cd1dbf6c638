"""Celery tasks of activation: the beat's housekeeping."""

from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from . import copy, desk, passport, services


@shared_task
def clean_up() -> dict[str, int]:
    """Delete what has served its purpose: passport roads that are over, with the MitID an
    abandoned one began, copies never confirmed and the numbers of those never scanned, apps
    whose temporary PIN ran out, and the desk's record of codes sent."""
    before = timezone.now() - timedelta(days=settings.LOGIN_RETENTION_DAYS)
    return {
        **passport.clean_up_roads(),
        "desk_code_sends": desk.forget_sends(before=before),
        "unconfirmed_copies": copy.drop_unconfirmed(),
        "copy_numbers": copy.forget_numbers(),
        "dead_apps": services.drop_dead_apps(),
    }
