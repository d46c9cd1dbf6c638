"""Authenticator services: the one way to verify a code, and every change of status."""

import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.db import transaction
from django.utils import timezone

from enrollment.user_ids import normalise_user_id

from . import app_keys, attempts, webauthn
from .models import (
    AppDevice,
    AuthenticatorEvent,
    AuthenticatorStatus,
    ChipDevice,
    CodeDevice,
    HardwareToken,
    Identity,
)

if TYPE_CHECKING:
    from enrollment.models import AppActivationCode, DeviceOrder

Device = CodeDevice | AppDevice | ChipDevice


class Refused(Exception):
    """A service said no; `code` names why, and is what the App API answers."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


@dataclass(frozen=True)
class Verification:
    ok: bool
    reason: str = ""  # "", "not_active", "locked", "wrong_pin", "wrong_password", "wrong_code"
    locked_until: datetime | None = None


def record(device: Device, kind: str, detail: str = "", *, service: str = "") -> AuthenticatorEvent:
    return AuthenticatorEvent.objects.create(
        identity_id=device.identity_id,
        device=device.persistent_id,
        kind=kind,
        service=service[: AuthenticatorEvent._meta.get_field("service").max_length],
        detail=detail[: AuthenticatorEvent._meta.get_field("detail").max_length],
    )


def verify(
    device: Device,
    token: str,
    *,
    purpose: str = "",
    service: str = "",
    knowledge: str | None = None,
    challenge: tuple[str, datetime] | None = None,
) -> Verification:
    """Check `token` on a locked row: status, throttling, the code itself; record the use.

    A login also carries what the citizen knows (the app's PIN for the user-ID, the code
    device's password); a wrong one counts towards the lock like a wrong code. A use for a
    `service` (a login or an approval, not an activation) is the citizen's history of use, and
    is told to them when they asked to hear of every use.
    """
    with transaction.atomic():
        device = type(device).objects.select_for_update().get(pk=device.pk)
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
        event = record(
            device,
            AuthenticatorEvent.Kind.VERIFIED if outcome.ok else AuthenticatorEvent.Kind.REFUSED,
            purpose if outcome.ok else outcome.reason,
            service=service,
        )
        if outcome.ok and service and device.identity.notify_on_use:
            _tell_use(event)
    return outcome


def _tell_use(event: AuthenticatorEvent) -> None:
    from .tasks import notify_use

    transaction.on_commit(lambda: notify_use.delay(event.pk))


def _change_status(device: Device, status: str, event: str, reason: str) -> None:
    with transaction.atomic():
        device = type(device).objects.select_for_update().get(pk=device.pk)
        if device.status == AuthenticatorStatus.REVOKED:
            raise Refused("revoked")  # revoking is for ever
        device.status = status
        if status == AuthenticatorStatus.ACTIVE and device.activated_at is None:
            device.activated_at = timezone.now()
        device.save(update_fields=["status", "activated_at"])
        record(device, event, reason)


def activate(device: Device) -> None:
    """Blocking, unblocking and revoking are in `lifecycle`: they are audited and told."""
    _change_status(device, AuthenticatorStatus.ACTIVE, AuthenticatorEvent.Kind.ACTIVATED, "")


# Fulfilling device orders, and activating a code device ----------------------------------

# A refused first use at activation, as the activation pages and the App API name it.
ACTIVATION_REFUSALS = {
    "not_active": "device_blocked",
    "locked": "locked",
    "wrong_code": "wrong_code",
    "wrong_pin": "wrong_code",
    "wrong_password": "wrong_code",
}


class ActivationRefused(Refused):
    """Activation said no."""


@transaction.atomic
def fulfil_order(order: "DeviceOrder", *, handed_out: bool) -> HardwareToken:
    """Assign a device of the ordered kind from stock; the order is sent or handed out."""
    from enrollment.models import DeviceOrder

    order = DeviceOrder.objects.select_for_update().get(pk=order.pk)
    if order.status not in (DeviceOrder.Status.ORDERED,):
        raise ActivationRefused("order_not_open")
    token = (
        HardwareToken.objects.select_for_update(skip_locked=True)
        .filter(kind=order.kind, assigned_to__isnull=True)
        .first()
    )
    if token is None:
        raise ActivationRefused("out_of_stock")
    token.assigned_to = order.identity
    token.save(update_fields=["assigned_to"])
    order.token = token
    order.status = DeviceOrder.Status.COLLECTED if handed_out else DeviceOrder.Status.SENT
    order.save(update_fields=["token", "status"])
    return token


def activate_code_device(
    *, identity: Identity, password: str, serial: str, code: str
) -> CodeDevice:
    """The citizen has the device: a new password, its serial, and the code it shows now."""
    from enrollment.models import DeviceOrder

    from .lifecycle import revoke_device  # lifecycle builds on this module

    if attempts.is_locked("serial", str(identity.pk)):
        raise ActivationRefused("too_many_serials")
    with transaction.atomic():
        identity = Identity.objects.select_for_update().get(pk=identity.pk)
        token = HardwareToken.objects.filter(
            serial__iexact=serial.strip(), assigned_to=identity
        ).first()
        if token is None:
            attempts.count_failure("serial", str(identity.pk))
            raise ActivationRefused("unknown_serial")  # also someone else's: never say whose
        others = (
            CodeDevice.objects.filter(identity=identity)
            .exclude(status=AuthenticatorStatus.REVOKED)
            .exclude(token=token)
        )
        if others.exclude(status=AuthenticatorStatus.BLOCKED).exists():
            raise ActivationRefused("has_code_device")
        for replaced in others:
            # A blocked (lost) device gives way to its replacement, for good.
            revoke_device(replaced, reason="lost", by=None, note=f"replaced by {token.serial}")
        device, _created = CodeDevice.objects.get_or_create(
            token=token,
            defaults={
                "identity": identity,
                "user": identity.ensure_user(),
                "name": token.serial,
                "key": token.key,
            },
        )
        if device.is_usable:
            raise ActivationRefused("already_active")
    # The first code is checked while the device is still pending, by the one verify service:
    # locked row, replay and throttle rules, the attempt recorded.
    outcome = verify(device, code.strip(), purpose="activation")
    if not outcome.ok:
        raise ActivationRefused(ACTIVATION_REFUSALS[outcome.reason])
    with transaction.atomic():
        account = identity.ensure_user()
        account.set_password(password)
        account.save(update_fields=["password"])
        activate(device)
        _finish_enrollment(identity)
        DeviceOrder.objects.filter(identity=identity, kind=token.kind).exclude(
            status__in=[DeviceOrder.Status.CANCELLED, DeviceOrder.Status.LOST]
        ).update(status=DeviceOrder.Status.ACTIVATED)
    device.refresh_from_db()
    return device


# Activating the MitID app ----------------------------------------------------------------

MAX_ACTIVE_APPS = 3


def _activation_code_owner(user_id: str, activation_code: str) -> "AppActivationCode | None":
    from enrollment.models import AppActivationCode
    from enrollment.services import activation_code_hash

    candidate = (
        AppActivationCode.objects.select_for_update()
        .filter(
            identity__user_id_key=normalise_user_id(user_id.strip()),
            code_hash=activation_code_hash(activation_code.strip()),
        )
        .select_related("identity")
        .first()
    )
    return candidate if candidate and candidate.is_usable(timezone.now()) else None


def active_apps(identity: Identity) -> int:
    return AppDevice.objects.filter(identity=identity, status=AuthenticatorStatus.ACTIVE).count()


def mobile_of(identity: Identity) -> str:
    from .tasks import contact_details

    return contact_details(identity)[0]


def _check_installation(
    installation: uuid.UUID, identity: Identity, signer: AppDevice | None
) -> None:
    """A phone that already holds someone's user-ID adds another only if it proves it is that
    phone, with a signature by a key it holds; otherwise anyone could join a household."""
    others = (
        AppDevice.objects.filter(installation_id=installation)
        .exclude(identity=identity)
        .exclude(status=AuthenticatorStatus.REVOKED)
    )
    if others.exists() and (signer is None or signer.installation_id != installation):
        raise ActivationRefused("installation_not_proven")


def start_app_activation(
    *,
    user_id: str,
    activation_code: str,
    public_key: str,
    installation_id: str,
    name: str,
    signer: AppDevice | None = None,
) -> AppDevice:
    """The app sends the user-ID, the activation code and its new public key.

    `signer` is the installation's own key when the phone already holds another user-ID.
    """
    from .tasks import send_temporary_pin

    try:
        app_keys.public_key_from_b64(public_key)
        installation = uuid.UUID(installation_id)
    except (app_keys.InvalidKey, ValueError) as error:
        raise ActivationRefused("invalid_key") from error
    subject = normalise_user_id(user_id.strip())
    if attempts.is_locked("activation-code", subject):
        raise ActivationRefused("too_many_attempts")
    with transaction.atomic():
        code = _activation_code_owner(user_id, activation_code)
        if code is None:
            attempts.count_failure("activation-code", subject)
            raise ActivationRefused("invalid_activation_code")
        identity = code.identity
        if active_apps(identity) >= MAX_ACTIVE_APPS:
            raise ActivationRefused("too_many_apps")
        if not mobile_of(identity):
            raise ActivationRefused("no_mobile")  # the temporary PIN goes by SMS
        _check_installation(installation, identity, signer)
        earlier = (
            AppDevice.objects.filter(identity=identity, installation_id=installation)
            .exclude(status=AuthenticatorStatus.REVOKED)
            .first()
        )
        if earlier is not None and earlier.status == AuthenticatorStatus.ACTIVE:
            raise ActivationRefused("already_active")
        if earlier is not None and earlier.status == AuthenticatorStatus.BLOCKED:
            raise ActivationRefused("device_not_active")  # staff lift a block, not the phone
        if earlier is not None:
            earlier.delete()  # an activation never finished: start it again
        code.used_at = timezone.now()
        code.save(update_fields=["used_at"])
        device = AppDevice.objects.create(
            identity=identity,
            user=identity.ensure_user(),
            name=name.strip()[:40],
            installation_id=installation,
            public_key=public_key,
        )
        transaction.on_commit(lambda: send_temporary_pin.delay(device.pk, identity.language))
    return device


def new_temporary_pin(device_id: int) -> tuple[AppDevice, str]:
    """Make and keep (hashed) a temporary PIN; the caller sends it."""
    pin = f"{secrets.randbelow(1_000_000):06d}"
    with transaction.atomic():
        device = AppDevice.objects.select_for_update().get(pk=device_id)
        device.temporary_pin_hash = make_password(pin)
        device.temporary_pin_expires_at = timezone.now() + timedelta(
            minutes=settings.APP_TEMPORARY_PIN_MINUTES
        )
        device.save(update_fields=["temporary_pin_hash", "temporary_pin_expires_at"])
    return device, pin


def confirm_app_activation(
    *,
    device: AppDevice,
    temporary_pin: str,
    pin: str,
    signature: str,
    notifications_accepted: bool,
    biometrics: bool,
) -> AppDevice:
    """The temporary PIN, a personal PIN, and a signature over the challenge prove the phone.

    All on locked rows (the identity, then the device), so that parallel guesses are counted
    one by one and the limit of active apps holds however many activations run at once.
    """
    if not (len(pin) == 6 and pin.isdigit()):
        raise ActivationRefused("invalid_pin")
    if not notifications_accepted:
        raise ActivationRefused("notifications_required")
    refusal = ""
    with transaction.atomic():
        Identity.objects.select_for_update().get(pk=device.identity_id)
        device = AppDevice.objects.select_for_update().get(pk=device.pk)
        if device.status != AuthenticatorStatus.PENDING:
            raise ActivationRefused("not_pending")
        allowed, _info = device.verify_is_allowed()
        if not allowed:
            raise ActivationRefused("too_many_attempts")
        if active_apps(device.identity) >= MAX_ACTIVE_APPS:
            raise ActivationRefused("too_many_apps")
        fresh = (
            device.temporary_pin_expires_at is not None
            and device.temporary_pin_expires_at > timezone.now()
        )
        if not fresh or not check_password(temporary_pin, device.temporary_pin_hash):
            device.throttle_increment(commit=True)
            record(device, AuthenticatorEvent.Kind.REFUSED, "wrong_temporary_pin")
            refusal = "wrong_temporary_pin"
        else:
            outcome = verify(device, signature, purpose="activation")
            if not outcome.ok:
                refusal = "too_many_attempts" if outcome.reason == "locked" else "bad_signature"
            else:
                device.refresh_from_db()
                device.set_pin(pin)
                device.temporary_pin_hash = ""
                device.notifications_accepted = notifications_accepted
                device.biometrics = biometrics
                device.save(
                    update_fields=[
                        "pin_hash",
                        "temporary_pin_hash",
                        "notifications_accepted",
                        "biometrics",
                    ]
                )
                activate(device)
                _finish_enrollment(device.identity)
                transaction.on_commit(lambda: notify_new_app(device.pk))
    # Raised after the transaction, so that the refused attempt stays counted.
    if refusal:
        raise ActivationRefused(refusal)
    device.refresh_from_db()
    return device


def _finish_enrollment(identity: Identity) -> None:
    from enrollment.models import EnrollmentCase

    from .tasks import contact_details

    if identity.contact_set_at is None:
        # From now on the identity holds the contact details confirmed in enrollment.
        mobile, email = contact_details(identity)
        Identity.objects.filter(pk=identity.pk).update(
            mobile=mobile, email=email, contact_set_at=timezone.now()
        )
    Identity.objects.filter(pk=identity.pk).update(status=Identity.Status.ACTIVE)
    identity.cases.filter(status=EnrollmentCase.Status.SUBMITTED).update(
        status=EnrollmentCase.Status.COMPLETED
    )


def notify_new_app(device_id: int) -> None:
    from .tasks import notify_app_activated

    notify_app_activated.delay(device_id)


# Registering and confirming a MitID chip ---------------------------------------------------


def chip_registration_options(identity: Identity) -> tuple[dict[str, Any], dict[str, Any]]:
    """Options for the browser to register a chip; keep the state until the answer comes."""
    if not identity.is_active:
        raise ActivationRefused("identity_not_active")
    existing = [chip.credential for chip in identity.chipdevices.exclude(status="revoked")]
    return webauthn.registration_options(
        user_handle=f"mitid-{identity.pk}".encode(), name=identity.user_id, existing=existing
    )


def register_chip(*, identity: Identity, state: dict[str, Any], response: str) -> ChipDevice:
    """Step one: the chip is registered, and can be confirmed after the waiting period."""
    from .tasks import notify_chip_registered

    if not identity.is_active:
        raise ActivationRefused("identity_not_active")
    try:
        credential = webauthn.complete_registration(state, response)
    except webauthn.InvalidResponse as error:
        raise ActivationRefused("invalid_chip_response") from error
    credential_id = webauthn.credential_id_text(credential)
    if ChipDevice.objects.filter(credential_id=credential_id).exists():
        raise ActivationRefused("chip_already_registered")
    chip = ChipDevice.objects.create(
        identity=identity,
        user=identity.ensure_user(),
        credential_id=credential_id,
        credential_data=webauthn.credential_to_text(credential),
        confirm_after=timezone.now() + timedelta(hours=settings.CHIP_WAITING_HOURS),
    )
    transaction.on_commit(lambda: notify_chip_registered.delay(chip.pk))
    return chip


def confirm_chip(*, chip: ChipDevice, response: str) -> ChipDevice:
    """Step two: after the wait, the citizen uses the chip once and it becomes active."""
    if chip.status != AuthenticatorStatus.PENDING:
        raise ActivationRefused("not_pending")
    if timezone.now() < chip.confirm_after:
        raise ActivationRefused("waiting_period")
    outcome = verify(chip, response, purpose="activation")
    if not outcome.ok:
        raise ActivationRefused("locked" if outcome.reason == "locked" else "invalid_chip_response")
    activate(chip)
    chip.refresh_from_db()
    return chip
