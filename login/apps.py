"""App configuration for logging in with MitID."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LoginConfig(AppConfig):
    name = "login"
    verbose_name = _("MitID login")
