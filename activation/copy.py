"""Copying the app to a new phone by QR code (seed 004).

The active app shows a QR code valid `APP_COPY_SECONDS` (3 minutes) and used once; the new
phone scans it, the citizen types their user-ID there, and the old app, shown the new phone's
name and the four digits both phones show (`AppCopy.match_code`), confirms with its PIN and a
signature over a text that names the new phone's key; the new phone then gets a temporary
PIN by SMS and the citizen chooses its PIN (`services.confirm_app_activation`, which tells
the citizen that an app was added). A
helper's app shows the code for the person it helped (`activation.passport.copy_for_helped`):
that person's new phone needs no confirmation by the helper, who never learns the user-ID.
"""

import secrets
import uuid
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from authenticators import app_keys, notices, services
from authenticators.models import AppDevice, AuthenticatorStatus, Identity
from authenticators.queries import one
from authenticators.user_ids import is_user_id
from pages import attempts

from .models import AppCopy, token_hash
from .services import ActivationRefused, new_app, room_for_app

PREFIX = "mitid-copy."
# The purpose of the old app's check that lets a new phone have its MitID (a use, named by
# this code in the history).
COPY_CHECK = "copy"
VERIFY_REFUSALS = {"locked": "too_many_attempts", "not_active": "device_not_active"}
COPY_USER_ID_TRIES = 3
# The scope of a client's asks after a copy by a key ID that scanned none (`copy_for_new_phone`).
NEW_PHONE_ASKS = "copy-new-phone"


def new_copy(
    *, source: AppDevice, identity: Identity, mobile_to_prove: str = ""
) -> tuple[AppCopy, str]:
    """A QR code for `identity`'s new phone, shown on `source`; earlier codes stop working.
    `mobile_to_prove`: the number the new phone's temporary PIN goes to, if not the MitID's."""
    if services.active_apps(identity) >= services.MAX_ACTIVE_APPS:
        raise ActivationRefused("too_many_apps")
    token = secrets.token_urlsafe(24)
    now = timezone.now()
    AppCopy.objects.filter(source=source, state=AppCopy.State.SHOWN).update(
        state=AppCopy.State.CANCELLED
    )
    _drop(AppCopy.objects.filter(source=source, state=AppCopy.State.SCANNED))
    copy = AppCopy.objects.create(
        token_hash=token_hash(token),
        source=source,
        identity=identity,
        state=AppCopy.State.SHOWN,
        nonce=secrets.token_urlsafe(16),
        mobile_to_prove=mobile_to_prove,
        created_at=now,
        expires_at=now + timedelta(seconds=settings.APP_COPY_SECONDS),
    )
    return copy, PREFIX + token


def show_copy_code(*, source: AppDevice) -> tuple[AppCopy, str]:
    """The citizen's active app shows the QR code for their own new phone."""
    if not source.is_usable or not source.identity.is_active:
        raise ActivationRefused("device_not_active")
    with transaction.atomic():
        return new_copy(source=source, identity=source.identity)


def _shown(qr: str, *, lock: bool) -> AppCopy:
    """The copy whose QR code this is, still waiting to be scanned; or why it is not."""
    qr = qr.strip()
    if not qr.startswith(PREFIX):
        raise ActivationRefused("copy_code_invalid")
    copies = AppCopy.objects.select_related("identity", "source")
    copy = one(
        (copies.select_for_update() if lock else copies).filter(
            token_hash=token_hash(qr[len(PREFIX) :])
        )
    )
    if copy is None or copy.state == AppCopy.State.CANCELLED:
        raise ActivationRefused("copy_code_invalid")
    if copy.state != AppCopy.State.SHOWN:
        raise ActivationRefused("copy_code_used")
    if timezone.now() >= copy.expires_at:
        raise ActivationRefused("copy_code_expired")
    return copy


def check_copy_code(*, qr: str) -> AppCopy:
    """The new phone scanned the code: can it still be used? Asked before the citizen types
    their user-ID, so that a code used or expired is said at once. It says nothing of whose
    code it is (the code is a secret only the old phone's screen showed)."""
    return _shown(qr, lock=False)


def scan_copy_code(
    *, qr: str, user_id: str, public_key: str, installation_id: str, device_name: str
) -> tuple[AppCopy, AppDevice]:
    """The new phone scanned the code: it registers its key, pending until confirmed."""
    try:
        app_keys.public_key_from_b64(public_key)
        installation = uuid.UUID(installation_id)
    except (app_keys.InvalidKey, ValueError) as error:
        raise ActivationRefused("invalid_key") from error
    with transaction.atomic():
        copy = _shown(qr, lock=True)
        identity = Identity.objects.select_for_update().get(pk=copy.identity_id)
        if not is_user_id(user_id, identity.user_id_key):
            # Counted under the copy's lock, and the copy's end saved before the refusal is
            # raised: guesses sent at once wait for the lock, and each finds the count.
            refused = wrong_user_id(copy)
        else:
            return _registered(copy, identity, installation, public_key, device_name)
    raise refused  # once the count and the copy's end are committed


def _registered(
    copy: AppCopy,
    identity: Identity,
    installation: uuid.UUID,
    public_key: str,
    device_name: str,
) -> tuple[AppCopy, AppDevice]:
    """The new phone's key, pending until confirmed (in the scan's transaction)."""
    room_for_app(identity=identity, installation=installation)
    device = new_app(
        identity,
        installation=installation,
        public_key=public_key,
        name=device_name,
        mobile_to_prove=copy.mobile_to_prove,
    )
    copy.state = AppCopy.State.SCANNED
    copy.scanned_at = timezone.now()
    copy.new_device = device
    copy.new_key_id = device.key_id
    copy.mobile_to_prove = ""  # the new phone's app has it now, until its PIN proves it
    copy.save(update_fields=["state", "scanned_at", "new_device", "new_key_id", "mobile_to_prove"])
    if copy.source.identity_id != identity.pk:
        # A helper's code: the person helped needs no one's confirmation but the SMS.
        _approved(copy, device)
    return copy, device


def _approved(copy: AppCopy, device: AppDevice) -> None:
    copy.state = AppCopy.State.APPROVED
    copy.save(update_fields=["state"])
    # In the outbox with this change: sent if and only if the copy is approved.
    notices.send_temporary_pin(device.pk, copy.identity.language)


def wrong_user_id(copy: AppCopy) -> ActivationRefused:
    """A user-ID typed on the new phone that is not the MitID's: counted against the code,
    which `COPY_USER_ID_TRIES` of them end (whoever glimpsed a code on a screen could try
    user-ID after user-ID with it, and learn which is the person's). Called with the copy
    locked; the refusal to raise once its transaction is committed."""
    attempts.count_failure("copy-user-id", str(copy.pk), limit=COPY_USER_ID_TRIES)
    if attempts.is_locked("copy-user-id", str(copy.pk)):
        copy.state = AppCopy.State.CANCELLED
        copy.save(update_fields=["state"])
        return ActivationRefused("copy_code_used")
    return ActivationRefused("not_your_user_id")


def _drop(copies: QuerySet[AppCopy]) -> int:
    """Cancel copies scanned and not confirmed, and the new phone's app that waited for the
    confirmation: the citizen's overview showed it as an app being added, one they may not
    know (another phone that scanned the code first). How many were dropped."""
    dropped = 0
    for pk in list(copies.values_list("pk", flat=True)):
        with transaction.atomic():
            copy = AppCopy.objects.select_for_update().filter(pk=pk).first()
            if copy is None or copy.state != AppCopy.State.SCANNED:
                continue  # confirmed meanwhile
            device_id = copy.new_device_id
            copy.state = AppCopy.State.CANCELLED
            copy.new_device = None
            copy.save(update_fields=["state", "new_device"])
            if device_id is not None:
                pending = AppDevice.objects.filter(status=AuthenticatorStatus.PENDING)
                pending.filter(pk=device_id).delete()
            dropped += 1
    return dropped


def drop_unconfirmed(now: datetime | None = None) -> int:
    """Copies whose time to be confirmed is over (Celery beat's clean-up), as `_drop` says."""
    now = now or timezone.now()
    over = now - timedelta(seconds=settings.APP_COPY_SECONDS)
    return _drop(AppCopy.objects.filter(state=AppCopy.State.SCANNED, scanned_at__lte=over))


def forget_numbers(*, now: datetime | None = None) -> int:
    """The numbers to prove of copy codes past their time that no phone scanned (a scan hands
    the number to the new phone's app): nobody proved them (Celery beat's clean-up)."""
    over = AppCopy.objects.filter(expires_at__lte=now or timezone.now()).exclude(mobile_to_prove="")
    return over.update(mobile_to_prove="")


def confirm_by(copy: AppCopy) -> datetime:
    """Until when the old app may confirm a copy scanned (`APP_COPY_SECONDS` from the scan)."""
    return (copy.scanned_at or copy.created_at) + timedelta(seconds=settings.APP_COPY_SECONDS)


def scanned_copy(*, source: AppDevice, copy_id: str) -> AppCopy:
    """The copy `source` showed, scanned by a new phone and not confirmed yet: the old app
    shows the new phone's name and the match code, and signs its signing input."""
    try:
        public_id = uuid.UUID(copy_id)
    except ValueError as error:
        raise ActivationRefused("not_found") from error
    copy = (
        AppCopy.objects.select_related("identity", "new_device")
        .filter(public_id=public_id, source=source)
        .first()
    )
    if copy is None:
        raise ActivationRefused("not_found")
    if copy.state == AppCopy.State.SHOWN:
        raise ActivationRefused("copy_not_scanned")
    if copy.state != AppCopy.State.SCANNED or copy.new_device is None:
        raise ActivationRefused("copy_code_used")
    if timezone.now() >= confirm_by(copy):
        raise ActivationRefused("copy_code_expired")
    return copy


def copy_for_new_phone(*, key_id: str, client: str) -> AppCopy:
    """The copy a new phone scanned with the key `key_id`, asked after by that phone while it
    waits for the old app: approved (its temporary PIN is on its way) or still waiting to be
    confirmed; or why it is over, for the citizen to start again: its time to be confirmed ran
    out (`copy_code_expired`, whether or not the clean-up dropped it yet), or the old app showed
    a new code, which dropped it (`copy_replaced`). The answer names nobody and nothing of the
    person.

    Unsigned (the new app is pending, so it cannot sign), so the key ID is all it asks by; and
    an app's key ID is no secret once the app is active (every signed request names it). So
    an approved copy is answered only while its new app waits for its PIN: after, it is
    `not_found`, as a key that scanned no copy is, or anyone who saw a key ID would learn that
    the app came from a copy. Unknown key IDs are counted per `client`, and told "too many"
    once it is locked, as bad signatures are (`api_auth._failed`): the lock is read only for
    a key ID that found nothing, so a new phone behind the same address as a guesser still
    hears of its copy."""
    try:
        key: uuid.UUID | None = uuid.UUID(key_id)
    except ValueError:
        key = None
    copy = one(AppCopy.objects.select_related("new_device").filter(new_key_id=key)) if key else None
    if copy is None or (copy.state == AppCopy.State.APPROVED and not _new_app_waits(copy)):
        if attempts.client_locked_until(NEW_PHONE_ASKS, client) is not None:
            raise ActivationRefused("too_many_attempts")
        attempts.count_client_failure(NEW_PHONE_ASKS, client)
        raise ActivationRefused("not_found")
    if copy.state == AppCopy.State.APPROVED:
        return copy
    if timezone.now() >= confirm_by(copy):
        raise ActivationRefused("copy_code_expired")
    if copy.state != AppCopy.State.SCANNED or copy.new_device_id is None:
        raise ActivationRefused("copy_replaced")
    return copy


def _new_app_waits(copy: AppCopy) -> bool:
    """Whether the new phone's app of an approved copy still waits for its PIN."""
    return copy.new_device is not None and copy.new_device.status == AuthenticatorStatus.PENDING


def approve_copy(*, source: AppDevice, copy_id: str, pin: str, signature: str) -> AppCopy:
    """The old app confirms with its PIN and a signature over the copy's signing input, which
    names the new phone's key (`scanned_copy`)."""
    copy = scanned_copy(source=source, copy_id=copy_id)
    until = confirm_by(copy)
    outcome = services.verify(
        source,
        signature,
        purpose=COPY_CHECK,
        knowledge=pin,
        challenge=(copy.signing_input, until),
    )
    if not outcome.ok:
        raise ActivationRefused(
            VERIFY_REFUSALS.get(
                outcome.reason, "wrong_pin" if outcome.reason == "wrong_pin" else "bad_signature"
            )
        )
    with transaction.atomic():
        copy = AppCopy.objects.select_for_update().select_related("identity").get(pk=copy.pk)
        if copy.state != AppCopy.State.SCANNED or copy.new_device is None:
            raise ActivationRefused("copy_code_used")
        _approved(copy, copy.new_device)
    return copy
