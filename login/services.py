"""Logging in with MitID: where a user-ID goes next, and the checks of each way in."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext, gettext_noop

from authenticators import services, webauthn
from authenticators.kinds import APP, CHIP, CODE_DEVICE
from authenticators.models import AppLogin, AuthenticatorStatus, ChipDevice, CodeDevice, Identity
from authenticators.queries import one
from authenticators.user_ids import normalise_user_id
from pages import attempts

from . import app_logins

SERVICE = "MitID.dk"
# What the citizen approves in a login that is no transaction: MitID.dk's own, or a party's.
# Kept with a login in the language of its page, and said again in the reader's (`in_words`).
LOGIN_TEXT = gettext_noop("Log on to MitID.dk")
PARTY_LOGIN_TEXT = gettext_noop("Log on")


def in_words(text: str) -> str:
    """A login's text in the active language if it is one of the portal's own texts, in any
    of its languages (a login in English, read on a Greenlandic page); a party's transaction
    text as it was written."""
    for source in (LOGIN_TEXT, PARTY_LOGIN_TEXT):
        for language, _name in settings.LANGUAGES:
            with translation.override(language):
                said = gettext(source)
            if text == said:
                return gettext(source)
    return text


class LoginFailed(Exception):
    def __init__(self, code: str, *, locked_until: datetime | None = None) -> None:
        super().__init__(code)
        self.code = code
        self.locked_until = locked_until


@dataclass(frozen=True)
class Success:
    identity: Identity
    method: str
    authenticator: str  # what tells this device from others: a serial, the phone's name
    level: str
    device: str  # django-otp persistent id: the session ends if this device is blocked
    approval: str = ""  # the app login (token) whose signature approved it, for the app


def identity_for(user_id: str) -> Identity | None:
    """The active identity holding `user_id`, whatever its case."""
    key = normalise_user_id(user_id)  # empty is nobody's user-ID
    if not key:
        return None
    return one(Identity.objects.filter(user_id_key=key, status=Identity.Status.ACTIVE))


def _refused(outcome: services.Verification) -> LoginFailed:
    if outcome.reason == "locked":
        return LoginFailed("locked", locked_until=outcome.locked_until)
    if outcome.reason == "not_active":
        return LoginFailed("device_blocked")
    return LoginFailed("wrong_credentials")


def _unknown(user_id: str, *, password: str | None = None) -> LoginFailed:
    """A user-ID with no such way in fails like a wrong password, and locks like one, so the
    answers tell nobody whether the user-ID exists or what it has. A password is hashed as a
    real check hashes one (after the lock, as a real device's lock comes first), so that the
    time taken tells nothing either."""
    subject = normalise_user_id(user_id)
    until = attempts.locked_until("login", subject)
    if until is not None:
        return LoginFailed("locked", locked_until=until)
    if password is not None:
        make_password(password)
    attempts.count_failure("login", subject, limit=settings.AUTHENTICATOR_MAX_FAILURES)
    return LoginFailed("wrong_credentials")


def check_code_device(
    *, user_id: str, password: str, code: str, text: str, client: str = "", service: str = SERVICE
) -> Success:
    """The password and the code the device shows now; either wrong counts towards the lock.

    A client address that failed too often is refused before anything is looked up or hashed.
    """
    until = attempts.client_locked_until("code-device-login", client)
    if until is not None:
        raise LoginFailed("client_locked", locked_until=until)
    try:
        return _check_code_device(
            user_id=user_id, password=password, code=code, text=text, service=service
        )
    except LoginFailed:
        attempts.count_client_failure("code-device-login", client)
        raise


def _check_code_device(
    *, user_id: str, password: str, code: str, text: str, service: str
) -> Success:
    # The person's device (at most one: `one_code_device_per_identity`) and the person in one
    # query, locked for the check: none is the same as an unknown user-ID.
    with transaction.atomic():
        device = one(
            CodeDevice.objects.filter(
                identity__user_id_key=normalise_user_id(user_id),
                identity__status__in=[Identity.Status.ACTIVE, Identity.Status.BLOCKED],
            )
            .exclude(status__in=[AuthenticatorStatus.PENDING, AuthenticatorStatus.REVOKED])
            .select_related("identity__account", "token")
            .select_for_update(of=("self",))
        )
        whole_mitid_blocked = (
            device is not None and device.identity.status != Identity.Status.ACTIVE
        )
        if device is not None and device.is_usable and not whole_mitid_blocked:
            outcome = services.verify(
                device, code, purpose=text, service=service, knowledge=password, locked=True
            )
    # An unknown user-ID's password, or a blocked device's, is hashed with no row locked.
    if device is None:
        raise _unknown(user_id, password=password)
    if not device.is_usable or whole_mitid_blocked:
        # Only someone who knows the password learns that the device is blocked; the try is
        # in the citizen's history, and told to them: someone knows their password. A whole
        # MitID blocked is said as such (in the history and the notice too): "wrong, try
        # again" sent its owner round in circles.
        if device.check_knowledge(password):
            services.record_blocked_use(device, service=service)
            raise LoginFailed("identity_blocked" if whole_mitid_blocked else "device_blocked")
        raise LoginFailed("wrong_credentials")
    if not outcome.ok:
        raise _refused(outcome)
    return Success(
        device.identity, CODE_DEVICE, device.token.serial, device.level, device.persistent_id
    )


# Whose chips a chip login asks: an active MitID's, or a whole blocked one's (its chip is asked,
# so that whoever holds it hears of the block rather than "try again", `check_chip`).
CHIP_HOLDERS = (Identity.Status.ACTIVE, Identity.Status.BLOCKED)


def _chip_holder(user_id: str) -> Identity | None:
    """The identity holding `user_id` that a chip may answer for (`CHIP_HOLDERS`)."""
    key = normalise_user_id(user_id)
    if not key:
        return None
    return one(Identity.objects.filter(user_id_key=key, status__in=CHIP_HOLDERS))


def chip_options(user_id: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """Options for `navigator.credentials.get`, and the state to keep in the session.

    Everyone gets options, with the person's active chips if there are any (a whole MitID
    blocked too: the key must be asked to tell its holder of the block), else a decoy, so the
    page looks the same whoever typed the user-ID; nothing is written to anyone's chips.
    """
    key = normalise_user_id(user_id)
    # One query whoever typed the user-ID: the person found first, then their chips, was a
    # query more for a person than for nobody, which a probe could time.
    chips = list(
        ChipDevice.objects.filter(
            identity__user_id_key=key,
            identity__status__in=CHIP_HOLDERS,
            status=AuthenticatorStatus.ACTIVE,
        ).exclude(identity__user_id_key="")  # an empty key is nobody's user-ID
    )
    # The options are in the page: without a chip, a decoy, or they would tell whether the
    # user-ID has one, and so that it exists.
    if not chips:
        return webauthn.assertion_options([webauthn.decoy_credential(key)])
    return webauthn.assertion_options([chip.credential for chip in chips])


def check_chip(
    *, user_id: str, state: dict[str, Any], response: str, text: str, service: str = SERVICE
) -> Success:
    """The browser's answer from one of the person's chips, to the challenge in `state`.

    For a whole MitID blocked, an answer the chip signed (with its PIN) is refused as
    "identity_blocked": whoever holds the chip learns of the block and where it is lifted, and
    the try is in the citizen's history and told, as a code device's right password is. Any
    other answer fails as an unknown user-ID's does."""
    identity = _chip_holder(user_id)
    credential_id = webauthn.credential_id_of_response(response)
    chip = (
        ChipDevice.objects.filter(identity=identity, credential_id=credential_id)
        .exclude(status=AuthenticatorStatus.PENDING)
        .first()
        if identity and credential_id
        else None
    )
    if identity is None or chip is None:
        raise _unknown(user_id)
    if identity.status != Identity.Status.ACTIVE:
        if chip.is_usable and chip.signed(state["challenge"], response):
            services.record_blocked_use(chip, service=service)
            raise LoginFailed("identity_blocked")
        raise _unknown(user_id)
    chip.expect_assertion(
        state["challenge"],
        until=timezone.now() + timedelta(seconds=settings.APP_CHALLENGE_SECONDS),
    )
    outcome = services.verify(chip, response, purpose=text, service=service)
    if not outcome.ok:
        raise _refused(outcome)
    return Success(identity, CHIP, "", chip.level, chip.persistent_id)


def complete_app_login(login: AppLogin) -> Success:
    """The app approved: the browser takes the login, once. `login` comes with its identity,
    the identity's account and the approving device (`select_related`)."""
    if login.status != AppLogin.Status.APPROVED or login.device is None:
        raise LoginFailed("not_approved")
    if login.identity is None or not login.identity.is_active or not login.device.is_usable:
        raise LoginFailed("device_blocked")
    try:
        app_logins.complete(login)
    except app_logins.LoginRefused as refused:
        raise LoginFailed("not_approved") from refused
    return Success(
        login.identity,
        APP,
        login.device.name,
        login.device.level,
        login.device.persistent_id,
        approval=str(login.token),
    )
