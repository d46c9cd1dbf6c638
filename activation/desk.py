"""MitID made at the Borgerservice desk (issue 16, seeds 001 and 003).

Staff find the person by CPR number, record the ID document seen, take the user-ID the citizen
brought (the same rules and suggestions as anywhere), confirm a mobile number or e-mail with a
code the citizen reads out, and then either hand out a code device from stock, which the
citizen activates with a password typed on the desk's screen (never seen by staff), or give
an app activation code. The level is Substantial, or High when the document allows it and
staff checked it for High. Every step and every refusal is audited; the citizen's history
shows the MitID made. A citizen who did not note the app's code gets a new one from the case
while the app is not yet activated (a few, soon after the ID check), never the old one again.
"""

import functools
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime, timedelta
from typing import ParamSpec, TypeVar

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from audit.models import AuditEntry
from audit.services import record as audit
from authenticators import lifecycle
from authenticators.lifecycle import IdCheck
from authenticators.models import (
    AssuranceLevel,
    AuthenticatorEvent,
    AuthenticatorStatus,
    CodeDevice,
    IdDocument,
    Identity,
)
from authenticators.queries import one
from authenticators.services import Refused
from authenticators.user_ids import is_user_id, normalise_user_id
from cpr.persons import get_person_register
from enrollment import codes
from enrollment.codes import activation_code_hash, new_activation_code
from enrollment.errors import EnrollmentError
from enrollment.flow import Method
from enrollment.forms import parse_mobile
from enrollment.models import AppActivationCode, ContactChannel, DeviceOrder
from enrollment.notices import deliver_code
from enrollment.orders import fulfil_order
from enrollment.state import remember_language
from enrollment.user_ids import suggestions, validate_user_id

from .models import DeskCodeSend, DeskEnrollment
from .services import activate_code_device

Staff = User
P = ParamSpec("P")
R = TypeVar("R")
State = DeskEnrollment.State
# Documents with which staff may give level High after checking them in person.
HIGH_DOCUMENTS = (IdDocument.PASSPORT, IdDocument.ID_CARD, IdDocument.DRIVING_LICENCE)
# How a device handed out over the desk reads in the audit log.
HANDED_OUT_AT_DESK = "handed_out_at_desk"
# What the audit log names when the desk gives an app activation code.
APP_ACTIVATION_CODE = "app activation code"
# Which step may be taken in which state; the state it leads to is the step's own.
STEPS = {
    "user_id": ((State.USER_ID, State.CONTACT), State.CONTACT),
    "send_code": ((State.CONTACT,), State.CONTACT),
    "confirm_code": ((State.CONTACT,), State.METHOD),
    "hand_out": ((State.METHOD,), State.PASSWORD),
    "app_code": ((State.METHOD,), State.DONE),
    "password": ((State.PASSWORD,), State.DONE),
}


class DeskRefused(Refused):
    """A refusal at the desk; `suggestions` for a taken user-ID, `reasons` for a broken one.
    `entry` is what the audit log says of it, written once the step's transaction is over."""

    def __init__(self, code: str, *, entry: Mapping[str, object] | None = None, **details: object):
        super().__init__(code)
        self.details = details
        self.entry = entry


def _refuse(
    code: str,
    *,
    by: Staff,
    desk: DeskEnrollment | None,
    what: str,
    reasons: Sequence[str] = (),
    suggestions: Sequence[str] | None = None,
    params: Mapping[str, object] | None = None,
) -> DeskRefused:
    """The refusal to raise, with its audit entry (staff were involved); `params` fill the
    words staff read (a wait in seconds)."""
    details: dict[str, object] = {"reasons": list(reasons)} if reasons else {}
    details.update(params or {})
    if suggestions is not None:
        details["suggestions"] = list(suggestions)
    entry = {
        "by": by,
        "identity": desk.identity if desk is not None else None,
        "target": what,
        "reason": code,
        "detail": ", ".join(reasons),
    }
    return DeskRefused(code, entry=entry, **details)


def _audits_refusals(step: Callable[P, R]) -> Callable[P, R]:
    """Every refusal of a desk step in the audit log: written after the step, so that no
    rollback of the step's own transaction takes the entry with it."""

    @functools.wraps(step)
    def audited(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return step(*args, **kwargs)
        except DeskRefused as refusal:
            if refusal.entry is not None:
                audit(AuditEntry.Action.DESK_REFUSED, **refusal.entry)  # type: ignore[arg-type]
            raise

    return audited


@_audits_refusals
def start(
    *, by: Staff, cpr: str, document: str, last4: str, checked_for_high: bool
) -> DeskEnrollment:
    """The person found by CPR number, and the ID document seen."""
    person = get_person_register().by_cpr(cpr)
    if person is None:
        raise _refuse("person_not_found", by=by, desk=None, what=cpr[:6] + "-****")
    try:
        check = IdCheck(document=document, last4=last4.strip())
    except Refused as refusal:
        raise _refuse(refusal.code, by=by, desk=None, what=person.full_name) from refusal
    identity = Identity.objects.filter(cpr=person.number).first()
    if identity is not None and identity.status == Identity.Status.BLOCKED:
        raise _refuse("identity_blocked", by=by, desk=None, what=person.full_name)
    high = checked_for_high and document in HIGH_DOCUMENTS
    return DeskEnrollment.objects.create(
        staff=by,
        cpr=person.number,
        name=person.full_name,
        document=check.document,
        document_last4=check.last4.upper(),
        level=AssuranceLevel.HIGH if high else AssuranceLevel.SUBSTANTIAL,
        state=State.USER_ID,
        identity=identity,
        # Someone with MitID already keeps their user-ID (a new device after a lost one).
        user_id=identity.user_id if identity is not None else "",
    )


def _locked(desk: DeskEnrollment, step: str, by: Staff) -> DeskEnrollment:
    desk = DeskEnrollment.objects.select_for_update().get(pk=desk.pk)
    if desk.state not in STEPS[step][0]:
        raise _refuse("wrong_step", by=by, desk=desk, what=desk.name)
    return desk


@_audits_refusals
def choose_user_id(*, desk: DeskEnrollment, user_id: str, by: Staff) -> DeskEnrollment:
    """The user-ID the citizen brought, by the rules; taken ones get suggestions."""
    with transaction.atomic():
        desk = _locked(desk, "user_id", by)
        if desk.identity is not None and desk.identity.user_id:
            if not is_user_id(user_id, desk.identity.user_id_key):
                raise_later = _refuse("not_your_user_id", by=by, desk=desk, what=desk.name)
            else:
                desk.state = State.CONTACT
                desk.save(update_fields=["state"])
                return desk
        else:
            try:
                validate_user_id(user_id, cpr=desk.cpr)
            except ValidationError as error:
                found = sorted({e.code or "" for e in error.error_list})
                if found in (["taken"], ["reserved"]):
                    raise_later = _refuse(
                        "user_id_taken",
                        by=by,
                        desk=desk,
                        what=desk.name,
                        suggestions=suggestions(user_id, cpr=desk.cpr),
                    )
                else:
                    raise_later = _refuse(
                        "user_id_invalid", by=by, desk=desk, what=desk.name, reasons=found
                    )
            else:
                desk.user_id = user_id
                desk.state = State.CONTACT
                desk.save(update_fields=["user_id", "state"])
                return desk
    raise raise_later


@_audits_refusals
def send_code(*, desk: DeskEnrollment, channel: str, address: str, by: Staff) -> DeskEnrollment:
    """A code to the citizen's mobile number or e-mail, which they read out to staff.

    Sent as often as enrollment sends one (`codes.check_send_limits`: once a minute to an
    address, a few times an hour), counted for this case and for the address at every desk,
    so that neither a new case nor another desk sends a number more codes. A new code replaces
    the one sent before; a refused send leaves that one working.
    """
    if channel == ContactChannel.SMS:
        try:
            address = parse_mobile(address)
        except ValidationError as error:
            raise _refuse("invalid_mobile", by=by, desk=desk, what=desk.name) from error
    elif channel != ContactChannel.EMAIL or "@" not in address:
        raise _refuse("invalid_email", by=by, desk=desk, what=desk.name)
    address = address.strip()
    with transaction.atomic():
        desk = _locked(desk, "send_code", by)
        now = timezone.now()
        earlier = DeskCodeSend.objects.filter(Q(desk=desk) | Q(channel=channel, address=address))
        try:
            codes.check_send_limits(earlier, address, now=now)
        except EnrollmentError as error:
            refusal = _refuse(error.code, by=by, desk=desk, what=desk.name, params=error.params)
        else:
            DeskCodeSend.objects.create(desk=desk, channel=channel, address=address, sent_at=now)
            desk.channel = channel
            desk.address = address
            desk.confirmed_at = None
            code = codes.renew_code(desk)
            language = desk.identity.language if desk.identity else settings.LANGUAGE_CODE
            # Written to the outbox in this transaction: sent only if the code is kept.
            deliver_code(channel, desk.address, code, language)
            return desk
    raise refusal


def forget_sends(*, before: datetime) -> int:
    """When codes were sent is kept as long as the limits look back, and then some."""
    return DeskCodeSend.objects.filter(sent_at__lt=before).delete()[0]


@_audits_refusals
def confirm_code(*, desk: DeskEnrollment, code: str, by: Staff) -> DeskEnrollment:
    with transaction.atomic():
        desk = _locked(desk, "confirm_code", by)
        try:
            codes.check_code(desk, code.strip(), now=timezone.now())
        except EnrollmentError as error:
            # Raised after the transaction, so that a wrong code stays counted.
            refusal = _refuse(error.code, by=by, desk=desk, what=desk.name)
        else:
            desk.confirmed_at = timezone.now()
            desk.state = State.METHOD
            desk.save(update_fields=["confirmed_at", "state"])
            return desk
    raise refusal


def _make_identity(desk: DeskEnrollment, *, by: Staff) -> Identity:
    """The person's MitID, with the user-ID, the confirmed address and the level of the check."""
    identity = Identity.objects.select_for_update().filter(cpr=desk.cpr).first() or Identity(
        cpr=desk.cpr
    )
    if not identity.user_id:
        identity.user_id = desk.user_id
        identity.user_id_key = normalise_user_id(desk.user_id)
    if desk.channel == ContactChannel.SMS:
        identity.mobile = desk.address
    else:
        identity.email = desk.address
    identity.contact_set_at = timezone.now()
    if desk.level == AssuranceLevel.HIGH:
        identity.level = AssuranceLevel.HIGH
        identity.level_document = desk.document
        identity.level_document_last4 = desk.document_last4
        identity.level_checked_at = timezone.now()
    try:
        with transaction.atomic():
            identity.save()
    except IntegrityError as error:
        raise _refuse(
            "user_id_taken",
            by=by,
            desk=desk,
            what=desk.name,
            suggestions=suggestions(desk.user_id, cpr=desk.cpr),
        ) from error
    desk.identity = identity
    return identity


def code_device_held(desk: DeskEnrollment) -> CodeDevice | None:
    """The active code device the citizen at the desk holds already, if any: a person holds
    one, so the desk may then give only an app activation code. Known from the first step (the
    CPR number), so that staff say so before the user-ID and the contact details."""
    return one(
        CodeDevice.objects.select_related("token").filter(
            identity__cpr=desk.cpr, status=AuthenticatorStatus.ACTIVE
        )
    )


@_audits_refusals
def hand_out_code_device(*, desk: DeskEnrollment, kind: str, by: Staff) -> DeskEnrollment:
    """A code device of `kind` from stock, handed over; the citizen activates it at the desk."""
    if kind not in (Method.CODE_DISPLAY, Method.CODE_READER):
        raise _refuse("invalid_kind", by=by, desk=desk, what=desk.name)
    refusal = None
    with transaction.atomic():
        desk = _locked(desk, "hand_out", by)
        try:
            with transaction.atomic():
                identity = _make_identity(desk, by=by)
                if code_device_held(desk) is not None:
                    raise DeskRefused("has_code_device")
                order = DeviceOrder.objects.create(
                    identity=identity, kind=kind, delivery=DeviceOrder.Delivery.PICKUP
                )
                token = fulfil_order(order, handed_out=True)
        except DeskRefused as error:
            refusal = error
        except Refused as error:  # out of stock
            refusal = DeskRefused(error.code)
        if refusal is None:
            desk.serial = token.serial
            desk.state = State.PASSWORD
            desk.save(update_fields=["identity", "serial", "state"])
            audit(
                AuditEntry.Action.ORDER_CHANGED,
                by=by,
                identity=identity,
                target=lambda: f"{token.get_kind_display()} {token.serial}",
                reason=HANDED_OUT_AT_DESK,
            )
            return desk
    if refusal.entry is not None:  # said where it was found (a taken user-ID)
        raise refusal
    raise _refuse(refusal.code, by=by, desk=desk, what=desk.name) from refusal


@_audits_refusals
def activate_at_desk(
    *, desk: DeskEnrollment, password: str, code: str, by: Staff, language: str = ""
) -> CodeDevice:
    """The citizen typed a password on the desk's screen and the code the device shows, in
    `language` (their notices' from now on, as online)."""
    with transaction.atomic():
        desk = _locked(desk, "password", by)
    assert desk.identity is not None
    try:
        device = activate_code_device(
            identity=desk.identity, password=password, serial=desk.serial, code=code
        )
    except Refused as refusal:
        raise _refuse(refusal.code, by=by, desk=desk, what=desk.name) from refusal
    if desk.level == AssuranceLevel.HIGH:
        CodeDevice.objects.filter(pk=device.pk).update(level=AssuranceLevel.HIGH)
    if language:
        remember_language(desk.identity, language)
    _done(desk, by=by, what=device.label)
    return device


@_audits_refusals
def give_app_code(*, desk: DeskEnrollment, by: Staff) -> tuple[DeskEnrollment, str]:
    """An app activation code for the citizen's phone (valid as any activation code)."""
    with transaction.atomic():
        desk = _locked(desk, "app_code", by)
        identity = _make_identity(desk, by=by)
        desk.app_codes = 1
        desk.save(update_fields=["identity", "app_codes"])
        _activation, code = new_activation_code(
            identity, minutes=settings.APP_ACTIVATION_CODE_MINUTES, level=desk.level
        )
        _done(desk, by=by, what=APP_ACTIVATION_CODE)
    return desk, code


def new_app_code_refusal(desk: DeskEnrollment, *, now: datetime) -> str | None:
    """Why the case may not give a new app activation code now (a refusal's code), or None.

    Only a case that gave the app's code, while no app has been activated with a code since
    the case began (the citizen's phone has it: nothing to give again), a few codes a case
    (`DESK_APP_CODES_PER_CASE`), within hours of the ID check (`DESK_NEW_APP_CODE_HOURS`): past
    them, a new case looks at the ID document again.
    """
    if desk.state != State.DONE or desk.identity is None or not desk.app_codes:
        return "no_app_code"
    if desk.identity.status == Identity.Status.BLOCKED:
        return "identity_blocked"
    if AppActivationCode.objects.filter(
        identity=desk.identity, order=None, used_at__gte=desk.created_at
    ).exists():
        return "app_activated"
    if desk.app_codes >= settings.DESK_APP_CODES_PER_CASE:
        return "too_many_app_codes"
    if now - desk.created_at > timedelta(hours=settings.DESK_NEW_APP_CODE_HOURS):
        return "case_too_old"
    return None


@_audits_refusals
def give_new_app_code(*, desk: DeskEnrollment, by: Staff) -> tuple[DeskEnrollment, str]:
    """A new app activation code for a case that gave one: the earlier one stops working
    (only its hash was kept, so it is never shown again)."""
    with transaction.atomic():
        desk = DeskEnrollment.objects.select_for_update().get(pk=desk.pk)
        refusal = new_app_code_refusal(desk, now=timezone.now())
        if refusal is not None:
            raise _refuse(refusal, by=by, desk=desk, what=desk.name)
        assert desk.identity is not None
        _activation, code = new_activation_code(
            desk.identity, minutes=settings.APP_ACTIVATION_CODE_MINUTES, level=desk.level
        )
        desk.app_codes += 1
        desk.save(update_fields=["app_codes"])
        audit(
            AuditEntry.Action.DESK_NEW_APP_CODE,
            by=by,
            identity=desk.identity,
            target=APP_ACTIVATION_CODE,
            reason=desk.level,
            detail=desk.document_seen,
        )
    return desk, code


def app_code_usable(desk: DeskEnrollment, code: str) -> bool:
    """Whether `code`, given for the case, still activates an app (not used, replaced or
    expired): one given in another tab since replaced it."""
    activation = AppActivationCode.objects.filter(
        identity=desk.identity, order=None, code_hash=activation_code_hash(code)
    ).first()
    return activation is not None and activation.is_usable(timezone.now())


def _done(desk: DeskEnrollment, *, by: Staff, what: str) -> None:
    assert desk.identity is not None
    DeskEnrollment.objects.filter(pk=desk.pk).update(state=State.DONE)
    desk.state = State.DONE
    lifecycle.record_identity_event(
        desk.identity, AuthenticatorEvent.Kind.ACTIVATED, f"borgerservice: {what}"
    )
    audit(
        AuditEntry.Action.DESK_CREATED,
        by=by,
        identity=desk.identity,
        target=what,
        reason=desk.level,
        detail=desk.document_seen,
    )
