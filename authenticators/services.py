"""Authenticator services: the one way to verify a code, and every change of status."""

from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from .models import AuthenticatorEvent, AuthenticatorStatus, CodeDevice

Device = CodeDevice


@dataclass(frozen=True)
class Verification:
    ok: bool
    reason: str = ""  # "", "not_active", "locked", "wrong_code"
    locked_until: datetime | None = None


def record(device: Device, kind: str, detail: str = "") -> None:
    AuthenticatorEvent.objects.create(
        identity_id=device.identity_id, device=device.persistent_id, kind=kind, detail=detail
    )


def verify(device: Device, token: str, *, purpose: str = "") -> Verification:
    """Check `token` on a locked row: status, throttling, the code itself; record the use."""
    with transaction.atomic():
        device = type(device).objects.select_for_update().get(pk=device.pk)
        allowed, info = device.verify_is_allowed()
        if not allowed:
            reason = str((info or {}).get("reason", "locked"))
            if reason not in ("not_active", "locked"):
                reason = "locked"
            outcome = Verification(False, reason, (info or {}).get("locked_until"))
        elif device.verify_token(token):
            outcome = Verification(True)
        else:
            outcome = Verification(False, "wrong_code")
        record(
            device,
            AuthenticatorEvent.Kind.VERIFIED if outcome.ok else AuthenticatorEvent.Kind.REFUSED,
            purpose if outcome.ok else outcome.reason,
        )
    return outcome


def _change_status(device: Device, status: str, event: str, reason: str) -> None:
    with transaction.atomic():
        device = type(device).objects.select_for_update().get(pk=device.pk)
        device.status = status
        if status == AuthenticatorStatus.ACTIVE and device.activated_at is None:
            device.activated_at = timezone.now()
        device.save(update_fields=["status", "activated_at"])
        record(device, event, reason)


def activate(device: Device) -> None:
    _change_status(device, AuthenticatorStatus.ACTIVE, AuthenticatorEvent.Kind.ACTIVATED, "")


def block(device: Device, *, reason: str) -> None:
    _change_status(device, AuthenticatorStatus.BLOCKED, AuthenticatorEvent.Kind.BLOCKED, reason)


def revoke(device: Device, *, reason: str) -> None:
    _change_status(device, AuthenticatorStatus.REVOKED, AuthenticatorEvent.Kind.REVOKED, reason)
