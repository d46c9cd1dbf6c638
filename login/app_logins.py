"""Logins approved in the MitID app: start, scan a frame, approve or reject, and the outcome.

The browser side (the QR page and its websocket) hears status changes over the channel layer
(`STATUS_GROUP`, each change naming its login); only those changes cross the layer, never the
frames.
"""

import hmac
import uuid
from datetime import datetime, timedelta
from functools import partial
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from authenticators import services
from authenticators.models import (
    AppDevice,
    AppLogin,
    AuthenticatorEvent,
    AuthenticatorStatus,
    Identity,
    typed_codes_q,
)
from authenticators.queries import OneByKey, one
from authenticators.user_ids import normalise_user_id
from pages import attempts

from . import frames, layers

# Why a refused approval was refused, as the App API names it.
_VERIFICATION_CODES = {
    "not_active": "device_not_active",
    "locked": "too_many_attempts",
    "wrong_pin": "wrong_pin",
    "wrong_code": "bad_signature",
}


class LoginRefused(services.Refused):
    pass


Status = AppLogin.Status

# Which status may follow which, and nothing else: the app login's state machine as data.
# Expired is never stored (a waiting or scanned login past its time); the rest are final.
NEXT: dict[str, tuple[str, ...]] = {
    Status.WAITING: (Status.SCANNED, Status.CANCELLED, Status.BLOCKED),
    Status.SCANNED: (Status.APPROVED, Status.REJECTED, Status.CANCELLED, Status.BLOCKED),
    Status.APPROVED: (Status.COMPLETED,),
}
# A decision is the end of the wait: the moment is kept.
DECISIONS = (Status.APPROVED, Status.REJECTED, Status.BLOCKED, Status.CANCELLED)


def may_become(status: str) -> list[str]:
    """The statuses a login can move to `status` from (for a query over many logins)."""
    return [before for before, after in NEXT.items() if status in after]


def columns(model: type[AppLogin] | type[AppDevice], prefix: str = "") -> list[str]:
    """Every column of `model`'s table (at `prefix`), for an `only` that leaves out only what
    it names of a row joined to it."""
    return [prefix + field.name for field in model._meta.concrete_fields]


# What the App API reads of the person with a scanned login (`describe`): the user-ID and
# whether the app shows a code to type.
SCANNED_PERSON = tuple(
    f"identity__{name}"
    for name in ("user_id", "typed_codes", "typed_codes_requested", "typed_codes_change_at")
)
# What an approval reads of the app's person with the login and the app (`services.verify`):
# whether they hear of every use.
APPROVING_PERSON = ("device__identity__notify_on_use",)

# The App API's and the waiting page's reads of a login by its token (a UUID), each query's SQL
# compiled once a connection (`OneByKey`): compiling the joins cost more than reading them.
_TOKEN = AppLogin._meta.get_field("token")


def _scanned_logins(token: uuid.UUID | str) -> QuerySet[AppLogin]:
    # The identity comes along (one query, not two): the App API describes the login.
    return (
        AppLogin.objects.select_related("identity")
        .only(*columns(AppLogin), *SCANNED_PERSON)
        .filter(token=token)
    )


_scanned = OneByKey(AppLogin, _scanned_logins, keys=(_TOKEN,))
_scanned_locked = OneByKey(
    AppLogin,
    lambda token: _scanned_logins(token).select_for_update(of=("self",)),
    keys=(_TOKEN,),
)
# The usual approval, in one query: the phone scanned the login, and its row comes along (an
# inner join: PostgreSQL locks no row on the nullable side of an outer join).
_scanned_by_app = OneByKey(
    AppLogin,
    lambda token, key_id: (
        AppLogin.objects.select_for_update(of=("self", "device"))
        .select_related("device__identity")
        .only(*columns(AppLogin), *columns(AppDevice, "device__"), *APPROVING_PERSON)
        .filter(token=token, device__key_id=key_id)
    ),
    keys=(_TOKEN, AppDevice._meta.get_field("key_id")),
)


# Every server process's websockets hear status changes on this group, through one channel
# each (`listeners`); a change names its login.
STATUS_GROUP = "app-login-status"


def announce(login: AppLogin) -> None:
    """Tell the browser waiting on this login, on whichever server process it is."""
    layers.group_send(
        STATUS_GROUP,
        {"type": "login.status", "status": login.current_status(), "login": str(login.token)},
    )


def move(
    login: AppLogin,
    to: str,
    *,
    device: AppDevice | None = None,
    signature: str = "",
    identity: Identity | None = None,
) -> None:
    """The one way a login changes status: refused unless `NEXT` allows it. The update names
    the status the login was read with, so it needs no lock: on a locked row that holds, and of
    two requests racing on an unlocked one only the first moves it (the other is refused).
    The browser waiting on it hears of it after the commit (completing is the browser's own
    request, so nobody else waits for it). An approval keeps the app's signature; a login
    typed for a whole MitID blocked, ended by its app, learns whose it was (`identity`), so
    that its page says the MitID is blocked."""
    if to not in NEXT.get(login.status, ()):
        raise LoginRefused("login_not_open")
    changes: dict[str, object] = {"status": to}
    if device is not None:
        changes["device"] = device
    if identity is not None:
        changes["identity"] = identity
    if signature:
        changes["signature"] = signature
    if to in DECISIONS:
        changes["decided_at"] = timezone.now()
    if not AppLogin.objects.filter(pk=login.pk, status=login.status).update(**changes):
        raise LoginRefused("login_not_open")
    for name, value in changes.items():
        setattr(login, name, value)
    if to != Status.COMPLETED:
        transaction.on_commit(partial(announce, login))


def watched(token: str) -> AppLogin | None:
    """The login a browser's websocket waits on, with only what its frames and status need
    (thousands of sockets connect at once); none for a token that is no login."""
    try:
        return one(
            AppLogin.objects.only(
                "token", "secret", "same_device", "status", "started_at", "expires_at"
            ).filter(token=_token(token))
        )
    except LoginRefused:
        return None


def statuses(tokens: list[str]) -> dict[str, str]:
    """The status now of each of these logins (tokens the browsers wait on), by token; a token
    that is no login is left out."""
    return {
        str(login.token): login.current_status()
        for login in AppLogin.objects.only("token", "status", "expires_at").filter(token__in=tokens)
    }


# What the page a browser waits on reads of its login (the frame, the status) and what
# finishing it reads of the person, their account and the approving app (`services.
# complete_app_login`, `session.log_in`, Django's `auth.login` and the login signals): 26 of
# the four rows' 68 columns (with their keys); the rest stays out of the query (compiling it
# and making its rows was most of the page's ORM time).
WAITED_ON_FIELDS = (
    *("token", "secret", "same_device", "status", "started_at", "expires_at"),
    *("identity_id", "device_id", "service", "text", "typed_code_failures"),
    *("identity__status", "identity__level", "identity__language", "identity__account_id"),
    *("identity__account__password", "identity__account__username"),
    *("identity__account__is_active", "identity__account__is_staff"),
    *("device__status", "device__name", "device__level"),
)


_waited_on = OneByKey(
    AppLogin,
    lambda token: (
        AppLogin.objects.select_related("identity__account", "device")
        .only(*WAITED_ON_FIELDS)
        .filter(token=token)
    ),
    keys=(_TOKEN,),
)


def waited_on(token: str) -> AppLogin | None:
    """The login a browser waits on, by the token in its session, with what finishing it needs
    (the person, their account and the approving app); none for a token that is no login."""
    try:
        return _waited_on(_token(token))
    except LoginRefused:
        return None


def says_otherwise(login: AppLogin, service: str, text: str) -> bool:
    """A login still waiting for the app whose words are not these (the citizen changed the
    page's language): the page starts another in these words, as the app will show and sign
    them. Once scanned, a login keeps its words."""
    return (login.service, login.text) != (service, text) and (
        login.current_status() == Status.WAITING
    )


def complete(login: AppLogin) -> None:
    """The browser takes an approved login, once: `move` to completed, without a lock (of two
    requests racing only one gets the login)."""
    move(login, Status.COMPLETED)


# Only the row's key: the person is locked, not read.
_person_locked = OneByKey(
    Identity,
    lambda key: (
        Identity.objects.select_for_update()
        .filter(status=Identity.Status.ACTIVE, user_id_key=key)
        .only("pk")
    ),
)


def start(
    *, user_id: str, service: str, text: str, same_device: bool = False, client: str = ""
) -> AppLogin:
    """A new login for whoever holds `user_id`; it replaces that person's open app login.

    A second login replaces the first rather than being refused: a citizen who closed the tab
    can start again at once, and nobody can keep someone else's login blocked for minutes by
    starting one in their name. The replaced browser is told its login was cancelled. So is
    the browser of a login for a user-ID that is nobody's, when another starts for the same
    typed user-ID: otherwise two browsers could tell who has MitID by whether the second
    login cancelled the first. A `client` (an address, `pages.clients`) that has replaced
    APP_LOGIN_REPLACEMENTS_PER_USER_ID open logins for the user-ID replaces no more for a while
    (`too_many_starts`): a probe's loop of starts kept a person's login cancelled. Counted by
    client, so that the person's own starts from elsewhere go on; a start that replaces
    nothing, as nearly all do, is not counted.
    """
    now = timezone.now()
    with transaction.atomic():
        key = normalise_user_id(user_id)  # empty is nobody's user-ID
        identity = _person_locked(key) if key else None
        fields = {
            "identity": identity,
            "typed_user_id": user_id.strip()[:48],
            "typed_key": key[:48],
            "service": service,
            "text": text,
            "same_device": same_device,
            "started_at": now,
            "expires_at": now + timedelta(seconds=settings.APP_LOGIN_SECONDS),
        }
        if identity is not None or not key:
            return _replacing(fields, client)  # the person's row, locked, keeps starts in turn
        # Nobody's row to lock: a start that met another's at the same instant (the unique
        # constraint on the open login of a typed user-ID) cancels it and goes on, once.
        try:
            with transaction.atomic():
                return _replacing(fields, client)
        except IntegrityError:
            return _replacing(fields, client)


def _replacing(fields: dict[str, Any], client: str) -> AppLogin:
    """A new open login, its person's or typed user-ID's open ones cancelled first."""
    open_logins = AppLogin.objects.filter(status__in=may_become(Status.CANCELLED))
    if fields["identity"] is not None:
        open_logins = open_logins.filter(identity=fields["identity"])
    else:
        open_logins = open_logins.filter(identity=None, typed_key=fields["typed_key"])
    if fields["typed_key"]:
        replaced = list(open_logins.only("token", "status", "expires_at").select_for_update())
        if replaced and client:
            starts = f"{fields['typed_key']}\n{client}"  # this user-ID, from this client
            if attempts.is_locked("app-login-replaced", starts):
                raise LoginRefused("too_many_starts")
            limit = settings.APP_LOGIN_REPLACEMENTS_PER_USER_ID
            attempts.count_failure("app-login-replaced", starts, limit=limit)
        for old in replaced:
            move(old, Status.CANCELLED)
    login: AppLogin = AppLogin.objects.create(**fields)
    return login


def frame(login: AppLogin, now: datetime | None = None) -> str:
    """The QR text to show now."""
    return frames.frame_text(str(login.token), login.secret, login.seconds_since_start(now))


def account_on_installation(signer: AppDevice, login: AppLogin) -> AppDevice:
    """The user-ID on the signer's phone that the login is for (a phone may hold several)."""
    if login.identity_id is None:
        raise LoginRefused("not_for_this_app")
    if signer.identity_id == login.identity_id:
        device: AppDevice | None = signer  # the usual case: the phone signed as this user-ID
    else:
        device = (
            AppDevice.objects.filter(
                installation_id=signer.installation_id, identity_id=login.identity_id
            )
            .exclude(status=AuthenticatorStatus.PENDING)
            .order_by("-activated_at")
            .first()
        )
    if device is None:
        raise LoginRefused("not_for_this_app")
    if not device.is_usable:
        raise LoginRefused("device_not_active")  # blocked or revoked: never approves
    return device


def _ended_for_blocked_mitid(signer: AppDevice, login: AppLogin) -> bool:
    """Whether the phone that scanned the login (or was opened for it) holds an active app of
    a whole MitID that is blocked, and the login was typed for that MitID's user-ID (a login
    for a blocked MitID is nobody's, `start`). If so the login ends, its page says the MitID
    is blocked, and the try is in the citizen's history and told to them (a signed request:
    someone has the phone), as a blocked app's is (`refuse_blocked_app`)."""
    if login.identity_id is not None or not login.typed_key:
        return False
    device = one(
        AppDevice.objects.filter(
            installation_id=signer.installation_id,
            identity__user_id_key=login.typed_key,
            identity__status=Identity.Status.BLOCKED,
            status=AuthenticatorStatus.ACTIVE,
        ).select_related("identity")
    )
    if device is None:
        return False
    with transaction.atomic():
        if login.current_status() in AppLogin.OPEN:
            move(login, Status.BLOCKED, identity=device.identity)
        services.record_blocked_use(device, service=login.service)
    return True


def _scanned_login(frame_text: str, now: datetime, *, lock: bool) -> AppLogin:
    """The login of a fresh, authentic frame, its row locked if `lock` (in a transaction)."""
    try:
        scanned = frames.parse(frame_text)
    except frames.InvalidFrame as error:
        raise LoginRefused("invalid_frame") from error
    login = (_scanned_locked if lock else _scanned)(scanned.token)
    if login is None or not scanned.is_authentic(login.secret):
        raise LoginRefused("invalid_frame")
    age = login.seconds_since_start(now) - scanned.seconds
    if not -1 <= age <= settings.APP_LOGIN_FRAME_MAX_AGE_SECONDS:
        raise LoginRefused("stale_frame")
    return login


def scan(*, signer: AppDevice, frame_text: str, now: datetime | None = None) -> AppLogin:
    """The app read a frame off the screen: it must be fresh, authentic and for this phone.

    No lock and no transaction: what is checked (the frame, the login's time, whose login it
    is) never changes, and `move` names the status it was read with, so a login cancelled or
    scanned by another request meanwhile is not moved.
    """
    now = now or timezone.now()
    login = _scanned_login(frame_text, now, lock=False)
    status = login.current_status(now)
    if status == AppLogin.Status.EXPIRED:
        raise LoginRefused("login_expired")
    if _ended_for_blocked_mitid(signer, login):
        raise LoginRefused("identity_blocked")
    device = account_on_installation(signer, login)
    if status == Status.SCANNED and login.device_id == device.pk:
        return login  # the same phone scanned again
    if status != Status.WAITING:
        raise LoginRefused("login_not_open")
    try:
        move(login, Status.SCANNED, device=device)
    except LoginRefused:
        # Moved since it was read: the same phone's scan sent twice at once is answered as
        # the scan again; anything else is not open any more.
        login.refresh_from_db(fields=["status", "device"])
        if login.status == Status.SCANNED and login.device_id == device.pk:
            return login
        raise
    return login


def open_on_phone(*, signer: AppDevice, token: str, autostart: str) -> AppLogin:
    """The app was opened from the login page on the same phone, with the login's secret."""
    with transaction.atomic():
        login = one(AppLogin.objects.select_for_update().filter(token=_token(token)))
        if login is None or not (
            login.same_device and hmac.compare_digest(autostart, login.autostart)
        ):
            raise LoginRefused("not_found")
        status = login.current_status()
        if status == AppLogin.Status.EXPIRED:
            raise LoginRefused("login_expired")
        blocked_mitid = _ended_for_blocked_mitid(signer, login)
        if not blocked_mitid:
            device = account_on_installation(signer, login)
            if status == Status.SCANNED and login.device_id == device.pk:
                return login
            if status != Status.WAITING:
                raise LoginRefused("login_not_open")
            move(login, Status.SCANNED, device=device)
    # Raised outside the transaction, so that the login's end and the try stay written.
    if blocked_mitid:
        raise LoginRefused("identity_blocked")
    return login


def _token(text: str) -> uuid.UUID:
    try:
        return uuid.UUID(str(text))
    except ValueError as error:
        raise LoginRefused("not_found") from error


def pending(signer: AppDevice, now: datetime | None = None) -> QuerySet[AppLogin]:
    """Open logins this phone may approve: ones it scanned or was opened for, and, for someone
    who types codes instead of scanning, ones waiting for the code it shows."""
    installation = AppDevice.objects.filter(
        installation_id=signer.installation_id, status=AuthenticatorStatus.ACTIVE
    )
    identities = installation.values("identity")
    return (
        AppLogin.objects.filter(expires_at__gt=now or timezone.now())
        .filter(
            Q(status=AppLogin.Status.SCANNED, device__in=installation)
            | Q(status=AppLogin.Status.SCANNED, device=None, identity__in=identities)
            | (
                Q(status=AppLogin.Status.WAITING, identity__in=identities)
                & typed_codes_q("identity__", now)
            )
        )
        .select_related("identity")
        .order_by("started_at")
    )


def _open_login_for(signer: AppDevice, token: str, now: datetime) -> tuple[AppLogin, AppDevice]:
    """The open login `token` and the app that may decide it, both rows locked (a decision
    changes the app's row too: its failures, its last use)."""
    token_value = _token(token)
    login = _scanned_by_app(token_value, signer.key_id)
    if login is None:  # scanned by another phone or user-ID, by a typed code, or not at all
        login = one(AppLogin.objects.select_for_update().filter(token=token_value))
    if login is None:
        raise LoginRefused("not_found")
    status = login.current_status(now)
    if status == AppLogin.Status.EXPIRED:
        raise LoginRefused("login_expired")
    if status not in AppLogin.OPEN:
        raise LoginRefused("login_not_open")
    device = account_on_installation(signer, login)
    if status == AppLogin.Status.SCANNED and login.device_id not in (None, device.pk):
        raise LoginRefused("not_for_this_app")
    if status == AppLogin.Status.WAITING:
        # Approved only by the phone in front of the screen (it scanned), or the phone the
        # login was started on (the browser opened the app).
        raise LoginRefused("scan_first")
    locked_with_login = login.device if AppLogin.device.is_cached(login) else None
    if locked_with_login is not None and locked_with_login.pk == device.pk:
        return login, locked_with_login  # its identity came with it
    locked = (
        AppDevice.objects.select_for_update(of=("self",))
        .select_related(*AppDevice.VERIFY_RELATED)
        .get(pk=device.pk)
    )
    return login, locked


def approve(*, signer: AppDevice, token: str, signature: str, pin: str) -> AppLogin:
    """The citizen approved in the app: the PIN and a signature over the text.

    The PIN is always sent: on a phone with biometrics the app unlocks the stored PIN with a
    fingerprint or face, so the portal still checks something the citizen knows.
    """
    now = timezone.now()
    with transaction.atomic():
        login, device = _open_login_for(signer, token, now)
        outcome = services.verify(
            device,
            signature,
            purpose=login.text,
            service=login.service,
            knowledge=pin,
            challenge=(login.signing_input, login.expires_at),
            locked=True,
        )
        if outcome.ok:
            move(login, Status.APPROVED, device=device, signature=signature)
    # Raised outside the transaction, so that the refused attempt stays counted.
    if not outcome.ok:
        raise LoginRefused(_VERIFICATION_CODES[outcome.reason])
    return login


def refuse_blocked_app(*, device: AppDevice, frame_text: str = "", token: str = "") -> None:
    """A blocked or revoked app scanned its person's login, or tried to approve the login it
    scanned before the block: the login ends, and the browser says why.

    Only the person's own open login is touched, found by a fresh, authentic frame (the phone
    is in front of that screen) or by the phone's earlier scan; anything else stays as it was.
    """
    now = timezone.now()
    with transaction.atomic():
        try:
            login = (
                _scanned_login(frame_text, now, lock=True)
                if frame_text
                else one(
                    AppLogin.objects.select_for_update().filter(
                        token=_token(token), device__installation_id=device.installation_id
                    )
                )
            )
        except LoginRefused:
            return
        if (
            login is None
            or login.identity_id != device.identity_id
            or login.current_status(now) not in AppLogin.OPEN
        ):
            return
        move(login, Status.BLOCKED)
        # In the citizen's history: someone holds the blocked app and tried it on their login.
        services.record_blocked_use(device, service=login.service)


def reject(*, signer: AppDevice, token: str) -> AppLogin:
    """The citizen did not start this login, or changed their mind."""
    with transaction.atomic():
        login, device = _open_login_for(signer, token, timezone.now())
        move(login, Status.REJECTED, device=device)
        # In the citizen's history: what they said no to, and for whom.
        services.record(device, AuthenticatorEvent.Kind.REJECTED, login.text, service=login.service)
    return login


def enter_typed_code(*, token: str, code: str, client: str = "") -> AppLogin:
    """Someone who cannot scan typed the code their app shows: as good as a scan.

    Only a person who switched typed codes on ever gets a code in the app; for anyone else
    every code is wrong, so the form tells nobody who has the setting. Three wrong codes end
    the login; and as a new login is free, wrong codes are counted too for the user-ID typed
    from the `client` (`TYPED_CODE_FAILURES_PER_USER_ID`, a known one's as an unknown one's)
    and for the client itself, past which typed codes are refused to it a while, the right
    one too: a probe guessed the 4 digits over some thousands of new logins and put a login on
    the person's phone. Counted by client, so that nobody locks a person out of the typed
    codes they depend on by typing wrong ones in their name.
    """
    with transaction.atomic():
        login = one(
            AppLogin.objects.select_for_update(of=("self",))
            .select_related("identity")
            .filter(token=_token(token))
        )
        if login is None:
            raise LoginRefused("not_found")
        tries = f"{login.typed_key}\n{client}"  # this user-ID, from this client
        if attempts.is_locked("typed-code", tries) or (
            client and attempts.client_locked_until("typed-code", client)
        ):
            raise LoginRefused("typed_codes_locked")
        status = login.current_status()
        if status == AppLogin.Status.EXPIRED:
            raise LoginRefused("login_expired")
        if status != AppLogin.Status.WAITING or login.same_device:
            raise LoginRefused("login_not_open")
        right = (
            login.identity is not None
            and login.identity.uses_typed_codes()
            and hmac.compare_digest(code.strip(), login.typed_code)
        )
        if right:
            move(login, Status.SCANNED)
            return login
        login.typed_code_failures += 1
        login.save(update_fields=["typed_code_failures"])
        attempts.count_failure("typed-code", tries, limit=settings.TYPED_CODE_FAILURES_PER_USER_ID)
        if client:
            attempts.count_client_failure("typed-code", client)
        if login.too_many_typed_codes:
            move(login, Status.CANCELLED)
    raise LoginRefused("too_many_attempts" if login.status == Status.CANCELLED else "wrong_code")


def cancel_token(token: str) -> None:
    """Cancel the login a browser was waiting on, by its token, if it is still open."""
    login = one(AppLogin.objects.filter(token=_token(token)))
    if login is not None:
        cancel(login)


def cancel(login: AppLogin) -> None:
    """The browser gave up (the citizen chose another way, or started again)."""
    with transaction.atomic():
        locked = one(AppLogin.objects.select_for_update().filter(pk=login.pk))
        if locked is not None and locked.status in may_become(Status.CANCELLED):
            move(locked, Status.CANCELLED)
