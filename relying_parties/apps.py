"""App configuration for OpenID Connect: banks and borger.dk log citizens in with MitID."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RelyingPartiesConfig(AppConfig):
    name = "relying_parties"
    verbose_name = _("Relying parties")

    def ready(self) -> None:
        from . import keys

        keys.use_demo_key_unless_configured()
