"""The settings the tests run on (and the servers they start): the base settings, DEBUG off as
deployed, with the static files from the finders, so that no test run collects them."""

from mitid_portal.settings.base import *  # noqa: F403
from mitid_portal.settings.base import STORAGES

STATIC_ROOT = None
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
