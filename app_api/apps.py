"""App configuration for the App API that the MitID app calls."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AppApiConfig(AppConfig):
    name = "app_api"
    verbose_name = _("App API")
