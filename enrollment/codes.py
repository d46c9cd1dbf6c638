"""The codes of enrollment and self-service: contact codes sent to an address, and the app's
activation codes. Only hashes are kept; a code exists in the message that carries it."""

import secrets
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac

from authenticators.models import AssuranceLevel, Identity

from .errors import EnrollmentError
from .models import AddressCode, AppActivationCode, ContactCode, DeviceOrder

# Contact codes --------------------------------------------------------------------------


def code_hash(contact_code: AddressCode, code: str) -> str:
    return salted_hmac("enrollment.contact-code", f"{contact_code.pk}:{code}").hexdigest()


def check_send_limits(sends: "QuerySet[Any]", address: str, *, now: datetime) -> None:
    """Refuse a send within the limits: once a minute per address, a few times an hour.

    `sends` are the earlier sends of one channel (CodeSend rows, or self-service's own).
    """
    # Once a minute per address, so that a corrected typo gets its code at once.
    last = sends.filter(address=address).order_by("-sent_at").first()
    wait = settings.CONTACT_CODE_RESEND_SECONDS
    if last is not None and (now - last.sent_at).total_seconds() < wait:
        seconds = wait - int((now - last.sent_at).total_seconds())
        raise EnrollmentError("resend_too_soon", seconds=seconds)
    if sends.filter(sent_at__gt=now - timedelta(hours=1)).count() >= (
        settings.CONTACT_CODE_SENDS_PER_HOUR
    ):
        raise EnrollmentError("too_many_sends")


def renew_code(contact_code: AddressCode) -> str:
    """A fresh code on a locked code row; only its hash is kept."""
    code = f"{secrets.randbelow(1_000_000):06d}"
    now = timezone.now()
    contact_code.code_hash = code_hash(contact_code, code)
    contact_code.sent_at = now
    contact_code.expires_at = now + timedelta(minutes=settings.CONTACT_CODE_MINUTES)
    contact_code.failed_attempts = 0
    contact_code.save()
    return code


def check_code(contact_code: AddressCode, code: str, *, now: datetime) -> None:
    """Check `code` against a locked code row; a wrong one is counted. Raises the refusal."""
    if not contact_code.code_hash:
        raise EnrollmentError("no_code")
    if contact_code.failed_attempts >= settings.CONTACT_CODE_MAX_ATTEMPTS:
        raise EnrollmentError("too_many_attempts")
    if contact_code.is_expired(now):
        raise EnrollmentError("code_expired")
    if not constant_time_compare(code_hash(contact_code, code), contact_code.code_hash):
        contact_code.failed_attempts += 1
        contact_code.save(update_fields=["failed_attempts"])
        left = settings.CONTACT_CODE_MAX_ATTEMPTS - contact_code.failed_attempts
        raise EnrollmentError("wrong_code" if left else "too_many_attempts", left=left)


def new_contact_code(contact_code_id: int) -> tuple[ContactCode, str]:
    """Make and store (hashed) a fresh code; the caller sends it. Older codes stop working."""
    with transaction.atomic():
        contact_code = ContactCode.objects.select_for_update().get(pk=contact_code_id)
        code = renew_code(contact_code)
    return contact_code, code


# Activation codes for the app -----------------------------------------------------------

ACTIVATION_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def activation_code_hash(code: str) -> str:
    """As typed: with or without its hyphen, a space in its place, in either case."""
    typed = "".join(code.replace("-", "").split()).upper()
    return salted_hmac("enrollment.app-activation", typed).hexdigest()


@transaction.atomic
def new_activation_code(
    identity: Identity,
    *,
    minutes: int,
    order: DeviceOrder | None = None,
    level: str = AssuranceLevel.SUBSTANTIAL,
) -> tuple[AppActivationCode, str]:
    """A new activation code for the app, good for `minutes`; any earlier one stops working.

    With `order`: the code for the letter with that order's code device, which replaces only
    an earlier letter code of the same order.
    """
    now = timezone.now()
    identity = Identity.objects.select_for_update().get(pk=identity.pk)
    identity.activation_codes.filter(
        order=order, used_at__isnull=True, replaced_at__isnull=True
    ).update(replaced_at=now)
    raw = "".join(secrets.choice(ACTIVATION_ALPHABET) for _ in range(8))
    code = f"{raw[:4]}-{raw[4:]}"
    activation = AppActivationCode.objects.create(
        identity=identity,
        order=order,
        code_hash=activation_code_hash(code),
        created_at=now,
        expires_at=now + timedelta(minutes=minutes),
        level=level,
    )
    return activation, code
