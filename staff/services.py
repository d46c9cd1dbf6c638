"""Staff services beyond the lifecycle ones: their own OTP devices (and enrolling one),
refusals for want of a permission, and logins, which are audited."""

from collections.abc import Sequence

from django.contrib.auth.models import AnonymousUser, User
from django.db import models, transaction
from django.db.models import QuerySet
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from audit.models import AuditEntry
from audit.services import SYSTEM, UNKNOWN_USER
from audit.services import record as audit
from authenticators.models import Identity


def own_totp_devices(user: User) -> "QuerySet[TOTPDevice]":
    """The staff member's own TOTP devices: never a citizen's code device, which is a TOTP
    device too (on the citizen's account)."""
    return (
        TOTPDevice.objects.devices_for_user(user, confirmed=True)
        .filter(codedevice__isnull=True)
        .order_by("pk")
    )


STAFF_DEVICE_NAME = "Authenticator app"
# The reason of an enrolment that deleted the staff member's earlier device (a lost phone's),
# in words in the audit log (staff.apps).
ENROLMENT_REPLACED = "replaced"
ENROLMENT_WORDS = {ENROLMENT_REPLACED: _("an earlier device deleted")}


class StaffDeviceRefused(Exception):
    """No TOTP device was enrolled: `code` says why (`not_staff`, `has_device`)."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


@transaction.atomic
def enrol_staff_totp_device(*, user: User, replace: bool = False) -> TOTPDevice:
    """A new confirmed TOTP device for a staff member, whose key the caller shows them once.

    With `replace`, their own devices before it (a lost phone's) are deleted; without it a
    staff member who has one keeps it, and nothing is made.
    """
    if not user.is_staff:
        raise StaffDeviceRefused("not_staff")
    # Two enrolments at once for one staff member: the second waits, then finds the first's.
    User.objects.select_for_update().filter(pk=user.pk).first()
    # Unconfirmed ones too; never a citizen's code device (a TOTP device of its own).
    devices = TOTPDevice.objects.filter(user=user, codedevice__isnull=True)
    replaced = devices.exists()
    if replaced:
        if not replace:
            raise StaffDeviceRefused("has_device")
        devices.delete()
    device: TOTPDevice = TOTPDevice.objects.create(
        user=user, name=STAFF_DEVICE_NAME, confirmed=True
    )
    # Whoever holds the new key can log in as them: it is in the audit log, by the system
    # (the command line has no staff member).
    audit(
        AuditEntry.Action.STAFF_TOTP_ENROLLED,
        by=None,
        unless_staff=SYSTEM,
        target=user.get_username(),
        reason=ENROLMENT_REPLACED if replaced else "",
    )
    return device


def _identity_of(thing: models.Model) -> Identity | None:
    if isinstance(thing, Identity):
        return thing
    identity = getattr(thing, "identity", None)
    return identity if isinstance(identity, Identity) else None


def record_permission_denied(
    *, by: User | AnonymousUser, action: str, what: str | Promise, objects: Sequence[models.Model]
) -> AuditEntry:
    """A staff member tried an action their groups do not allow; nothing was done.

    `what` names the kind of object (its admin), `objects` those selected. The entry names
    the identity when all of them belong to one.
    """
    identities = {_identity_of(thing) for thing in objects}
    identity = identities.pop() if len(identities) == 1 else None
    return audit(
        AuditEntry.Action.PERMISSION_DENIED,
        by=by,
        identity=identity,
        target=lambda: f"{what}: {', '.join(str(thing) for thing in objects)}",
        reason=action,
        detail=",".join(str(thing.pk) for thing in objects),
    )


# Why a staff login failed, from the login form's error codes (Django's and django-otp's).
LOGIN_FAILURES = {
    "invalid_login": "wrong_password",
    "inactive": "wrong_password",
    "token_required": "no_code",
    "invalid_token": "wrong_code",
    "n_failed_attempts": "code_throttled",
    "verification_not_allowed": "code_throttled",
    "device_required": "no_device",
}
LOCKED_OUT = "locked_out"
# The same, in words for the audit log.
LOGIN_FAILURE_WORDS = {
    "wrong_password": _("wrong username or password"),
    "no_code": _("no code from the code device"),
    "wrong_code": _("wrong code"),
    "code_throttled": _("too many wrong codes: wait a while"),
    "no_device": _("no code device set up"),
    LOCKED_OUT: _("locked out after too many failed logins"),
}


def record_staff_login(*, user: User, client: str) -> AuditEntry:
    return audit(AuditEntry.Action.STAFF_LOGIN, by=user, detail=f"client {client}")


def record_failed_staff_login(
    *, username: str, error_codes: Sequence[str], locked_out: bool, client: str
) -> AuditEntry:
    """A failed try: the account it was for (when the username is one), why, and from where.

    A username that is no account is not written down: it is often a password typed into the
    wrong field.
    """
    account = User.objects.filter(username=username).first() if username else None
    reasons = {LOGIN_FAILURES.get(code, code) for code in error_codes}
    return audit(
        AuditEntry.Action.STAFF_LOGIN_FAILED,
        by=account,
        unless_staff=UNKNOWN_USER,
        reason=LOCKED_OUT if locked_out else ",".join(sorted(reasons)),
        detail=f"client {client}",
    )
