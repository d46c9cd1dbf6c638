"""App configuration for activation: codes, orders and chips become active authenticators."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ActivationConfig(AppConfig):
    name = "activation"
    verbose_name = _("Activation")

    def ready(self) -> None:
        # What the desk writes in the audit log, in words for staff.
        from audit.labels import register_reasons
        from audit.models import AuditEntry
        from authenticators.models import AssuranceLevel, AuthenticatorEvent

        from .copy import COPY_CHECK
        from .desk import HANDED_OUT_AT_DESK

        register_reasons(
            {HANDED_OUT_AT_DESK: _("Handed out at Borgerservice")},
            action=AuditEntry.Action.ORDER_CHANGED,
        )
        # The old app's check that lets a new phone have its MitID, in the history.
        register_reasons(
            {COPY_CHECK: _("the MitID app copied to a new phone")},
            action=AuthenticatorEvent.Kind.VERIFIED,
        )
        # A MitID made at the desk, and a new app code for it: the level it was given.
        for given in (AuditEntry.Action.DESK_CREATED, AuditEntry.Action.DESK_NEW_APP_CODE):
            register_reasons(dict(AssuranceLevel.choices), action=given)
