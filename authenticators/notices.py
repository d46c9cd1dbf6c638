"""What a citizen is told about their MitID, and to which address: SMS and e-mail texts.

Each notice is queued in the outbox inside the caller's transaction (messaging.services), so
it is sent if and only if the change that caused it is committed.
"""

from typing import Any

from django.template.loader import render_to_string
from django.utils import translation
from django.utils.formats import date_format
from django.utils.functional import Promise
from django.utils.timezone import localtime
from django.utils.translation import gettext_lazy as _
from django_otp.models import Device

from messaging.services import queue_email, queue_sms
from pages.support import MITID_SUPPORT

from .models import AppDevice, AuthenticatorEvent, ChipDevice, Identity


def contact_details(identity: Identity) -> tuple[str, str]:
    """The confirmed mobile number and e-mail: the identity's own once it has them (set when
    MitID is activated, changed in self-service), until then those of the latest enrollment."""
    if identity.contact_set_at is not None:
        return identity.mobile, identity.email
    case = identity.cases.order_by("-updated_at").first()
    if case is None:
        return "", ""
    mobile = case.mobile if case.mobile_confirmed_at else ""
    email = case.email if case.email_confirmed_at else ""
    return mobile, email


def send_temporary_pin(device_id: int, language: str) -> None:
    """Make the temporary PIN and queue it by SMS, to the number the app is to prove if it has
    one, else the MitID's; only its hash is kept, and the SMS's text is blanked once
    delivered."""
    device = AppDevice.objects.select_related("identity").get(pk=device_id)
    mobile = device.mobile_to_prove or contact_details(device.identity)[0]
    if not mobile:
        return
    pin = device.issue_temporary_pin()
    with translation.override(language):
        body = render_to_string("authenticators/messages/temporary_pin_sms.txt", {"pin": pin})
    queue_sms(to=mobile, body=body.strip(), sensitive=True)


def tell_moved_by_passport(
    identity: Identity, before: tuple[str, str], *, ordered: bool = False
) -> str:
    """If a passport road moved the MitID's notices from `before` (its mobile and e-mail), its
    owner hears of it there, as a change in self-service is told: that the MitID was taken
    into use on a new phone, or a code device `ordered` for it. What was activated or ordered
    is told at the new number. Returns the e-mail told, if any: it stays the MitID's, and
    needs no second mail of the same activation (`tell_app_activated`)."""
    if not any(before) or before == contact_details(identity):
        return ""
    what = "passport_order_contact_replaced" if ordered else "passport_contact_replaced"
    notify(identity, f"authenticators/messages/{what}", {}, to=before)
    return before[1]


def notice(message: "str | Promise", **names: str) -> str:
    """A notice's text in the active language, with MitID support's number as `%(phone)s`
    (kept out of the catalogues, so that no translation can get it wrong)."""
    return str(message) % {"phone": MITID_SUPPORT.phone, **names}


def notify(
    identity: Identity,
    template: str,
    context: dict[str, Any],
    *,
    to: tuple[str, str] | None = None,
) -> None:
    """Send `<template>_{sms,subject,email}.txt` by SMS and e-mail, in their language: to the
    identity's confirmed mobile and e-mail, or to the (mobile, e-mail) `to` names."""
    mobile, email = to if to is not None else contact_details(identity)
    context = {"support_phone": MITID_SUPPORT.phone, **context}
    with translation.override(identity.language):
        if mobile:
            body = render_to_string(f"{template}_sms.txt", context)
            queue_sms(to=mobile, body=body.strip())
        if email:
            subject = render_to_string(f"{template}_subject.txt", context)
            body = render_to_string(f"{template}_email.txt", context)
            queue_email(to=email, subject=subject.strip(), body=body)


def tell_app_activated(device_id: int, *, told_email: str = "") -> None:
    """Tell the citizen by SMS and e-mail that the app was activated on a device; by SMS only
    when the e-mail was `told_email`, just told of the same activation
    (`tell_moved_by_passport`)."""
    device = AppDevice.objects.select_related("identity").get(pk=device_id)
    mobile, email = contact_details(device.identity)
    to = (mobile, "" if email == told_email else email)
    notify(device.identity, "authenticators/messages/app_activated", {"device": device}, to=to)


def tell_chip_registered(chip_id: int) -> None:
    """Tell the citizen that a chip was added, and when it can be confirmed."""
    chip = ChipDevice.objects.select_related("identity").get(pk=chip_id)
    notify(chip.identity, "authenticators/messages/chip_registered", {"chip": chip})


# What the citizen is told after a change of status (authenticators.lifecycle), by SMS and
# e-mail. A device notice names the device with `%(device)s`.
STATUS_NOTICES = {
    "device_blocked": (
        _("Your %(device)s is blocked"),
        _(
            "Your %(device)s has been blocked and can no longer be used with MitID. If you did "
            "not ask for this, call MitID support on %(phone)s."
        ),
    ),
    "device_unblocked": (
        _("Your %(device)s works again"),
        _(
            "The block on your %(device)s was lifted after your identity was checked. If this "
            "was not you, call MitID support on %(phone)s at once."
        ),
    ),
    "device_revoked": (
        _("Your %(device)s is revoked"),
        _(
            "Your %(device)s has been revoked for good. You can order a new one when you are "
            "logged in with MitID."
        ),
    ),
    "identity_blocked": (
        _("Your MitID is blocked"),
        _(
            "Your MitID has been blocked and cannot be used. Bring your ID to a Borgerservice "
            "office to lift the block. If you did not ask for this, call MitID support on "
            "%(phone)s."
        ),
    ),
    "identity_unblocked": (
        _("Your MitID works again"),
        _(
            "The block on your MitID was lifted after your identity was checked. If this was "
            "not you, call MitID support on %(phone)s at once."
        ),
    ),
    "level_raised": (
        _("Your MitID is now at level High"),
        _(
            "After the check of your ID at Borgerservice, your MitID has assurance level High. "
            "If this was not you, call MitID support on %(phone)s at once."
        ),
    ),
}


# What comes after a revoke depends on the kind: a code device is ordered, but an app is set
# up on a phone and a chip (bought elsewhere) is added, which "order a new one" did not say.
REVOKED_BODIES: dict[type[Device], Any] = {
    AppDevice: _(
        "Your %(device)s has been revoked for good. You can set up the app on a phone again "
        "when you are logged in with MitID."
    ),
    ChipDevice: _(
        "Your %(device)s has been revoked for good. You can add another MitID chip when you are "
        "logged in with MitID."
    ),
}


def tell_status_change(identity_id: int, change: str, device_id: str = "") -> None:
    """Tell the citizen, in their language, that an authenticator or their MitID changed.

    `device_id` is the device's django-otp persistent id, named here rather than by the caller
    so that the device's name is in the citizen's language, not the staff member's.
    """
    identity = Identity.objects.get(pk=identity_id)
    device = Device.from_persistent_id(device_id) if device_id else None
    subject, body = STATUS_NOTICES[change]
    if change == "device_revoked":
        body = REVOKED_BODIES.get(type(device), body)
    with translation.override(identity.language):
        name = device.label if device else ""
        context = {"subject": notice(subject, device=name), "body": notice(body, device=name)}
    notify(identity, "authenticators/messages/status_notice", context)


USE_NOTICE = (
    _("Your MitID was used"),
    _(
        "Your MitID was used with your %(device)s for %(service)s on %(time)s. If this was not "
        "you, block your MitID on MitID.dk at once or call MitID support on %(phone)s."
    ),
)


# Someone holds a device the citizen blocked (or that was revoked), and tried it.
BLOCKED_USE_NOTICE = (
    _("Your blocked %(device)s was tried"),
    _(
        "Someone tried to use your %(device)s for %(service)s on %(time)s. It is blocked and "
        "cannot be used, so the try was refused and nothing happened. If you have questions, "
        "call MitID support on %(phone)s."
    ),
)


# Someone holds a device of a MitID that is blocked as a whole, and tried it: the device
# itself may be active, so the notice speaks of the MitID, and of how the block is lifted.
MITID_BLOCKED_USE_NOTICE = (
    _("Your blocked MitID was tried"),
    _(
        "Someone tried to use your MitID with your %(device)s for %(service)s on %(time)s. "
        "Your whole MitID is blocked, so the try was refused and nothing happened. To lift "
        "the block, bring your ID to a Borgerservice office. If you have questions, call "
        "MitID support on %(phone)s."
    ),
)


def tell_use(event_id: int) -> None:
    """Tell a citizen who asked to hear of every use that their MitID was just used, or that a
    device of theirs that is blocked, or a device of their blocked MitID, was tried (a refused
    use, `services.record_blocked_use`)."""
    event = AuthenticatorEvent.objects.select_related("identity").get(pk=event_id)
    identity = event.identity
    device = Device.from_persistent_id(event.device) if event.device else None
    refused = event.kind == AuthenticatorEvent.Kind.REFUSED
    subject, body = USE_NOTICE
    if refused:
        whole_mitid = event.detail == AuthenticatorEvent.MITID_BLOCKED_USE
        subject, body = MITID_BLOCKED_USE_NOTICE if whole_mitid else BLOCKED_USE_NOTICE
    with translation.override(identity.language):
        names = {
            "device": device.label if device else "",
            "service": event.service,
            "time": date_format(localtime(event.at), "DATETIME_FORMAT"),
        }
        context = {"subject": notice(subject, **names), "body": notice(body, **names)}
    notify(identity, "authenticators/messages/status_notice", context)
