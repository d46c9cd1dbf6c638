"""Self-service's writes: each change the citizen makes to their own MitID goes through here.

The work is done by the services that own it (enrollment's user-ID rules, contact codes and
orders; the authenticators' lifecycle and activation); this module adds what self-service
decides: who may do what, when a block needs another device, and the history shown.
"""

from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Max, QuerySet
from django.utils import timezone

from audit.labels import reason_label
from audit.models import AuditEntry
from audit.services import record as audit
from authenticators import lifecycle
from authenticators import notices as authenticator_notices
from authenticators.kinds import KINDS, AnyDevice, devices_of
from authenticators.models import (
    AuthenticatorEvent,
    AuthenticatorKind,
    AuthenticatorStatus,
    CodeDevice,
    Identity,
)
from authenticators.services import (
    ACTIVATION_CHECK,
    MAX_ACTIVE_APPS,
    Refused,
    active_apps,
    mobile_of,
)
from enrollment import codes
from enrollment import notices as enrollment_notices
from enrollment import services as enrollment
from enrollment.errors import EnrollmentError
from enrollment.models import AppActivationCode, AppointmentSlot, ContactChannel, DeviceOrder
from login import services as login_services
from relying_parties.models import Approval

from . import notices
from .models import ContactChange, ContactChangeSend


def kind_of(device: AnyDevice) -> str:
    """The device's kind as in URLs, which is also the way to log in with it (login.KINDS)."""
    return next(kind for kind, model in KINDS.items() if isinstance(device, model))


def told_by(identity: Identity) -> dict[str, bool]:
    """Which ways a notice just sent to `identity` went (`authenticators.notices.notify` sends
    to the confirmed mobile number and e-mail address it has), for the page that says so."""
    mobile, email = authenticator_notices.contact_details(identity)
    return {"sms": bool(mobile), "email": bool(email)}


def device_of(identity: Identity, kind: str, pk: int) -> AnyDevice | None:
    """One of the identity's own authenticators, in any status; None for anyone else's."""
    model = KINDS.get(kind)
    return model.objects.filter(identity=identity, pk=pk).first() if model else None


def last_uses(identity: Identity) -> dict[str, datetime]:
    """When each device (by persistent id) was last used for a login or an approval."""
    rows = (
        AuthenticatorEvent.objects.filter(identity=identity, kind=AuthenticatorEvent.Kind.VERIFIED)
        .exclude(service="")
        .values("device")
        .annotate(last=Max("at"))
    )
    return {row["device"]: row["last"] for row in rows}


@dataclass(frozen=True)
class Use:
    """One line of the history of use: a login or approval, or a change to the MitID."""

    at: datetime
    kind: str
    outcome: str
    service: str
    authenticator: str
    text: str = ""  # what was approved for a party, or rejected in the app
    approved: bool = False  # a party's transaction, approved: told by its text
    why: str = ""  # a use's reason or purpose in words: "wrong PIN", "the first code, ..."
    # When the authenticator was added, for one of two that the same label names (two phones
    # called "iPhone"), as the overview tells them apart.
    added: datetime | None = None


def history_events(identity: Identity) -> "QuerySet[AuthenticatorEvent]":
    """The newest events first: every use and every change of status or setting."""
    return (
        AuthenticatorEvent.objects.filter(identity=identity)
        # Activating checks the new device once; that check is the activation, not a use.
        .exclude(kind=AuthenticatorEvent.Kind.VERIFIED, detail=ACTIVATION_CHECK)
        .order_by("-at", "-pk")
    )


def uses(identity: Identity, events: list[AuthenticatorEvent]) -> list[Use]:
    """The events as lines of the history: time, service, authenticator, outcome."""
    devices = devices_of(identity, revoked=True)
    labels = {device.persistent_id: device.label for device in devices}
    shared = Counter(labels.values())
    added = {
        device.persistent_id: device.activated_at for device in devices if shared[device.label] > 1
    }
    # A party's transaction is told by its text, not only as a use under the party's name.
    approved = dict(
        Approval.objects.filter(
            identity=identity, event__in=[event.pk for event in events]
        ).values_list("event_id", "text")
    )
    return [
        Use(
            at=event.at,
            kind=event.kind,
            outcome=event.get_kind_display(),
            service=event.service,
            authenticator=labels.get(event.device, ""),
            text=approved.get(event.pk)
            or (
                login_services.in_words(event.detail)
                if event.kind == AuthenticatorEvent.Kind.REJECTED
                else ""
            ),
            approved=event.pk in approved,
            why=_why(event),
            added=added.get(event.device),
        )
        for event in events
    ]


def _why(event: AuthenticatorEvent) -> str:
    """Why a use was refused, or what a use that was no login was for, in the words the staff's
    history reads (`audit.labels`, each app registering its own); a walk read bare "Refused"
    and "Used" lines it could not tell apart."""
    if event.kind not in (AuthenticatorEvent.Kind.REFUSED, AuthenticatorEvent.Kind.VERIFIED):
        return ""
    words = reason_label(event.detail, event.kind)
    return words if words != event.detail else ""


def history(identity: Identity, *, limit: int = 10) -> list[Use]:
    """The newest lines of the history (the overview's; the history page has them all)."""
    return uses(identity, list(history_events(identity)[:limit]))


# The settings a citizen switches here, as their history and the audit log name a switch.
SETTINGS = ("notify_on_use", "typed_codes")


def setting_code(field: str, on: bool) -> str:
    return f"{field}:{on:d}"


def _event(identity: Identity, kind: str, detail: str, *, action: str, target: str = "") -> None:
    """The change in the citizen's history and, done by the citizen, in the audit log."""
    lifecycle.record_identity_event(identity, kind, detail)
    audit(action, by=None, identity=identity, target=target, reason=detail)


# User-ID and settings -----------------------------------------------------------------------


def change_user_id(*, identity: Identity, value: str) -> bool:
    """The same rules and the same claim as in enrollment; False if nothing changed.

    Raises ValidationError with the rule's code (taken, reserved, too_short, ...).
    """
    with transaction.atomic():
        identity = Identity.objects.select_for_update().get(pk=identity.pk)
        before = identity.user_id
        if not enrollment.claim_user_id(identity, value):
            return False
        _event(
            identity,
            AuthenticatorEvent.Kind.USER_ID_CHANGED,
            "",
            action=AuditEntry.Action.USER_ID_CHANGED,
            target=f"{before} → {identity.user_id}",
        )
        # Told as a new address is: someone who took over the session cannot change how the
        # citizen logs in unheard. The new user-ID is not in it (a message on a lock screen).
        authenticator_notices.notify(
            identity, "selfservice/messages/user_id_changed", {"when": timezone.now()}
        )
    return True


def set_notify_on_use(*, identity: Identity, on: bool) -> None:
    """Be told by SMS and e-mail of every login and approval, or not."""
    with transaction.atomic():
        changed = (
            Identity.objects.filter(pk=identity.pk)
            .exclude(notify_on_use=on)
            .update(notify_on_use=on)
        )
        if changed:
            _event(
                identity,
                AuthenticatorEvent.Kind.SETTING_CHANGED,
                setting_code("notify_on_use", on),
                action=AuditEntry.Action.SETTING_CHANGED,
            )
    identity.notify_on_use = on


def request_typed_codes(*, identity: Identity, on: bool, now: datetime | None = None) -> None:
    """Switch between scanning the QR code and typing the app's code, after the wait.

    The wait (TYPED_CODES_WAIT_MINUTES) means that someone with the citizen's session cannot
    change how the next login works at once. Asking for the setting in force cancels a switch
    still waiting.
    """
    now = now or timezone.now()
    with transaction.atomic():
        locked = Identity.objects.select_for_update().get(pk=identity.pk)
        current = locked.uses_typed_codes(now)
        if on == current and locked.typed_codes_switch_at(now) is None:
            return  # nothing asked that is not already so: no history, no audit entry
        locked.typed_codes = current  # a switch that has taken effect becomes the setting
        if on == current:
            locked.typed_codes_requested = None
            locked.typed_codes_change_at = None
        else:
            locked.typed_codes_requested = on
            locked.typed_codes_change_at = now + timedelta(
                minutes=settings.TYPED_CODES_WAIT_MINUTES
            )
        locked.save(update_fields=["typed_codes", "typed_codes_requested", "typed_codes_change_at"])
        _event(
            locked,
            AuthenticatorEvent.Kind.SETTING_CHANGED,
            setting_code("typed_codes", on),
            action=AuditEntry.Action.SETTING_CHANGED,
        )
    identity.refresh_from_db()


# Contact details ----------------------------------------------------------------------------


def give_contact(*, identity: Identity, channel: str, address: str, language: str) -> bool:
    """A new mobile number or e-mail: it is used once the code sent to it is typed. The one
    the MitID has already changes nothing: no code is sent, and a change begun to another
    (a number mistyped) is dropped. Whether a code was sent."""
    with transaction.atomic():
        locked = Identity.objects.select_for_update().get(pk=identity.pk)
        current = locked.mobile if channel == ContactChannel.SMS else locked.email
        if current and address.casefold() == current.casefold():
            ContactChange.objects.filter(
                identity=identity, channel=channel, confirmed_at__isnull=True
            ).delete()
            return False
        ContactChange.objects.update_or_create(
            identity=identity,
            channel=channel,
            defaults={
                "address": address,
                "code_hash": "",
                "expires_at": None,
                "failed_attempts": 0,
                "confirmed_at": None,
            },
        )
        send_contact_code(identity=identity, channel=channel, language=language)
    return True


def pending_contact(identity: Identity, channel: str) -> ContactChange | None:
    return ContactChange.objects.filter(
        identity=identity, channel=channel, confirmed_at__isnull=True
    ).first()


def code_waiting(identity: Identity, channel: str, now: datetime | None = None) -> bool:
    """Whether a code sent for a change of this channel still works (enrollment's
    `code_waiting` for self-service's changes)."""
    change = pending_contact(identity, channel)
    return change is not None and not change.is_expired(now or timezone.now())


def send_contact_code(*, identity: Identity, channel: str, language: str) -> None:
    """Send (again) the code for a waiting change, within enrollment's limits."""
    now = timezone.now()
    with transaction.atomic():
        change = pending_contact(identity, channel)
        if change is None:
            raise EnrollmentError("no_code")
        codes.check_send_limits(
            ContactChangeSend.objects.filter(identity=identity, channel=channel),
            change.address,
            now=now,
        )
        ContactChangeSend.objects.create(
            identity=identity, channel=channel, address=change.address, sent_at=now
        )
        notices.send_contact_change_code(change.pk, language)


def confirm_contact(*, identity: Identity, channel: str, code: str) -> None:
    """The right code makes the new address the identity's; raises EnrollmentError if not."""
    refusal: EnrollmentError | None = None
    with transaction.atomic():
        change = (
            ContactChange.objects.select_for_update()
            .filter(identity=identity, channel=channel, confirmed_at__isnull=True)
            .first()
        )
        if change is None:
            raise EnrollmentError("no_code")
        now = timezone.now()
        try:
            codes.check_code(change, code, now=now)
        except EnrollmentError as error:
            refusal = error  # raised after the commit, so that a wrong code stays counted
        else:
            locked = Identity.objects.select_for_update().get(pk=identity.pk)
            field = "mobile" if channel == ContactChannel.SMS else "email"
            replaced = getattr(locked, field)
            change.confirmed_at = now
            change.replaced = replaced if replaced != change.address else ""
            change.save(update_fields=["confirmed_at", "replaced"])
            setattr(locked, field, change.address)
            locked.contact_set_at = now
            locked.save(update_fields=[field, "contact_set_at"])
            # The addresses stay out of the audit log: they are in the identity's record.
            _event(
                locked,
                AuthenticatorEvent.Kind.CONTACT_CHANGED,
                field,
                action=AuditEntry.Action.CONTACT_CHANGED,
            )
            if change.replaced:
                # Someone who took over the session cannot quietly move the notices away.
                notices.tell_replaced_address(change.pk)
    if refusal is not None:
        raise refusal
    identity.refresh_from_db()


# Blocking -----------------------------------------------------------------------------------


def others_to_confirm_with(
    *, identity: Identity, device: AnyDevice, logged_in_with: str, logged_in_at: datetime
) -> list[AnyDevice]:
    """The other devices the citizen must confirm a block with; empty: block at once.

    Blocking is never harder than misuse: with no other usable device, the lost one is
    blocked straight away. With one, the citizen confirms with it, unless they logged in with
    it in the last STEP_UP_MINUTES, which is that very proof.
    """
    others = [
        other
        for other in devices_of(identity)
        if other.is_usable and other.persistent_id != device.persistent_id
    ]
    recent = timezone.now() - logged_in_at <= timedelta(minutes=settings.STEP_UP_MINUTES)
    if not others or (recent and logged_in_with in {o.persistent_id for o in others}):
        return []
    return others


def block_lost_device(
    *,
    identity: Identity,
    device: AnyDevice,
    reason: str,
    logged_in_with: str,
    logged_in_at: datetime,
) -> None:
    """Block the citizen's own device at once; refused (`confirm_with_other`) when they must
    first confirm with another device. Raises Refused: already_blocked, revoked, ..."""
    if device.identity_id != identity.pk:
        raise Refused("not_yours")
    if device.status == AuthenticatorStatus.ACTIVE and others_to_confirm_with(
        identity=identity, device=device, logged_in_with=logged_in_with, logged_in_at=logged_in_at
    ):
        raise Refused("confirm_with_other")
    lifecycle.block_device(device, reason=reason, by=None)


def block_whole_mitid(*, identity: Identity, reason: str) -> None:
    """Nothing of the MitID works until staff lift the block after an ID check."""
    lifecycle.block_identity(identity, reason=reason, by=None)


# New devices --------------------------------------------------------------------------------


def app_activation_code(*, identity: Identity) -> tuple[AppActivationCode, str]:
    """An activation code for the app on another device, for a few minutes; an earlier one
    stops working. At most MAX_ACTIVE_APPS apps (the activation checks this again)."""
    if not identity.is_active:
        raise Refused("not_active")
    if active_apps(identity) >= MAX_ACTIVE_APPS:
        raise Refused("too_many_apps")
    if not mobile_of(identity):
        raise Refused("no_mobile")  # the temporary PIN goes by SMS: such a code could not work
    return codes.new_activation_code(identity, minutes=settings.SELFSERVICE_APP_CODE_MINUTES)


CODE_DEVICE_KINDS = (AuthenticatorKind.CODE_DISPLAY, AuthenticatorKind.CODE_READER)


def can_order_code_device(identity: Identity) -> bool:
    """A person holds one code device: a replacement only once the old one is blocked."""
    return not CodeDevice.objects.filter(
        identity=identity, status__in=[AuthenticatorStatus.ACTIVE, AuthenticatorStatus.PENDING]
    ).exists()


def open_order(identity: Identity) -> DeviceOrder | None:
    return (
        identity.orders.filter(status__in=enrollment.OPEN_ORDER_STATUSES)
        .select_related("slot__office")
        .first()
    )


def order_code_device(
    *,
    identity: Identity,
    kind: str,
    delivery: str,
    slot: AppointmentSlot | None,
    language: str,
) -> DeviceOrder:
    """Order a code display or code reader with enrollment's order service (by post or for
    pick-up), told by SMS and e-mail. Raises Refused: not_active, has_code_device,
    order_exists, slot_taken, no_address, ..."""
    if kind not in CODE_DEVICE_KINDS:
        raise Refused("not_a_device")
    with transaction.atomic():
        identity = Identity.objects.select_for_update().get(pk=identity.pk)
        if not identity.is_active:
            raise Refused("not_active")
        if not can_order_code_device(identity):
            raise Refused("has_code_device")
        if open_order(identity) is not None:
            raise Refused("order_exists")
        try:
            order = enrollment.place_order(
                identity=identity, kind=kind, delivery=delivery, slot=slot
            )
        except EnrollmentError as error:
            raise Refused(error.code) from error
        enrollment_notices.tell_order_placed(order.pk, language)
    return order
