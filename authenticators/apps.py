"""App configuration for authenticators."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuthenticatorsConfig(AppConfig):
    name = "authenticators"
    verbose_name = _("Authenticators")

    def ready(self) -> None:
        # The reasons the lifecycle writes in the audit log, in words for staff.
        from audit.labels import register_reasons

        from .lifecycle import BlockReason

        register_reasons(
            {
                **dict(BlockReason.choices),
                "id_check": _("Identity checked in person"),
                "in_person_check": _("Identity checked in person"),
            }
        )
