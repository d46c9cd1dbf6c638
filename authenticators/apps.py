"""App configuration for authenticators."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuthenticatorsConfig(AppConfig):
    name = "authenticators"
    verbose_name = _("Authenticators")
