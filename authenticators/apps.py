"""App configuration for authenticators."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuthenticatorsConfig(AppConfig):
    name = "authenticators"
    verbose_name = _("Authenticators")

    def ready(self) -> None:
        # The reasons the lifecycle writes in the audit log and the history, in words for
        # staff; a history's line is read by its kind as an audit entry by its action.
        from audit.labels import register_reasons

        from .lifecycle import BlockReason

        register_reasons(
            {
                **dict(BlockReason.choices),
                "id_check": _("Identity checked in person"),
                "in_person_check": _("Identity checked in person"),
            }
        )
        # Why a use was refused, as a history's line says it (`services.verify`).
        from .models import AuthenticatorEvent
        from .services import BLOCKED_USE

        register_reasons(
            {
                BLOCKED_USE: _("the device is blocked or not active"),
                "locked": _("locked after too many wrong tries"),
                "wrong_code": _("wrong code"),
                "wrong_pin": _("wrong PIN"),
                "wrong_password": _("wrong password"),
            },
            action=AuthenticatorEvent.Kind.REFUSED,
        )
