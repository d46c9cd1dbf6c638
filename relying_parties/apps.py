"""App configuration for OpenID Connect: banks and borger.dk log citizens in with MitID."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RelyingPartiesConfig(AppConfig):
    name = "relying_parties"
    verbose_name = _("Relying parties")

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save
        from oauth2_provider.models import get_application_model

        from audit.labels import register_reasons
        from audit.models import AuditEntry
        from authenticators import signals
        from login import ways_back

        from . import clients, keys, services, views
        from .models import RelyingParty

        keys.use_demo_key_unless_configured()
        # A client or party changed: the clients kept in the cache are old.
        for model in (get_application_model(), RelyingParty):
            for done, signal in (("saved", post_save), ("deleted", post_delete)):
                uid = f"relying-parties:{model._meta.label}-{done}"
                signal.connect(clients.changed, sender=model, dispatch_uid=uid)
        # A party's login goes back to the party in its own last request (login may not
        # import this app: it calls what is registered).
        ways_back.register(views.WAY_BACK, views.way_back)
        # A device blocked or revoked: the codes its logins gave parties end.
        signals.device_out_of_use.connect(
            services.end_codes_of_device, dispatch_uid="relying-parties:device-out-of-use"
        )
        register_reasons(services.CODE_REUSED_WORDS, action=AuditEntry.Action.CODE_REUSED)
