"""Blocking, unblocking, revoking and raising the level: by the citizen or by staff.

Each change runs on a locked row, shows in the citizen's history, is written to the audit log
with who and why, and is told to the citizen by SMS and e-mail (a Celery task after the
commit). `by` is the staff member, or None when the citizen acts on their own MitID.
"""

from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser, User
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from audit.models import AuditEntry
from audit.services import record as audit

from . import notices, signals
from .kinds import AnyDevice
from .models import (
    AppDevice,
    AppLogin,
    AssuranceLevel,
    AuthenticatorEvent,
    AuthenticatorStatus,
    IdDocument,
    Identity,
)
from .services import Refused, record

Actor = User | AnonymousUser | None


class BlockReason(models.TextChoices):
    LOST = "lost", _("Lost")
    STOLEN = "stolen", _("Stolen")
    MISUSE = "misuse", _("Suspected misuse")
    OTHER = "other", _("Other")


@dataclass(frozen=True)
class IdCheck:
    """An ID document staff saw in person: its type and the last 4 characters of its number."""

    document: str
    last4: str

    def __post_init__(self) -> None:
        if self.document not in IdDocument.values:
            raise Refused("id_check_missing")
        if len(self.last4) != 4 or not self.last4.isalnum():
            raise Refused("id_check_missing")

    def __str__(self) -> str:
        # The audit log keeps the document's code, the same in every staff member's language.
        return f"{self.document} …{self.last4.upper()}"


def _tell(identity: Identity, notice: str, device: AnyDevice | None = None) -> None:
    device_id = device.persistent_id if device is not None else ""
    notices.tell_status_change(identity.pk, notice, device_id)


def _locked(device: AnyDevice) -> AnyDevice:
    return type(device).objects.select_for_update().get(pk=device.pk)


def _change_device(
    device: AnyDevice,
    *,
    to: str,
    refusals: dict[str, str],
    event: str,
    action: str,
    notice: str,
    by: Actor,
    reason: str,
    detail: str,
) -> AnyDevice:
    """On the locked row: refuse by the current status, or change it, record, audit, tell
    (`notice`, unless "")."""
    with transaction.atomic():
        device = _locked(device)
        if device.status in refusals:
            raise Refused(refusals[device.status])
        device.status = to
        device.save(update_fields=["status"])
        if to in (AuthenticatorStatus.BLOCKED, AuthenticatorStatus.REVOKED):
            signals.device_out_of_use.send(sender=type(device), device=device)
        record(device, event, reason)
        audit(
            action,
            by=by,
            identity=device.identity,
            target=lambda: device.label,
            reason=reason,
            detail=detail,
        )
        if notice:
            _tell(device.identity, notice, device)
    return device


# Authenticators ---------------------------------------------------------------------------


def block_device(device: AnyDevice, *, reason: str, by: Actor, note: str = "") -> None:
    """Block at once: a blocked device never completes a login or an approval again."""
    if reason not in BlockReason.values:
        raise Refused("reason_missing")
    _change_device(
        device,
        to=AuthenticatorStatus.BLOCKED,
        refusals={
            AuthenticatorStatus.REVOKED: "revoked",
            AuthenticatorStatus.BLOCKED: "already_blocked",
        },
        event=AuthenticatorEvent.Kind.BLOCKED,
        action=AuditEntry.Action.DEVICE_BLOCKED,
        notice="device_blocked",
        by=by,
        reason=reason,
        detail=note,
    )


def unblock_device(device: AnyDevice, *, by: Actor, id_check: IdCheck) -> None:
    """Staff lift a block after seeing the citizen's ID document; the lock count starts over.
    An app blocked before it was ever activated (no PIN of its own yet) is pending again, not
    active: only its temporary PIN and a PIN of its own make it active. Its citizen is not
    told that it works again, which it does not (if its PIN has run out, the hourly clean-up
    takes it, and the phone starts again)."""
    with transaction.atomic():
        device = _locked(device)
        never_activated = isinstance(device, AppDevice) and not device.pin_hash
        device = _change_device(
            device,
            to=AuthenticatorStatus.PENDING if never_activated else AuthenticatorStatus.ACTIVE,
            refusals={
                status: "not_blocked"
                for status in AuthenticatorStatus.values
                if status != AuthenticatorStatus.BLOCKED
            },
            event=AuthenticatorEvent.Kind.UNBLOCKED,
            action=AuditEntry.Action.DEVICE_UNBLOCKED,
            notice="" if never_activated else "device_unblocked",
            by=by,
            reason="id_check",
            detail=str(id_check),
        )
        device.throttle_reset(commit=True)


def revoke_device(device: AnyDevice, *, reason: str, by: Actor, note: str = "") -> None:
    """Revoking is for ever: the device can never be used or unblocked again."""
    if reason not in BlockReason.values:
        raise Refused("reason_missing")
    _change_device(
        device,
        to=AuthenticatorStatus.REVOKED,
        refusals={AuthenticatorStatus.REVOKED: "revoked"},
        event=AuthenticatorEvent.Kind.REVOKED,
        action=AuditEntry.Action.DEVICE_REVOKED,
        notice="device_revoked",
        by=by,
        reason=reason,
        detail=note,
    )


# The whole MitID ---------------------------------------------------------------------------


def _locked_identity(identity: Identity) -> Identity:
    return Identity.objects.select_for_update().get(pk=identity.pk)


def record_identity_event(identity: Identity, kind: str, detail: str) -> None:
    """An event of the whole MitID (no device) in the citizen's history."""
    AuthenticatorEvent.objects.create(identity=identity, device="", kind=kind, detail=detail)


def block_identity(identity: Identity, *, reason: str, by: Actor, note: str = "") -> None:
    """Nothing of this MitID works until staff lift the block after an ID check."""
    if reason not in BlockReason.values:
        raise Refused("reason_missing")
    with transaction.atomic():
        identity = _locked_identity(identity)
        if identity.status == Identity.Status.BLOCKED:
            raise Refused("already_blocked")
        if identity.status != Identity.Status.ACTIVE:
            raise Refused("not_active")
        identity.status = Identity.Status.BLOCKED
        identity.save(update_fields=["status"])
        # A login waiting in the app must not be approved after the block.
        AppLogin.objects.filter(identity=identity, status__in=AppLogin.OPEN).update(
            status=AppLogin.Status.CANCELLED, decided_at=timezone.now()
        )
        record_identity_event(identity, AuthenticatorEvent.Kind.IDENTITY_BLOCKED, reason)
        audit(
            AuditEntry.Action.IDENTITY_BLOCKED,
            by=by,
            identity=identity,
            target=identity.user_id,
            reason=reason,
            detail=note,
        )
        _tell(identity, "identity_blocked")


def lift_identity_block(identity: Identity, *, by: Actor, id_check: IdCheck) -> None:
    with transaction.atomic():
        identity = _locked_identity(identity)
        if identity.status != Identity.Status.BLOCKED:
            raise Refused("not_blocked")
        identity.status = Identity.Status.ACTIVE
        identity.save(update_fields=["status"])
        record_identity_event(identity, AuthenticatorEvent.Kind.IDENTITY_UNBLOCKED, "id_check")
        audit(
            AuditEntry.Action.IDENTITY_UNBLOCKED,
            by=by,
            identity=identity,
            target=identity.user_id,
            reason="id_check",
            detail=str(id_check),
        )
        _tell(identity, "identity_unblocked")


def raise_to_high(identity: Identity, *, by: Actor, id_check: IdCheck) -> None:
    """After an in-person ID check: the identity and its usable authenticators become High."""
    with transaction.atomic():
        identity = _locked_identity(identity)
        if identity.status != Identity.Status.ACTIVE:
            raise Refused("not_active")
        if identity.level == AssuranceLevel.HIGH:
            raise Refused("already_high")
        identity.level = AssuranceLevel.HIGH
        identity.level_document = id_check.document
        identity.level_document_last4 = id_check.last4.upper()
        identity.level_checked_at = timezone.now()
        identity.save(
            update_fields=["level", "level_document", "level_document_last4", "level_checked_at"]
        )
        for kind in (identity.appdevices, identity.codedevices, identity.chipdevices):
            kind.filter(status=AuthenticatorStatus.ACTIVE).update(level=AssuranceLevel.HIGH)
        record_identity_event(identity, AuthenticatorEvent.Kind.LEVEL_RAISED, AssuranceLevel.HIGH)
        audit(
            AuditEntry.Action.LEVEL_RAISED,
            by=by,
            identity=identity,
            target=identity.user_id,
            reason="in_person_check",
            detail=str(id_check),
        )
        _tell(identity, "level_raised")
