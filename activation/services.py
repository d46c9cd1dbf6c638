"""Activation: an activation code, an order or a chip becomes an active authenticator.

These acts cross enrollment (the case, the activation code, the order) and the device core
(the identity, the devices, `verify`), so they live above both.
"""

import uuid
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from authenticators import app_keys, lifecycle, names, notices, services, webauthn
from authenticators.models import (
    AppDevice,
    AuthenticatorEvent,
    AuthenticatorStatus,
    ChipDevice,
    CodeDevice,
    HardwareToken,
    Identity,
)
from authenticators.queries import one
from authenticators.services import Refused
from authenticators.user_ids import normalise_user_id
from enrollment.codes import activation_code_hash
from enrollment.models import AppActivationCode, DeviceOrder, EnrollmentCase
from pages import attempts

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


def _activation_code_owner(user_id: str, activation_code: str) -> AppActivationCode | None:
    key = normalise_user_id(user_id)
    if not key:
        return None  # empty is nobody's user-ID (a person without one has "")
    candidate = (
        AppActivationCode.objects.select_for_update()
        .filter(
            identity__user_id_key=key,
            code_hash=activation_code_hash(activation_code.strip()),
            order__isnull=True,  # a letter's code activates the device it came with
        )
        .select_related("identity")
        .first()
    )
    return candidate if candidate and candidate.is_usable(timezone.now()) else None


def _letter_code(user_id: str, activation_code: str) -> AppActivationCode | None:
    key = normalise_user_id(user_id)
    if not key:
        return None  # empty is nobody's user-ID
    candidate = (
        # Only the code's row is locked: its order is a nullable relation (an outer join).
        AppActivationCode.objects.select_for_update(of=("self",))
        .filter(
            identity__user_id_key=key,
            code_hash=activation_code_hash(activation_code.strip()),
            order__isnull=False,
        )
        .select_related("identity", "order")
        .first()
    )
    return candidate if candidate and candidate.is_usable(timezone.now()) else None


def check_letter_code(*, user_id: str, activation_code: str, client: str) -> AppActivationCode:
    """The user-ID and the activation code from the letter with a code device, for someone who
    activates it without NemID. The code is used up when the device is activated.

    A wrong pair counts against the client and the user-ID typed from it (known or not, the
    answer is the same; from anywhere, a stranger's five locked the owner out, as for the
    app's activation code), and a client that failed too often is refused before anything is
    looked up.
    """
    subject = f"{normalise_user_id(user_id)}\n{client}"  # this user-ID, from this client
    if attempts.client_locked_until("letter-code", client) or attempts.is_locked(
        "letter-code", subject
    ):
        raise ActivationRefused("too_many_attempts")
    with transaction.atomic():
        letter = _letter_code(user_id, activation_code)
    if letter is None:
        attempts.count_client_failure("letter-code", client)
        attempts.count_failure("letter-code", subject)
        raise ActivationRefused("invalid_activation_code")
    return letter


def checked_letter(*, identity_id: int, code_id: int) -> AppActivationCode | None:
    """The letter's code that `check_letter_code` accepted earlier, with its person, while it
    may still be used."""
    letter = (
        AppActivationCode.objects.filter(pk=code_id, identity_id=identity_id)
        .select_related("identity")
        .first()
    )
    return letter if letter is not None and letter.is_usable(timezone.now()) else None


def activate_code_device(
    *,
    identity: Identity,
    password: str,
    serial: str,
    code: str,
    letter: AppActivationCode | None = None,
) -> CodeDevice:
    """The citizen has the device: a new password, its serial, and the code it shows now.

    `letter`: the activation code from the letter that came with the device, checked by
    `check_letter_code` instead of a NemID login; it is used up here, and only that device.
    """
    if attempts.is_locked("serial", str(identity.pk)):
        raise ActivationRefused("too_many_serials")
    with transaction.atomic():
        identity = Identity.objects.select_for_update().get(pk=identity.pk)
        if letter is not None:
            letter = (
                AppActivationCode.objects.select_for_update(of=("self",))
                .select_related("order")
                .get(pk=letter.pk, identity=identity)
            )
            if not letter.is_usable(timezone.now()):
                raise ActivationRefused("letter_code_gone")
        token = HardwareToken.objects.filter(
            serial__iexact=serial.strip(), assigned_to=identity
        ).first()
        if token is None or (
            letter is not None and (letter.order is None or letter.order.token_id != token.pk)
        ):
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
            lifecycle.revoke_device(
                replaced, reason="lost", by=None, note=f"replaced by {token.serial}"
            )
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
    outcome = services.verify(device, code.strip(), purpose=services.ACTIVATION_CHECK)
    if not outcome.ok:
        raise ActivationRefused(ACTIVATION_REFUSALS[outcome.reason])
    with transaction.atomic():
        account = identity.ensure_user()
        account.set_password(password)
        account.save(update_fields=["password"])
        if letter is not None:
            used = AppActivationCode.objects.filter(pk=letter.pk, used_at__isnull=True).update(
                used_at=timezone.now()
            )
            if not used:  # used up by a parallel activation since it was checked
                raise ActivationRefused("letter_code_gone")
        services.activate(device)
        finish_enrollment(identity)
        DeviceOrder.objects.filter(identity=identity, kind=token.kind).exclude(
            status__in=[DeviceOrder.Status.CANCELLED, DeviceOrder.Status.LOST]
        ).update(status=DeviceOrder.Status.ACTIVATED)
    device.refresh_from_db()
    return device


def activated_code_device(pk: int) -> CodeDevice | None:
    """The code device `activate_code_device` made active, with its person and token, for the
    page that says so (shown again on a reload)."""
    return one(CodeDevice.objects.select_related("identity", "token").filter(pk=pk))


# Activating the MitID app ----------------------------------------------------------------


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


def room_for_app(
    *,
    identity: Identity,
    installation: uuid.UUID,
    signer: AppDevice | None = None,
    blocked: str = "",
    replace_blocked: bool = False,
) -> None:
    """Room for a new app of `identity` on this phone (`new_app` then makes it): fewer than
    `MAX_ACTIVE_APPS` in use, the phone proven if it holds another's (`_check_installation`),
    and an earlier try of the MitID's there that never got its PIN typed deleted, for the new
    one to take its place; an app in use there is refused as `already_active`, a blocked one
    as `blocked` if given. With `replace_blocked` (the passport road: the chip and the face
    prove the citizen) a blocked one is revoked, and the new one takes its place: recovery
    on the very phone whose app was blocked, not only on another."""
    if services.active_apps(identity) >= services.MAX_ACTIVE_APPS:
        raise ActivationRefused("too_many_apps")
    _check_installation(installation, identity, signer)
    earlier = (
        AppDevice.objects.filter(identity=identity, installation_id=installation)
        .exclude(status=AuthenticatorStatus.REVOKED)
        .first()
    )
    if earlier is None:
        return
    if earlier.status == AuthenticatorStatus.BLOCKED and replace_blocked:
        lifecycle.revoke_device(
            earlier,
            reason=lifecycle.BlockReason.OTHER,
            by=None,
            note="replaced on the same phone by an app taken into use with the passport",
        )
        return
    if earlier.status == AuthenticatorStatus.BLOCKED and blocked:
        raise ActivationRefused(blocked)
    if earlier.status != AuthenticatorStatus.PENDING:
        raise ActivationRefused("already_active")
    earlier.delete()


def new_app(
    identity: Identity,
    *,
    installation: uuid.UUID,
    public_key: str,
    name: str,
    level: str | None = None,
    mobile_to_prove: str = "",
) -> AppDevice:
    """A phone's app for `identity`, pending until its temporary PIN and its own PIN confirm
    it (`confirm_app_activation`); named as the phone names itself. Its temporary PIN goes to
    `mobile_to_prove` if given, which typing it makes the MitID's number."""
    return AppDevice.objects.create(
        identity=identity,
        user=identity.ensure_user(),
        name=names.device_name(name, default="MitID app"),
        installation_id=installation,
        public_key=public_key,
        mobile_to_prove=mobile_to_prove,
        **({"level": level} if level else {}),
    )


def start_app_activation(
    *,
    user_id: str,
    activation_code: str,
    public_key: str,
    installation_id: str,
    name: str,
    client: str,
    signer: AppDevice | None = None,
) -> AppDevice:
    """The app sends the user-ID, the activation code and its new public key.

    `signer` is the installation's own key when the phone already holds another user-ID.
    Wrong codes are counted for the user-ID from the `client` (an address, `pages.clients`),
    and for the client: counted for the user-ID alone, five from anywhere locked its owner
    out of activating the app with their own new code (a probe). A code of 8 characters from
    32 is not guessed one client's handful of tries at a time.
    """
    try:
        app_keys.public_key_from_b64(public_key)
        installation = uuid.UUID(installation_id)
    except (app_keys.InvalidKey, ValueError) as error:
        raise ActivationRefused("invalid_key") from error
    subject = f"{normalise_user_id(user_id)}\n{client}"  # this user-ID, from this client
    if attempts.is_locked("activation-code", subject) or attempts.client_locked_until(
        "activation-code", client
    ):
        raise ActivationRefused("too_many_attempts")
    with transaction.atomic():
        code = _activation_code_owner(user_id, activation_code)
        if code is None:
            attempts.count_failure("activation-code", subject)
            attempts.count_client_failure("activation-code", client)
            raise ActivationRefused("invalid_activation_code")
        identity = code.identity
        if not services.mobile_of(identity):
            raise ActivationRefused("no_mobile")  # the temporary PIN goes by SMS
        # Staff lift a block, not the phone: a blocked app there is `device_not_active`.
        room_for_app(
            identity=identity, installation=installation, signer=signer, blocked="device_not_active"
        )
        code.used_at = timezone.now()
        code.save(update_fields=["used_at"])
        device = new_app(
            identity,
            installation=installation,
            public_key=public_key,
            name=name,
            level=code.level,
        )
        notices.send_temporary_pin(device.pk, identity.language)
    return device


def app_to_confirm(*, installation_id: uuid.UUID, user_id: str) -> AppDevice | None:
    """The app on this installation, for this user-ID, that an activation may confirm (not
    revoked), with its person; none for an empty user-ID (nobody's)."""
    key = normalise_user_id(user_id)
    if not key:
        return None
    # At most one: one app per installation and person (not revoked), one person per key.
    return one(
        AppDevice.objects.filter(installation_id=installation_id, identity__user_id_key=key)
        .exclude(status=AuthenticatorStatus.REVOKED)
        .select_related("identity")
    )


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
        if services.active_apps(device.identity) >= services.MAX_ACTIVE_APPS:
            raise ActivationRefused("too_many_apps")
        if not device.check_temporary_pin(temporary_pin):
            device.throttle_increment(commit=True)
            services.record(device, AuthenticatorEvent.Kind.REFUSED, "wrong_temporary_pin")
            refusal = "wrong_temporary_pin"
        else:
            outcome = services.verify(device, signature, purpose=services.ACTIVATION_CHECK)
            if not outcome.ok:
                refusal = "too_many_attempts" if outcome.reason == "locked" else "bad_signature"
            else:
                device.refresh_from_db()
                device.set_pin(pin)
                device.temporary_pin_hash = ""
                device.notifications_accepted = notifications_accepted
                device.biometrics = biometrics
                proven, device.mobile_to_prove = device.mobile_to_prove, ""
                device.save(
                    update_fields=[
                        "pin_hash",
                        "temporary_pin_hash",
                        "notifications_accepted",
                        "biometrics",
                        "mobile_to_prove",
                    ]
                )
                told_email = _take_proven_mobile(device.identity, proven) if proven else ""
                services.activate(device)
                finish_enrollment(device.identity)
                notices.tell_app_activated(device.pk, told_email=told_email)
    # Raised after the transaction, so that the refused attempt stays counted.
    if refusal:
        raise ActivationRefused(refusal)
    device.refresh_from_db()
    return device


def give_mobile(identity: Identity, mobile: str) -> tuple[str, str]:
    """`mobile` is the MitID's number from now on (on the instance: the caller saves it), with
    the e-mail it had, an enrollment's confirmed one if the MitID held none yet; returns the
    number and e-mail it had, to be told (`notices.tell_moved_by_passport`)."""
    before = notices.contact_details(identity) if identity.pk else ("", "")
    identity.mobile, identity.email = mobile, before[1]
    identity.contact_set_at = timezone.now()
    return before


def _take_proven_mobile(identity: Identity, mobile: str) -> str:
    """The number the temporary PIN went to is the MitID's now that the PIN was typed (the
    passport road's new phone); the number and e-mail the MitID had hear of it. Returns the
    e-mail told."""
    identity.refresh_from_db(fields=["mobile", "email", "contact_set_at"])
    before = give_mobile(identity, mobile)
    identity.save(update_fields=["mobile", "email", "contact_set_at"])
    return notices.tell_moved_by_passport(identity, before)


# How long after its temporary PIN ran out a pending app is swept: a PIN typed in its last
# second is confirmed, in a transaction of its own, well before (the sweep deletes by the ids
# it selected, without a lock).
DEAD_APP_GRACE = timedelta(minutes=10)


def drop_dead_apps(*, now: datetime | None = None) -> int:
    """Apps whose temporary PIN ran out before it was typed (a passport road or copy left after
    its SMS, an activation code's app never finished), for Celery beat's clean-up. No PIN is
    sent again, so they can never be activated: they would only stand in the way of the
    phone's next try and keep a number nobody proved (`mobile_to_prove`)."""
    dead = AppDevice.objects.filter(
        status=AuthenticatorStatus.PENDING,
        temporary_pin_expires_at__lte=(now or timezone.now()) - DEAD_APP_GRACE,
    )
    return dead.delete()[1].get(AppDevice._meta.label, 0)


def finish_enrollment(identity: Identity) -> None:
    """The first authenticator is active: the MitID is, and its enrollment case is complete."""
    if identity.contact_set_at is None:
        # From now on the identity holds the contact details confirmed in enrollment.
        mobile, email = notices.contact_details(identity)
        Identity.objects.filter(pk=identity.pk).update(
            mobile=mobile, email=email, contact_set_at=timezone.now()
        )
    Identity.objects.filter(pk=identity.pk).update(status=Identity.Status.ACTIVE)
    identity.cases.filter(status=EnrollmentCase.Status.SUBMITTED).update(
        status=EnrollmentCase.Status.COMPLETED
    )


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
    if not identity.is_active:
        raise ActivationRefused("identity_not_active")
    if webauthn.browser_refusal(response) == webauthn.ALREADY_ON_THE_KEY:
        # The browser would not register a chip of `excludeCredentials` (the person's own):
        # "try again" would say the same for ever.
        raise ActivationRefused("chip_already_registered")
    try:
        credential = webauthn.complete_registration(state, response)
    except webauthn.InvalidResponse as error:
        raise ActivationRefused("invalid_chip_response") from error
    credential_id = webauthn.credential_id_text(credential)
    if ChipDevice.objects.filter(credential_id=credential_id).exists():
        raise ActivationRefused("chip_already_registered")
    with transaction.atomic():
        chip = ChipDevice.objects.create(
            identity=identity,
            user=identity.ensure_user(),
            credential_id=credential_id,
            credential_data=webauthn.credential_to_text(credential),
            confirm_after=timezone.now() + timedelta(hours=settings.CHIP_WAITING_HOURS),
        )
        notices.tell_chip_registered(chip.pk)
    return chip


def confirm_chip(*, chip: ChipDevice, response: str) -> ChipDevice:
    """Step two: after the wait, the citizen uses the chip once and it becomes active.

    The check and the activation are one transaction on the chip's locked row, as its removal
    is (`remove_pending_chip`): a removal at the same time waits and finds the chip confirmed,
    or comes first and the confirmation is told the chip is removed (a removal between the
    check and the activation made the activation fail, a 500)."""
    with transaction.atomic():
        locked = one(
            ChipDevice.objects.select_for_update(of=("self",))
            .select_related(*ChipDevice.VERIFY_RELATED)
            .filter(pk=chip.pk)
        )
        refusal = _not_to_confirm(locked)
        if locked is not None and refusal is None:
            outcome = services.verify(
                locked, response, purpose=services.ACTIVATION_CHECK, locked=True
            )
            if outcome.ok:
                services.activate(locked)
            else:
                refusal = "locked" if outcome.reason == "locked" else "invalid_chip_response"
    # Raised once committed: a wrong answer stays counted towards the chip's lock.
    if refusal is not None:
        raise ActivationRefused(refusal)
    chip.refresh_from_db()
    return chip


def _not_to_confirm(chip: ChipDevice | None) -> str | None:
    """Why `chip` (locked) cannot be confirmed now, if it cannot."""
    if chip is None or chip.status == AuthenticatorStatus.REVOKED:
        return "removed"
    if chip.status != AuthenticatorStatus.PENDING:
        return "not_pending"
    if timezone.now() < chip.confirm_after:
        return "waiting_period"
    return None


def remove_pending_chip(*, identity: Identity, chip_id: int, reason: str) -> ChipDevice:
    """A chip still waiting to be confirmed is removed by its citizen (they no longer have it,
    or did not add it themselves): revoked for good, in the history and the audit log, and
    told as a revoke is (`lifecycle.revoke_device`). The wait before a chip is confirmed is
    for this. A confirmed chip is blocked instead, as any device is."""
    with transaction.atomic():
        chip = one(ChipDevice.objects.select_for_update().filter(pk=chip_id, identity=identity))
        if chip is None:
            raise ActivationRefused("not_found")
        if chip.status == AuthenticatorStatus.REVOKED:
            raise ActivationRefused("removed")  # another tab's removal, just before
        if chip.status != AuthenticatorStatus.PENDING:
            raise ActivationRefused("not_pending")
        lifecycle.revoke_device(chip, reason=reason, by=None)
    chip.refresh_from_db()
    return chip
