"""App configuration for the CPR register client and its simulator."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CprConfig(AppConfig):
    name = "cpr"
    verbose_name = _("CPR register (simulator)")
