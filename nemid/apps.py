"""App configuration for the NemID client and its simulator."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NemidConfig(AppConfig):
    name = "nemid"
    verbose_name = _("NemID (simulator)")
