"""Authenticator services: the one way to verify a code, and every change of status."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from . import notices
from .kinds import AnyDevice
from .models import (
    AppDevice,
    AuthenticatorEvent,
    AuthenticatorStatus,
    Identity,
)


class Refused(Exception):
    """A service said no; `code` names why, and is what the App API answers."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


# The purpose of the one check that activates a device: the activation, not a use of MitID.
ACTIVATION_CHECK = "activation"


@dataclass(frozen=True)
class Verification:
    ok: bool
    reason: str = ""  # "", "not_active", "locked", "wrong_pin", "wrong_password", "wrong_code"
    locked_until: datetime | None = None


def record(
    device: AnyDevice, kind: str, detail: str = "", *, service: str = ""
) -> AuthenticatorEvent:
    return AuthenticatorEvent.objects.create(
        identity_id=device.identity_id,
        device=device.persistent_id,
        kind=kind,
        service=service[: AuthenticatorEvent._meta.get_field("service").max_length],
        detail=detail[: AuthenticatorEvent._meta.get_field("detail").max_length],
    )


def verify(
    device: AnyDevice,
    token: str,
    *,
    purpose: str = "",
    service: str = "",
    knowledge: str | None = None,
    challenge: tuple[str, datetime] | None = None,
    locked: bool = False,
) -> Verification:
    """Check `token` on a locked row: status, throttling, the code itself; record the use.

    A login also carries what the citizen knows (the app's PIN for the user-ID, the code
    device's password); a wrong one counts towards the lock like a wrong code. A use for a
    `service` (a login or an approval, not an activation) is the citizen's history of use, and
    is told to them when they asked to hear of every use.

    `locked=True`: the caller selected `device` for update in its own transaction, with its
    `VERIFY_RELATED` (an approval locks the login and its app in one query).
    """
    if locked and not transaction.get_connection().in_atomic_block:
        raise RuntimeError("a locked device is only locked inside the caller's transaction")
    # Within a caller's transaction no savepoint: nothing here is caught and carried on from.
    with transaction.atomic(savepoint=False):
        if not locked:
            # The identity (and what the kind's knowledge is checked against) comes along.
            device = (
                type(device)
                .objects.select_for_update(of=("self",))
                .select_related(*device.VERIFY_RELATED)
                .get(pk=device.pk)
            )
        if challenge is not None and isinstance(device, AppDevice):
            # What the app must sign, issued with the transaction it approves.
            device.challenge, device.challenge_expires_at = challenge
        allowed, info = device.verify_is_allowed()
        if not allowed:
            reason = str((info or {}).get("reason", "locked"))
            if reason not in ("not_active", "locked"):
                reason = "locked"
            outcome = Verification(False, reason, (info or {}).get("locked_until"))
        elif knowledge is not None and not device.check_knowledge(knowledge):
            device.throttle_increment(commit=True)
            outcome = Verification(False, f"wrong_{device.KNOWLEDGE}")
        elif device.verify_token(token):
            outcome = Verification(True)
        else:
            outcome = Verification(False, "wrong_code")
        if outcome.reason == "not_active":
            # In the history, not told: nothing here proves the device was at hand (a chip's
            # credential ID, which its assertion names first, is no secret).
            record_blocked_use(device, service=service, tell=False)
            return outcome
        event = record(
            device,
            AuthenticatorEvent.Kind.VERIFIED if outcome.ok else AuthenticatorEvent.Kind.REFUSED,
            purpose if outcome.ok else outcome.reason,
            service=service,
        )
        if outcome.ok and service and device.identity.notify_on_use:
            _tell_use(event)
    return outcome


def record_blocked_use(
    device: AnyDevice, *, service: str, tell: bool = True
) -> AuthenticatorEvent | None:
    """A blocked or revoked device, or a device of a whole MitID that is blocked, was tried
    for `service`. A "Refused" use in the citizen's history, its detail saying which of the
    two (`AuthenticatorEvent.BLOCKED_USE`, `MITID_BLOCKED_USE`), and, when `tell` (the try
    proved someone has the device or its password: an app's signed request, a code device's
    right password, a chip's signed answer), told to a citizen who asked to hear of every use.
    At most once in `BLOCKED_USE_QUIET_MINUTES` for a device, since whoever holds it can try
    it without end (no lock counts tries of a device that is no longer usable). None when it
    was quiet."""
    since = timezone.now() - timedelta(minutes=settings.BLOCKED_USE_QUIET_MINUTES)
    with transaction.atomic():
        # The person's row, locked: two tries at once make one line, not two.
        identity = (
            Identity.objects.select_for_update()
            .only("notify_on_use", "status")
            .get(pk=device.identity_id)
        )
        whole_mitid = identity.status == Identity.Status.BLOCKED
        detail = (
            AuthenticatorEvent.MITID_BLOCKED_USE if whole_mitid else AuthenticatorEvent.BLOCKED_USE
        )
        tried = AuthenticatorEvent.objects.filter(
            identity_id=device.identity_id,
            device=device.persistent_id,
            kind=AuthenticatorEvent.Kind.REFUSED,
            detail=detail,
            at__gte=since,
        )
        if tried.exists():
            return None
        event = record(device, AuthenticatorEvent.Kind.REFUSED, detail, service=service)
        stopped = whole_mitid or device.status in (
            AuthenticatorStatus.BLOCKED,
            AuthenticatorStatus.REVOKED,
        )
        if tell and service and stopped and identity.notify_on_use:
            _tell_use(event)
    return event


def _tell_use(event: AuthenticatorEvent) -> None:
    notices.tell_use(event.pk)


def _change_status(device: AnyDevice, status: str, event: str, reason: str) -> None:
    with transaction.atomic():
        device = type(device).objects.select_for_update().get(pk=device.pk)
        if device.status == AuthenticatorStatus.REVOKED:
            raise Refused("revoked")  # revoking is for ever
        device.status = status
        if status == AuthenticatorStatus.ACTIVE and device.activated_at is None:
            device.activated_at = timezone.now()
        device.save(update_fields=["status", "activated_at"])
        record(device, event, reason)


def activate(device: AnyDevice) -> None:
    """Blocking, unblocking and revoking are in `lifecycle`: they are audited and told.
    Activation itself, across enrollment and devices, is the `activation` app's."""
    _change_status(device, AuthenticatorStatus.ACTIVE, AuthenticatorEvent.Kind.ACTIVATED, "")


# What activation and self-service ask of a person's apps ----------------------------------

MAX_ACTIVE_APPS = 3


def active_apps(identity: Identity) -> int:
    return AppDevice.objects.filter(identity=identity, status=AuthenticatorStatus.ACTIVE).count()


def mobile_of(identity: Identity) -> str:
    return notices.contact_details(identity)[0]
