"""The passport road in the app: MitID for someone with a passport and no NemID.

The app accepts the terms, reads the passport's MRZ and then its chip, takes a face picture,
lets the citizen choose a user-ID and a mobile number, and gets a temporary PIN by SMS; the
citizen then chooses a PIN (`services.confirm_app_activation`, as for every app). Each answer
is checked by an outside party behind a small interface (`passports.checks`, `cpr.persons`).

The steps are data (`STEPS`), one function applies one (`_advance`). Nothing of the MitID
exists until the last step: a refusal anywhere before leaves no identity, user-ID or device.
The same road recovers a MitID whose only device is blocked or lost (the person's identity
exists: the user-ID is theirs already, and a new app joins it), and is run by a helper's app
for someone else (`helper`), ending with that person's own app copied by QR (`copy.py`) or a
code device ordered to their address.

A road that is over (`PASSPORT_ENROLLMENT_MINUTES` after it began) is cleaned up by Celery
beat (`clean_up_roads`): the MitID it began and nobody finished goes, so that its user-ID is
free again and the person can start over; anything else that refers to the MitID keeps it.
"""

import base64
import binascii
import logging
import secrets
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any, TypeVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import ForeignObjectRel, Model
from django.utils import timezone

from authenticators import app_keys, notices
from authenticators.models import AppDevice, AuthenticatorEvent, AuthenticatorStatus, Identity
from authenticators.user_ids import is_user_id, normalise_user_id
from cpr.numbers import InvalidCPR, normalise_cpr
from cpr.persons import Person, get_person_register, mrz_name, normalise_p_code
from enrollment import notices as enrollment_notices
from enrollment.codes import new_activation_code
from enrollment.flow import Method
from enrollment.forms import parse_mobile
from enrollment.models import DeviceOrder
from enrollment.services import OPEN_ORDER_STATUSES
from enrollment.user_ids import suggestions, validate_user_id
from pages import attempts
from pages.documents import TERMS
from passports.checks import (
    PassportRefused,
    get_chip_verifier,
    get_face_matcher,
    get_mrz_checker,
)

from .copy import new_copy
from .models import AppCopy, PassportEnrollment, token_hash
from .services import ActivationRefused, give_mobile, new_app, room_for_app

logger = logging.getLogger(__name__)
State = PassportEnrollment.State

# Each step of the road: the states it may be taken from, and the state it leads to.
STEPS: dict[str, tuple[tuple[str, ...], str]] = {
    "mrz": ((State.STARTED, State.MRZ_READ), State.MRZ_READ),
    "chip": ((State.MRZ_READ,), State.CHIP_READ),
    "face": ((State.CHIP_READ,), State.FACE_MATCHED),
    "user_id": ((State.FACE_MATCHED, State.USER_ID_CHOSEN), State.USER_ID_CHOSEN),
    "app": ((State.USER_ID_CHOSEN,), State.APP_STARTED),
    "order": ((State.USER_ID_CHOSEN,), State.DEVICE_ORDERED),
    "copy": ((State.USER_ID_CHOSEN,), State.APP_STARTED),
}


class UserIdRefused(ActivationRefused):
    """The user-ID was refused: by the rules (`reasons`), or taken (`suggestions`)."""

    def __init__(self, code: str, **details: Any) -> None:
        super().__init__(code)
        self.details = details


def _number(*, cpr: str, p_code: str) -> str:
    """The person's CPR number or P-code, checked for its form only. Whether anybody has it,
    and whether they have MitID, is said once the chip has shown that the passport in the
    citizen's hand is that person's (`read_chip`): before, a start told it to whoever typed
    a number (a probe asked one after another)."""
    if bool(cpr) == bool(p_code):
        raise ActivationRefused("person_number_missing")
    if cpr:
        try:
            return normalise_cpr(cpr)
        except InvalidCPR as error:
            raise ActivationRefused("person_number_invalid") from error
    code = normalise_p_code(p_code)
    if not code:
        raise ActivationRefused("person_number_invalid")
    return code


def _person(number: str) -> Person | None:
    register = get_person_register()
    return register.by_p_code(number) if number.startswith("P") else register.by_cpr(number)


def _mitid_of(number: str) -> Identity | None:
    """The person's MitID, once the passport is theirs: None if they have none (or only one
    an earlier road began and left, which goes); a blocked one ends the road."""
    identity = Identity.objects.filter(cpr=number).first()
    if (
        identity is not None
        and identity.status == Identity.Status.PENDING
        and discard_if_abandoned(identity)
    ):
        return None  # an earlier road began it and was left: this one starts afresh
    if identity is not None and identity.status == Identity.Status.BLOCKED:
        raise ActivationRefused("identity_blocked")  # staff lift a block after an ID check
    return identity


def start(
    *,
    terms_accepted: bool,
    terms_version: str,
    cpr: str = "",
    p_code: str = "",
    language: str,
    helper: AppDevice | None = None,
    client: str = "",
) -> tuple[PassportEnrollment, str]:
    """The terms are accepted and the person named: a new enrollment and its bearer token.

    A start says nothing of the person (`_number`). Every start still counts against its
    `client` address, as each leaves an enrollment behind: one address may start fewer than
    `CLIENT_FAILURES_PER_WINDOW` in `CLIENT_FAILURE_WINDOW_MINUTES` (a security probe started
    100 a second). Counted before the lock is read, so that a burst at once cannot pass it.
    """
    if client:
        attempts.count_client_failure("passport-start", client)
        if attempts.client_locked_until("passport-start", client):
            raise ActivationRefused("too_many_attempts")
    if not terms_accepted or terms_version != TERMS.version:
        raise ActivationRefused("terms_not_accepted")
    number = _number(cpr=cpr.strip(), p_code=p_code.strip())
    if helper is not None and helper.identity.cpr == number:
        raise ActivationRefused("cannot_help_yourself")
    token = secrets.token_urlsafe(32)
    enrollment = PassportEnrollment.objects.create(
        token_hash=token_hash(token),
        number=number,
        language=language if language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE,
        terms_version=terms_version,
        state=State.STARTED,
        helper=helper,
        expires_at=timezone.now() + timedelta(minutes=settings.PASSPORT_ENROLLMENT_MINUTES),
    )
    return enrollment, token


def _load(token: str, step: str, helper: AppDevice | None = None) -> PassportEnrollment:
    """The enrollment the token names, locked, if it may take `step` now."""
    enrollment = (
        PassportEnrollment.objects.select_for_update().filter(token_hash=token_hash(token)).first()
    )
    if enrollment is None:
        raise ActivationRefused("enrollment_not_found")
    if enrollment.state == State.CLOSED:
        raise ActivationRefused("enrollment_closed")
    if enrollment.is_expired():
        raise ActivationRefused("enrollment_expired")
    if enrollment.helper_id is not None and (helper is None or helper.pk != enrollment.helper_id):
        raise ActivationRefused("not_for_this_app")  # a helped road goes on on the helper's app
    if enrollment.state not in STEPS[step][0]:
        raise ActivationRefused("wrong_step")
    return enrollment


T = TypeVar("T")


def _advance(
    token: str, step: str, check: Callable[[PassportEnrollment], T], *, helper: AppDevice | None
) -> T:
    """Take `step`: run `check` on the locked enrollment; on success move it on, on a refusal
    count it (and close the road after `PASSPORT_MAX_REFUSALS`), keeping nothing else."""
    refusal: ActivationRefused | None = None
    with transaction.atomic():
        enrollment = _load(token, step, helper)
        try:
            with transaction.atomic():
                result = check(enrollment)
                enrollment.state = STEPS[step][1]
                enrollment.save()
                return result
        except (ActivationRefused, PassportRefused) as error:
            code = error.code
            refusal = error if isinstance(error, ActivationRefused) else ActivationRefused(code)
        enrollment.refresh_from_db()
        enrollment.refusals += 1
        enrollment.last_refusal = code
        if enrollment.refusals >= settings.PASSPORT_MAX_REFUSALS:
            enrollment.state = State.CLOSED
        enrollment.save(update_fields=["refusals", "last_refusal", "state"])
        logger.info("Passport enrollment %s refused: %s", enrollment.pk, code)
    raise refusal


def _decode(value: str, code: str) -> bytes:
    try:
        return base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError) as error:
        raise PassportRefused(code) from error


# The steps -----------------------------------------------------------------------------------


def read_mrz(*, token: str, mrz: str, helper: AppDevice | None = None) -> PassportEnrollment:
    """The MRZ by the camera: a passport (TD3), its check digits right, not expired."""

    def check(enrollment: PassportEnrollment) -> PassportEnrollment:
        read = get_mrz_checker().check(mrz, today=timezone.localdate())
        enrollment.mrz = read.text
        enrollment.document_number = read.document_number
        return enrollment

    return _advance(token, "mrz", check, helper=helper)


def _matches_register(mrz_text: str, person: Person | None) -> bool:
    """The passport is the person's: name, birth date and passport number as registered."""
    read = get_mrz_checker().check(mrz_text, today=timezone.localdate())
    if person is None:
        return False
    return (
        read.surname.replace("<", " ").strip() == mrz_name(person.family_name)
        and read.given_names.replace("<", " ").strip() == mrz_name(person.given_name)
        and read.birth_date == person.birth_date
        and read.document_number == person.passport_number.upper()
    )


def read_chip(
    *, token: str, dg1: str, dg2: str, sod: str, helper: AppDevice | None = None
) -> PassportEnrollment:
    """The chip by passive authentication, the same passport as the MRZ, and the person's:
    a number that is nobody's is the same `passport_mismatch` as another person's. Then the
    person's MitID, if they have one."""

    def check(enrollment: PassportEnrollment) -> PassportEnrollment:
        chip = get_chip_verifier().verify(
            dg1=_decode(dg1, "chip_malformed"),
            dg2=_decode(dg2, "chip_malformed"),
            sod=_decode(sod, "chip_malformed"),
        )
        if chip.mrz_text != enrollment.mrz:
            raise PassportRefused("chip_mrz_mismatch")
        if not _matches_register(chip.mrz_text, _person(enrollment.number)):
            raise ActivationRefused("passport_mismatch")
        enrollment.identity = _mitid_of(enrollment.number)
        enrollment.portrait = chip.portrait
        return enrollment

    return _advance(token, "chip", check, helper=helper)


def match_face(*, token: str, picture: str, helper: AppDevice | None = None) -> PassportEnrollment:
    """The face picture the app took against the chip's portrait."""

    def check(enrollment: PassportEnrollment) -> PassportEnrollment:
        result = get_face_matcher().match(
            portrait=bytes(enrollment.portrait), picture=_decode(picture, "face_unreadable")
        )
        if not result.live:
            raise PassportRefused("face_not_live")  # the chip's portrait sent back
        if not result.matches:
            raise PassportRefused("face_mismatch")
        enrollment.face_score = result.score
        enrollment.portrait = b""  # not kept once it has done its job
        return enrollment

    return _advance(token, "face", check, helper=helper)


def choose_user_id(
    *, token: str, user_id: str, helper: AppDevice | None = None
) -> PassportEnrollment:
    """A new user-ID by the rules; someone who has MitID already types their own."""

    def check(enrollment: PassportEnrollment) -> PassportEnrollment:
        identity = enrollment.identity
        if identity is not None and identity.user_id:
            if not is_user_id(user_id, identity.user_id_key):
                raise ActivationRefused("not_your_user_id")
            enrollment.user_id = identity.user_id
            return enrollment
        try:
            validate_user_id(user_id, cpr=enrollment.number)
        except ValidationError as error:
            codes = sorted({e.code or "" for e in error.error_list})
            if codes == ["taken"] or codes == ["reserved"]:
                raise UserIdRefused(
                    "user_id_taken", suggestions=suggestions(user_id, cpr=enrollment.number)
                ) from error
            raise UserIdRefused("user_id_invalid", reasons=codes) from error
        enrollment.user_id = user_id
        return enrollment

    return _advance(token, "user_id", check, helper=helper)


def _claim_identity(
    enrollment: PassportEnrollment, *, mobile: str, proven_by_pin: bool = False
) -> tuple[Identity, str]:
    """The person's MitID: their own (recovery), or a new one holding the chosen user-ID; and
    the number still to prove, if any.

    When the road's next step proves `mobile` by a temporary PIN (`proven_by_pin`), a number
    that is not the MitID's already is returned as the one the PIN goes to, and becomes the
    MitID's only when the PIN is typed: a number mistyped, or a road left there, moves no
    notices (nor lands on a MitID that had none). Else `mobile` is the MitID's at once, and a
    number it had is told."""
    identity = Identity.objects.select_for_update().filter(cpr=enrollment.number).first()
    if identity is None:
        identity = Identity(cpr=enrollment.number, language=enrollment.language)
    if identity.status == Identity.Status.BLOCKED:
        raise ActivationRefused("identity_blocked")
    if identity.user_id and not is_user_id(enrollment.user_id, identity.user_id_key):
        # A MitID made since this road looked (another road, NemID, the desk) is joined only
        # with its user-ID, as recovery is: the road's own choice of a new one joins nothing
        # (a probe's second road got the first road's MitID, and its user-ID, by the SMS).
        raise ActivationRefused("not_your_user_id")
    if not identity.user_id:
        identity.user_id = enrollment.user_id
        identity.user_id_key = normalise_user_id(enrollment.user_id)
    before = notices.contact_details(identity) if identity.pk else ("", "")
    to_prove = mobile if proven_by_pin and before[0] != mobile else ""
    if not to_prove:
        give_mobile(identity, mobile)
    try:
        with transaction.atomic():
            identity.save()
    except IntegrityError as error:  # someone claimed the user-ID since it was chosen
        raise UserIdRefused(
            "user_id_taken", suggestions=suggestions(enrollment.user_id, cpr=enrollment.number)
        ) from error
    if not proven_by_pin:  # a code device ordered: the number is the MitID's, and told
        notices.tell_moved_by_passport(identity, before, ordered=True)
    return identity, to_prove


def _mobile(value: str) -> str:
    try:
        return parse_mobile(value)
    except ValidationError as error:
        raise ActivationRefused("invalid_mobile") from error


def _count_pin_sms(number: str) -> None:
    """One more temporary PIN by SMS to `number`, a number typed on a road: at most
    `PASSPORT_PIN_SMS_PER_HOUR` an hour to one number, however many roads, passports and
    addresses send them (one road after another could fill a stranger's phone with SMS).
    Counted as the last check of a step, which then sends or makes the code for it."""
    if attempts.is_locked("passport-pin-sms", number):
        raise ActivationRefused("too_many_sms")
    attempts.count_failure(
        "passport-pin-sms", number, limit=settings.PASSPORT_PIN_SMS_PER_HOUR, minutes=60
    )


def start_app(
    *,
    token: str,
    mobile: str,
    public_key: str,
    installation_id: str,
    device_name: str,
    signer: AppDevice | None = None,
) -> AppDevice:
    """The citizen's own phone (not a helper's): its key, and the temporary PIN by SMS."""
    try:
        app_keys.public_key_from_b64(public_key)
        installation = uuid.UUID(installation_id)
    except (app_keys.InvalidKey, ValueError) as error:
        raise ActivationRefused("invalid_key") from error
    number = _mobile(mobile)

    def check(enrollment: PassportEnrollment) -> AppDevice:
        identity, to_prove = _claim_identity(enrollment, mobile=number, proven_by_pin=True)
        room_for_app(
            identity=identity, installation=installation, signer=signer, replace_blocked=True
        )
        device = new_app(
            identity,
            installation=installation,
            public_key=public_key,
            name=device_name,
            mobile_to_prove=to_prove,
        )
        enrollment.identity = identity
        _count_pin_sms(number)
        notices.send_temporary_pin(device.pk, identity.language)
        return device

    return _advance(token, "app", check, helper=None)


def order_code_device(*, token: str, kind: str, mobile: str, helper: AppDevice) -> DeviceOrder:
    """For someone helped: a code device by post to their address, activated when it comes."""
    if kind not in (Method.CODE_DISPLAY, Method.CODE_READER):
        raise ActivationRefused("invalid_kind")
    number = _mobile(mobile)

    def check(enrollment: PassportEnrollment) -> DeviceOrder:
        # Nothing proves this number (the letter goes to the registered address): it is the
        # MitID's at once, and a number it had before is told.
        identity, _to_prove = _claim_identity(enrollment, mobile=number)
        enrollment.identity = identity
        register = get_person_register()
        person = register.by_cpr(identity.cpr) or register.by_p_code(identity.cpr)
        if person is None or not person.street:
            raise ActivationRefused("no_address")
        if identity.orders.filter(kind=kind, status__in=OPEN_ORDER_STATUSES).exists():
            raise ActivationRefused("order_exists")
        order = DeviceOrder.objects.create(
            identity=identity,
            kind=kind,
            delivery=DeviceOrder.Delivery.POST,
            address="\n".join(
                (person.full_name, person.street, f"{person.postcode} {person.city}")
            ),
        )
        enrollment_notices.tell_order_placed(order.pk, enrollment.language)
        # They may have no NemID to log in with: the letter's code and their user-ID activate it.
        _letter_code, code = new_activation_code(
            identity, minutes=settings.LETTER_ACTIVATION_CODE_DAYS * 24 * 60, order=order
        )
        enrollment_notices.post_activation_letter(order.pk, code, enrollment.language)
        return order

    return _advance(token, "order", check, helper=helper)


def copy_for_helped(*, token: str, mobile: str, helper: AppDevice) -> tuple[AppCopy, str]:
    """For someone helped: the helper's app shows a QR code for that person's own phone."""
    number = _mobile(mobile)

    def check(enrollment: PassportEnrollment) -> tuple[AppCopy, str]:
        identity, to_prove = _claim_identity(enrollment, mobile=number, proven_by_pin=True)
        enrollment.identity = identity
        copy = new_copy(source=helper, identity=identity, mobile_to_prove=to_prove)
        _count_pin_sms(number)  # it goes when the person's phone scans the code
        return copy

    return _advance(token, "copy", check, helper=helper)


def long_challenge(device: AppDevice) -> str:
    """The challenge a new app signs when it confirms: it may wait for an SMS (and, for a
    copy, for the old app), so it lasts as long as a temporary PIN."""
    return device.expect_signature_over(
        secrets.token_urlsafe(32),
        until=timezone.now() + timedelta(minutes=settings.APP_TEMPORARY_PIN_MINUTES),
    )


# Roads that are over ---------------------------------------------------------------------------

# What a road makes for a MitID before it is active, which goes with it: the roads, the QR code
# for a helped person's phone, the apps waiting for their PIN and their refused tries.
MADE_BY_ROADS: tuple[type[Model], ...] = (
    PassportEnrollment,
    AppCopy,
    AppDevice,
    AuthenticatorEvent,
)


def _referred_to(instance: Model, *, apart_from: tuple[type[Model], ...] = ()) -> bool:
    """Whether a row of any model but `apart_from` refers to `instance`: a model added later
    that refers to it counts without being named here."""
    for relation in instance._meta.get_fields(include_hidden=True):
        if not isinstance(relation, ForeignObjectRel) or relation.related_model in apart_from:
            continue
        if relation.related_model._base_manager.filter(**{relation.field.name: instance}).exists():
            return True
    return False


def _abandoned(identity: Identity, now: datetime) -> bool:
    """Begun by a road and left: never active, no app that may still get its PIN, no road or
    copy code still open, and nothing else (NemID enrollment, an order, the desk, the audit log,
    a login ...) refers to it."""
    if identity.status != Identity.Status.PENDING:
        return False
    apps = AppDevice.objects.filter(identity=identity)
    if apps.exclude(status=AuthenticatorStatus.PENDING).exists():
        return False
    if apps.filter(temporary_pin_expires_at__gt=now).exists():
        return False  # the citizen may be typing the temporary PIN right now
    copies = AppCopy.objects.filter(identity=identity, state=AppCopy.State.SHOWN)
    if copies.filter(expires_at__gt=now).exists():
        return False
    roads = PassportEnrollment.objects.filter(identity=identity, expires_at__gt=now)
    if roads.exclude(state=State.CLOSED).exists():
        return False
    return not _referred_to(identity, apart_from=MADE_BY_ROADS)


def discard_if_abandoned(identity: Identity, now: datetime | None = None) -> bool:
    """Delete the MitID an abandoned road began, with its Django user if nothing else has it.

    An active or blocked MitID, and one that anything else refers to, is never touched.
    """
    now = now or timezone.now()
    with transaction.atomic():
        locked = Identity.objects.select_for_update().filter(pk=identity.pk).first()
        if locked is None or not _abandoned(locked, now):
            return False
        account = locked.account
        locked.delete()  # its roads, copy codes, waiting apps and their events with it
        if account is not None and not _referred_to(account):
            account.delete()
    logger.info("Identity %s of an abandoned passport road deleted", identity.pk)
    return True


def clean_up_roads(now: datetime | None = None) -> dict[str, int]:
    """Celery beat's hourly sweep of the roads that are over.

    A road over whose MitID is still being set up stays, to be looked at again, until that
    MitID is active (then the road goes) or abandoned (then both go).
    """
    now = now or timezone.now()
    over = PassportEnrollment.objects.filter(expires_at__lte=now)
    identities = 0
    for identity in Identity.objects.filter(
        status=Identity.Status.PENDING, pk__in=over.values("identity")
    ):
        identities += discard_if_abandoned(identity, now)
    roads, _by_model = over.exclude(identity__status=Identity.Status.PENDING).delete()
    return {"identities": identities, "passport_enrollments": roads}
