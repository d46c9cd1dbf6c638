"""The Celery application; its configuration comes from Django's CELERY_* settings."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mitid_portal.settings.base")

app = Celery("mitid_portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
