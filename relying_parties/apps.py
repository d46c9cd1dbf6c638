"""App configuration for OpenID Connect: banks and borger.dk log citizens in with MitID."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RelyingPartiesConfig(AppConfig):
    name = "relying_parties"
    verbose_name = _("Relying parties")

    def ready(self) -> None:
        from login import ways_back

        from . import keys, views

        keys.use_demo_key_unless_configured()
        # A party's login goes back to the party in its own last request (login may not
        # import this app: it calls what is registered).
        ways_back.register(views.WAY_BACK, views.way_back)
