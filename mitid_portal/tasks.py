"""The beat's housekeeping of what Django keeps for the whole site."""

from importlib import import_module

from celery import shared_task
from django.conf import settings


@shared_task
def clear_expired_sessions() -> None:
    """Django's `clearsessions`: the rows of sessions past their time. A session ends by
    expiring far more often than by logging out (a closed browser, a party's login left open),
    and nothing else deletes its row: one a login, kept for ever."""
    import_module(settings.SESSION_ENGINE).SessionStore.clear_expired()
