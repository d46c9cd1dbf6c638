"""App configuration for the passport checks: the MRZ, the chip and the face, with simulators."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PassportsConfig(AppConfig):
    name = "passports"
    verbose_name = _("Passport checks")
