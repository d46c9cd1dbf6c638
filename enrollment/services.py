"""Enrollment's writes with side effects: each answer, code and order goes through here."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from authenticators.models import Identity
from cpr.registry import get_registry
from nemid.models import NemIDAccount

from . import flow, notices, state
from .codes import check_code, check_send_limits, new_activation_code, renew_code
from .errors import EnrollmentError
from .flow import Method, Step
from .models import (
    AppActivationCode,
    AppointmentSlot,
    CodeSend,
    ContactChannel,
    ContactCode,
    DeviceOrder,
    EnrollmentCase,
    ReservedUserId,
)
from .state import reset
from .user_ids import normalise_user_id, user_id_error, validate_user_id

# Bank channel: "your turn" --------------------------------------------------------------


def start_now(case: EnrollmentCase) -> None:
    case.started_at = timezone.now()
    case.postponed_at = None
    case.save(update_fields=["started_at", "postponed_at", "updated_at"])


def postpone(case: EnrollmentCase) -> None:
    case.postponed_at = timezone.now()
    case.save(update_fields=["postponed_at", "updated_at"])


# Terms and method -----------------------------------------------------------------------


def accept_terms(case: EnrollmentCase, *, version: str) -> None:
    case.terms_version = version
    case.terms_accepted_at = timezone.now()
    case.save(update_fields=["terms_version", "terms_accepted_at", "updated_at"])


def choose_method(case: EnrollmentCase, method: Method) -> None:
    if case.method != method:
        case.method = method
        reset(case, flow.invalidated_by(Step.METHOD))
        case.save(update_fields=["method", "contact_method", "delivery_method", "updated_at"])


# Contact details ------------------------------------------------------------------------


@transaction.atomic
def give_contact_details(
    case: EnrollmentCase, *, mobile: str, email: str, language: str
) -> list[ContactChannel]:
    """Save the numbers; send a code to each one that is new. Returns the channels to confirm."""
    state.remember_language(case.identity, language)
    to_confirm = []
    for channel, address, field in (
        (ContactChannel.SMS, mobile, "mobile"),
        (ContactChannel.EMAIL, email, "email"),
    ):
        confirmed_field = f"{field}_confirmed_at"
        if not address:
            setattr(case, field, "")
            setattr(case, confirmed_field, None)
            case.codes.filter(channel=channel).delete()
            continue
        if getattr(case, field) == address and getattr(case, confirmed_field):
            continue
        setattr(case, field, address)
        setattr(case, confirmed_field, None)
        ContactCode.objects.update_or_create(
            case=case,
            channel=channel,
            defaults={
                "address": address,
                "code_hash": "",
                "expires_at": None,
                "failed_attempts": 0,
                "confirmed_at": None,
            },
        )
        send_code(case, channel, language=language)
        to_confirm.append(channel)
    reset(case, flow.invalidated_by(Step.CONTACT) | {Step.CONTACT})
    case.save()
    return to_confirm


@transaction.atomic
def send_code(case: EnrollmentCase, channel: ContactChannel, *, language: str) -> None:
    """Send a new code, within the limits: once a minute, a few times an hour. The code's row
    is locked while its code and message are made, in a transaction of their own or in the
    caller's (the outbox sends the message after the commit)."""
    now = timezone.now()
    contact_code = (
        ContactCode.objects.select_for_update().filter(case=case, channel=channel).first()
    )
    if contact_code is None:
        raise EnrollmentError("no_code")
    check_send_limits(
        CodeSend.objects.filter(case=case, channel=channel), contact_code.address, now=now
    )
    CodeSend.objects.create(case=case, channel=channel, address=contact_code.address, sent_at=now)
    code = renew_code(contact_code)
    notices.deliver_code(contact_code.channel, contact_code.address, code, language)


def confirm_code(case: EnrollmentCase, channel: ContactChannel, code: str) -> None:
    with transaction.atomic():
        contact_code = (
            ContactCode.objects.select_for_update().filter(case=case, channel=channel).first()
        )
        now = timezone.now()
        if contact_code is None or not contact_code.code_hash:
            raise EnrollmentError("no_code")
        if contact_code.confirmed_at is not None:
            return
        try:
            check_code(contact_code, code, now=now)
        except EnrollmentError as error:
            refusal = error  # raised after the commit, so that a wrong code stays counted
        else:
            contact_code.confirmed_at = now
            contact_code.save(update_fields=["confirmed_at"])
            field = "mobile" if channel == ContactChannel.SMS else "email"
            setattr(case, f"{field}_confirmed_at", now)
            case.save(update_fields=[f"{field}_confirmed_at", "updated_at"])
            return
    raise refusal


def contact_requirement_met(case: EnrollmentCase) -> bool:
    """The app needs a confirmed mobile; a code device needs a confirmed mobile or e-mail."""
    if case.method == Method.APP:
        return case.mobile_confirmed_at is not None
    return case.mobile_confirmed_at is not None or case.email_confirmed_at is not None


def unconfirmed_channels(case: EnrollmentCase) -> list[ContactChannel]:
    pending = []
    if case.mobile and case.mobile_confirmed_at is None:
        pending.append(ContactChannel.SMS)
    if case.email and case.email_confirmed_at is None:
        pending.append(ContactChannel.EMAIL)
    return pending


def code_waiting(case: EnrollmentCase, now: datetime | None = None) -> bool:
    """Whether a code sent to a given, unconfirmed address still works."""
    now = now or timezone.now()
    return any(
        code.address in (case.mobile, case.email) and not code.is_expired(now)
        for code in ContactCode.objects.filter(
            case=case, channel__in=unconfirmed_channels(case), confirmed_at__isnull=True
        )
    )


def complete_contact(case: EnrollmentCase) -> None:
    if not complete_contact_if_ready(case):
        raise EnrollmentError("contact_incomplete")


def complete_contact_if_ready(case: EnrollmentCase) -> bool:
    """Finish the contact step once every given address is confirmed and the method's need
    is met; False while something still waits for its code."""
    if not contact_requirement_met(case) or unconfirmed_channels(case):
        return False
    case.contact_method = case.method
    case.save(update_fields=["contact_method", "updated_at"])
    return True


# User-ID --------------------------------------------------------------------------------


def claim_user_id(identity: Identity, value: str) -> bool:
    """Give `identity` the user-ID `value` if the rules allow it (raises ValidationError with
    the rule's code); False if it holds it already. The unique key settles two claims at the
    same moment."""
    validate_user_id(value, cpr=identity.cpr)
    if identity.user_id == value:
        return False
    identity.user_id = value
    identity.user_id_key = normalise_user_id(value)
    try:
        with transaction.atomic():
            identity.save(update_fields=["user_id", "user_id_key"])
    except IntegrityError as error:
        identity.refresh_from_db()
        raise user_id_error("taken") from error
    return True


def choose_user_id(case: EnrollmentCase, value: str) -> None:
    """Claim `value` for the person; the unique key settles two claims at the same moment."""
    if not claim_user_id(case.identity, value):
        return
    reset(case, flow.invalidated_by(Step.USER_ID))
    case.save(update_fields=["delivery_method", "updated_at"])


# Getting the app, or ordering a device --------------------------------------------------


@transaction.atomic
def issue_activation_code(case: EnrollmentCase) -> tuple[AppActivationCode, str]:
    """A new activation code for the app; any earlier one stops working."""
    activation, code = new_activation_code(
        case.identity, minutes=settings.APP_ACTIVATION_CODE_MINUTES
    )
    if case.delivery_method != Method.APP:
        submit(case, Method.APP)
    return activation, code


def submit(case: EnrollmentCase, method: Method) -> None:
    """The answers are final; the case now waits for activation, long enough for the post."""
    case.delivery_method = method
    case.status = EnrollmentCase.Status.SUBMITTED
    case.expires_at = timezone.now() + timedelta(
        days=settings.POST_DELIVERY_DAYS + settings.ENROLLMENT_CASE_DAYS
    )
    case.save(update_fields=["delivery_method", "status", "expires_at", "updated_at"])


OPEN_ORDER_STATUSES = (
    DeviceOrder.Status.ORDERED,
    DeviceOrder.Status.SENT,
    DeviceOrder.Status.DELIVERED,
    DeviceOrder.Status.COLLECTED,
)


@dataclass(frozen=True)
class PlacedOrder:
    order: DeviceOrder
    created: bool


def place_order(
    *,
    identity: Identity,
    kind: str,
    delivery: str,
    slot: AppointmentSlot | None,
    case: EnrollmentCase | None = None,
) -> DeviceOrder:
    """Order a code device by post to the CPR address, or for pick-up at a booked time; in
    the caller's transaction. Self-service orders one without an enrollment case."""
    if identity.orders.filter(kind=kind, status__in=OPEN_ORDER_STATUSES).exists():
        raise EnrollmentError("order_exists")
    address = ""
    if delivery == DeviceOrder.Delivery.POST:
        slot = None
        person = get_registry().lookup(identity.cpr)
        if person is None:
            raise EnrollmentError("no_address")
        address = "\n".join((person.full_name, *person.address_lines))
    else:
        if slot is None:
            raise EnrollmentError("slot_required")
        slot = AppointmentSlot.objects.select_for_update().get(pk=slot.pk)
        if slot.booked >= slot.capacity or slot.starts_at <= timezone.now():
            raise EnrollmentError("slot_taken")
        slot.booked += 1
        slot.save(update_fields=["booked"])
    return DeviceOrder.objects.create(
        identity=identity, case=case, kind=kind, delivery=delivery, address=address, slot=slot
    )


def order_device(
    case: EnrollmentCase,
    *,
    delivery: str,
    slot: AppointmentSlot | None,
    language: str,
) -> PlacedOrder:
    """Order the chosen device once; a repeated submit returns the order already placed."""
    with transaction.atomic():
        case = EnrollmentCase.objects.select_for_update().select_related("identity").get(pk=case.pk)
        existing = case.orders.first()
        if existing is not None:
            return PlacedOrder(existing, created=False)
        method = Method(case.method)
        if not method.is_device:
            raise EnrollmentError("not_a_device")
        order = place_order(
            identity=case.identity, kind=method, delivery=delivery, slot=slot, case=case
        )
        submit(case, method)
        state.remember_language(case.identity, language)
        notices.tell_order_placed(order.pk, language)
    return PlacedOrder(order, created=True)


# Reservations ---------------------------------------------------------------------------


def reserve_nemid_user_ids() -> int:
    """Reserve every NemID user-ID for its holder, except user-IDs that are CPR numbers."""
    reserved = 0
    for account in NemIDAccount.objects.all():
        if account.user_id == account.cpr:
            continue
        ReservedUserId.objects.update_or_create(
            user_id_key=normalise_user_id(account.user_id), defaults={"cpr": account.cpr}
        )
        reserved += 1
    return reserved
