"""App configuration for activation: codes, orders and chips become active authenticators."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ActivationConfig(AppConfig):
    name = "activation"
    verbose_name = _("Activation")
