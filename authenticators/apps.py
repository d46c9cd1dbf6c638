"""App configuration for authenticators."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuthenticatorsConfig(AppConfig):
    name = "authenticators"
    verbose_name = _("Authenticators")

    def ready(self) -> None:
        # The codes the lifecycle and the checks write in the audit log (by action) and in
        # the history (by kind), in words for staff. Each under the actions whose reason is
        # a code: where a reason is free text (a party's transaction, a staff note), a word
        # that happens to be a code stays as written.
        from audit.labels import register_details, register_reasons
        from audit.models import AuditEntry

        from .lifecycle import BlockReason
        from .models import AssuranceLevel, AuthenticatorEvent, IdDocument
        from .services import ACTIVATION_CHECK

        action, kind = AuditEntry.Action, AuthenticatorEvent.Kind
        # An ID check's detail names the document seen by its code (`IdCheck`).
        register_details(
            dict(IdDocument.choices),
            actions=(
                action.DEVICE_UNBLOCKED,
                action.IDENTITY_UNBLOCKED,
                action.LEVEL_RAISED,
                action.DESK_CREATED,
                action.DESK_NEW_APP_CODE,
            ),
        )
        for blocked in (
            action.DEVICE_BLOCKED,
            action.DEVICE_REVOKED,
            action.IDENTITY_BLOCKED,
            kind.BLOCKED,
            kind.REVOKED,
            kind.IDENTITY_BLOCKED,
        ):
            register_reasons(dict(BlockReason.choices), action=blocked)
        checked = {
            "id_check": _("Identity checked in person"),
            "in_person_check": _("Identity checked in person"),
        }
        for lifted in (
            action.DEVICE_UNBLOCKED,
            action.IDENTITY_UNBLOCKED,
            action.LEVEL_RAISED,
            kind.UNBLOCKED,
            kind.IDENTITY_UNBLOCKED,
        ):
            register_reasons(checked, action=lifted)
        register_reasons(dict(AssuranceLevel.choices), action=kind.LEVEL_RAISED)
        # Why a use was refused (`services.verify`, the App API's activation).
        register_reasons(
            {
                AuthenticatorEvent.BLOCKED_USE: _("the device is blocked or not active"),
                AuthenticatorEvent.MITID_BLOCKED_USE: _("the whole MitID is blocked"),
                "locked": _("locked after too many wrong tries"),
                "wrong_code": _("wrong code"),
                "wrong_pin": _("wrong PIN"),
                "wrong_password": _("wrong password"),
                "wrong_temporary_pin": _("wrong temporary PIN"),
            },
            action=kind.REFUSED,
        )
        # A use's detail is what was logged in to or approved, as the citizen saw it; the
        # one check that activates a device is named by a code.
        register_reasons(
            {ACTIVATION_CHECK: _("the first code, at activation")}, action=kind.VERIFIED
        )
