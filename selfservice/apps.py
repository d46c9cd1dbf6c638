"""Self-service: the citizen's MitID after login."""

from django.apps import AppConfig
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _


class SelfserviceConfig(AppConfig):
    name = "selfservice"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # What the citizen's changes write in the audit log, in words for staff: the setting
        # and which way it was switched, the contact detail changed (never the address).
        from audit.labels import register_reasons
        from audit.models import AuditEntry
        from authenticators.models import Identity

        from .services import SETTINGS, setting_code

        names = {field.name: field.verbose_name for field in Identity._meta.fields}
        ways = {True: _("switched on"), False: _("switched off")}
        register_reasons(
            {
                setting_code(field, on): format_lazy("{}: {}", names[field], ways[on])
                for field in SETTINGS
                for on in (True, False)
            },
            action=AuditEntry.Action.SETTING_CHANGED,
        )
        register_reasons(
            {"mobile": _("Mobile number"), "email": _("E-mail")},
            action=AuditEntry.Action.CONTACT_CHANGED,
        )
