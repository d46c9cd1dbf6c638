"""App logins as services: start, scan a frame, approve or reject, and every way to be refused."""

import uuid
from datetime import timedelta
from typing import Any

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from authenticators import app_keys, lifecycle
from authenticators.models import AppDevice, AppLogin, AuthenticatorEvent, Identity
from login import app_logins
from login.app_logins import LoginRefused
from tests.factories import AppDeviceFactory, IdentityFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def phone() -> AppDevice:
    return AppDeviceFactory(identity__user_id="J()nas Jen5en")


def start(user_id: str = "j()nas jen5en", **kwargs: object) -> AppLogin:
    return app_logins.start(
        user_id=user_id, service="MitID.dk", text="Log on to MitID.dk", **kwargs
    )


def sign(phone: AppDevice, login: AppLogin) -> str:
    return app_keys.sign(phone.private_key, login.signing_input.encode())


def refusal(call: object, *args: object, **kwargs: object) -> str:
    with pytest.raises(LoginRefused) as refused:
        call(*args, **kwargs)  # type: ignore[operator]
    return refused.value.code


def test_scan_then_approve_with_the_pin_and_a_signature(phone: AppDevice) -> None:
    login = start()
    assert login.identity == phone.identity  # the user-ID is found whatever its case

    scanned = app_logins.scan(signer=phone, frame_text=app_logins.frame(login))
    assert (scanned.status, scanned.device) == ("scanned", phone)

    approved = app_logins.approve(
        signer=phone, token=str(login.token), signature=sign(phone, login), pin="246810"
    )
    assert approved.status == "approved"
    use = AuthenticatorEvent.objects.get(kind="verified")
    assert (use.service, use.detail) == ("MitID.dk", "Log on to MitID.dk")


def test_a_frame_older_than_a_few_seconds_is_refused(phone: AppDevice, settings) -> None:
    login = start()
    old_frame = app_logins.frame(login)
    later = timezone.now() + timedelta(seconds=settings.APP_LOGIN_FRAME_MAX_AGE_SECONDS + 1)
    assert refusal(app_logins.scan, signer=phone, frame_text=old_frame, now=later) == (
        "stale_frame"
    )
    assert AppLogin.objects.get().status == "waiting"


def test_a_frame_from_the_future_is_refused(phone: AppDevice) -> None:
    login = start()
    future = app_logins.frame(login, now=timezone.now() + timedelta(seconds=30))
    assert refusal(app_logins.scan, signer=phone, frame_text=future) == "stale_frame"


def test_a_frame_with_another_logins_auth_code_is_refused(phone: AppDevice) -> None:
    login = start()
    other = AppLogin.objects.create(
        typed_user_id="someone", service="x", text="y", expires_at=login.expires_at
    )
    spliced = app_logins.frame(login).replace(str(login.token), str(other.token))
    assert refusal(app_logins.scan, signer=phone, frame_text=spliced) == "invalid_frame"


def test_someone_elses_phone_cannot_take_over_a_login(phone: AppDevice) -> None:
    login = start()
    stranger = AppDeviceFactory()
    frame = app_logins.frame(login)
    assert refusal(app_logins.scan, signer=stranger, frame_text=frame) == "not_for_this_app"


def test_an_unknown_user_id_gets_a_login_that_can_never_be_approved(phone: AppDevice) -> None:
    login = start("nobody at all")
    assert login.identity is None
    frame = app_logins.frame(login)
    assert refusal(app_logins.scan, signer=phone, frame_text=frame) == "not_for_this_app"


def test_a_qr_login_must_be_scanned_before_it_is_approved(phone: AppDevice) -> None:
    login = start()
    code = refusal(
        app_logins.approve,
        signer=phone,
        token=str(login.token),
        signature=sign(phone, login),
        pin="246810",
    )
    assert code == "scan_first"


def test_a_same_device_login_is_opened_by_its_link_then_approved(phone: AppDevice) -> None:
    login = start(same_device=True)
    assert not app_logins.pending(phone).exists(), "nothing is pushed to a phone"
    app_logins.open_on_phone(signer=phone, token=str(login.token), autostart=login.autostart)
    assert list(app_logins.pending(phone)) == [login]
    app_logins.approve(
        signer=phone, token=str(login.token), signature=sign(phone, login), pin="246810"
    )
    assert AppLogin.objects.get().status == "approved"
    assert not app_logins.pending(phone).exists()


def test_a_same_device_login_cannot_be_opened_without_its_secret(phone: AppDevice) -> None:
    """Someone who types Jonas's user-ID and presses "Open the MitID app" on their own phone
    gets nothing onto Jonas's phone: the link with the secret is on their screen only."""
    login = start(same_device=True)
    code = refusal(
        app_logins.open_on_phone, signer=phone, token=str(login.token), autostart="0" * 32
    )
    assert code == "not_found"
    code = refusal(
        app_logins.approve,
        signer=phone,
        token=str(login.token),
        signature=sign(phone, login),
        pin="246810",
    )
    assert code == "scan_first"


def test_a_wrong_pin_is_refused_counted_and_changes_nothing(phone: AppDevice) -> None:
    login = start()
    app_logins.scan(signer=phone, frame_text=app_logins.frame(login))
    code = refusal(
        app_logins.approve,
        signer=phone,
        token=str(login.token),
        signature=sign(phone, login),
        pin="000000",
    )
    assert code == "wrong_pin"
    phone.refresh_from_db()
    assert phone.throttling_failure_count == 1
    assert AppLogin.objects.get().status == "scanned"
    assert AuthenticatorEvent.objects.get().kind == "refused"


def test_a_signature_over_other_text_is_refused(phone: AppDevice) -> None:
    login = start()
    app_logins.scan(signer=phone, frame_text=app_logins.frame(login))
    forged = app_keys.sign(
        phone.private_key, login.signing_input.replace("MitID.dk", "Bank").encode()
    )
    code = refusal(
        app_logins.approve, signer=phone, token=str(login.token), signature=forged, pin="246810"
    )
    assert code == "bad_signature"


def test_a_second_approval_is_refused(phone: AppDevice) -> None:
    login = start()
    app_logins.scan(signer=phone, frame_text=app_logins.frame(login))
    signature = sign(phone, login)
    app_logins.approve(signer=phone, token=str(login.token), signature=signature, pin="246810")
    code = refusal(
        app_logins.approve, signer=phone, token=str(login.token), signature=signature, pin="246810"
    )
    assert code == "login_not_open"


def test_an_expired_login_cannot_be_scanned_or_approved(phone: AppDevice) -> None:
    login = start(same_device=True)
    AppLogin.objects.update(expires_at=timezone.now())
    login.refresh_from_db()
    assert login.current_status() == "expired"
    code = refusal(
        app_logins.approve,
        signer=phone,
        token=str(login.token),
        signature=sign(phone, login),
        pin="246810",
    )
    assert code == "login_expired"
    assert not app_logins.pending(phone).exists()


def test_a_blocked_app_cannot_approve(phone: AppDevice) -> None:
    login = start(same_device=True)
    signature = sign(phone, login)
    lifecycle.block_device(phone, reason="lost", by=None)
    phone.refresh_from_db()  # as the App API loads the signer afresh for every request
    code = refusal(
        app_logins.approve, signer=phone, token=str(login.token), signature=signature, pin="246810"
    )
    assert code == "device_not_active"
    assert AppLogin.objects.get().status == "waiting"


def test_an_app_blocked_after_its_request_was_checked_is_refused_on_its_locked_row(
    phone: AppDevice,
) -> None:
    """The approval decides on the app's row as locked with the login, not on the signer the
    signed request's check read a moment before."""
    login = start()
    app_logins.scan(signer=phone, frame_text=app_logins.frame(login))
    signer = AppDevice.objects.get(pk=phone.pk)  # read by the check: still active
    lifecycle.block_device(phone, reason="lost", by=None)
    code = refusal(
        app_logins.approve,
        signer=signer,
        token=str(login.token),
        signature=sign(phone, login),
        pin="246810",
    )
    assert code == "device_not_active"
    assert AppLogin.objects.get().status == "scanned"


def test_a_scan_that_loses_a_race_moves_nothing(phone: AppDevice, monkeypatch) -> None:
    """The scan takes no lock: its update names the status it read. The same phone's scan sent
    twice at once is answered as a scan again; another phone's, or a login cancelled since it
    was read, is refused."""
    login = start()
    stale = AppLogin.objects.select_related("identity").get(pk=login.pk)  # read: waiting
    app_logins.scan(signer=phone, frame_text=app_logins.frame(login))
    monkeypatch.setattr(app_logins, "_scanned_login", lambda *args, **kwargs: stale)
    again = app_logins.scan(signer=phone, frame_text=app_logins.frame(login))
    assert (again.status, again.device_id) == ("scanned", phone.pk)

    stale = AppLogin.objects.select_related("identity").get(pk=login.pk)
    stale.status = AppLogin.Status.WAITING  # as read before the other scan
    other_phone = AppDeviceFactory(identity=phone.identity)
    code = refusal(app_logins.scan, signer=other_phone, frame_text=app_logins.frame(login))
    assert code == "login_not_open"
    assert AppLogin.objects.get().device == phone

    cancelled = start()  # replaces (cancels) the first
    assert refusal(app_logins.move, stale, "scanned") == "login_not_open"
    assert AppLogin.objects.get(pk=login.pk).status == "cancelled"
    assert AppLogin.objects.get(pk=cancelled.pk).status == "waiting"


def test_a_new_login_replaces_the_open_one(phone: AppDevice) -> None:
    first = start()
    second = start()
    first.refresh_from_db()
    assert first.status == "cancelled"
    assert second.status == "waiting"
    frame = app_logins.frame(first)
    assert refusal(app_logins.scan, signer=phone, frame_text=frame) == "login_not_open"


@pytest.mark.parametrize("user_id", ["J()nas Jen5en", "Nobody Here 77"])
def test_whose_login_it_is_cannot_be_told_from_a_second_login(
    phone: AppDevice, user_id: str
) -> None:
    """A second login for the same typed user-ID (in any case) cancels the first, whether the
    user-ID is somebody's or nobody's: two browsers cannot tell who has MitID from it."""
    first = start(user_id)
    other_user_id = start("someone else")
    second = start(user_id.upper())
    first.refresh_from_db()
    other_user_id.refresh_from_db()
    assert (first.status, other_user_id.status, second.status) == (
        "cancelled",
        "waiting",
        "waiting",
    )


def test_two_open_logins_for_one_typed_user_id_that_is_nobodys_cannot_be(
    phone: AppDevice,
) -> None:
    """Nobody's row is locked for a user-ID that is nobody's: two starts at the same instant
    meet the database's constraint (the later one then cancels the first and goes on)."""
    first = start("Nobody Here 77")
    with pytest.raises(IntegrityError), transaction.atomic():
        AppLogin.objects.create(
            typed_user_id="NOBODY here 77",
            typed_key="nobody here 77",
            service="x",
            text="y",
            expires_at=first.expires_at,
        )
    assert start("nobody here 77").status == "waiting"
    first.refresh_from_db()
    assert first.status == "cancelled"


def test_an_approved_login_is_taken_once(phone: AppDevice) -> None:
    """Two requests racing to take it: the update names the status it moves from."""
    login = start()
    app_logins.scan(signer=phone, frame_text=app_logins.frame(login))
    app_logins.approve(
        signer=phone, token=str(login.token), signature=sign(phone, login), pin="246810"
    )
    first, second = AppLogin.objects.get(pk=login.pk), AppLogin.objects.get(pk=login.pk)
    app_logins.complete(first)
    assert refusal(app_logins.complete, second) == "login_not_open"
    assert AppLogin.objects.get(pk=login.pk).status == "completed"


def test_a_login_not_approved_cannot_be_taken(phone: AppDevice) -> None:
    login = start()
    assert refusal(app_logins.complete, login) == "login_not_open"
    app_logins.scan(signer=phone, frame_text=app_logins.frame(login))
    assert refusal(app_logins.complete, login) == "login_not_open"


def test_reject(phone: AppDevice) -> None:
    login = start()
    app_logins.scan(signer=phone, frame_text=app_logins.frame(login))
    assert app_logins.reject(signer=phone, token=str(login.token)).status == "rejected"
    assert refusal(app_logins.reject, signer=phone, token=str(login.token)) == "login_not_open"


def test_one_phone_holds_two_user_ids_and_approves_with_the_right_one(phone: AppDevice) -> None:
    partner = IdentityFactory(user_id="Karen K")
    partners_account = AppDeviceFactory(
        identity=partner, installation_id=phone.installation_id, name="Household tablet"
    )
    login = start("karen k")
    scanned = app_logins.scan(signer=phone, frame_text=app_logins.frame(login))
    assert scanned.device == partners_account
    # Jonas's key cannot approve for Karen, nor can Jonas's PIN.
    code = refusal(
        app_logins.approve,
        signer=phone,
        token=str(login.token),
        signature=sign(phone, login),
        pin="246810",
    )
    assert code == "bad_signature"
    app_logins.approve(
        signer=phone,
        token=str(login.token),
        signature=sign(partners_account, login),
        pin="246810",
    )
    assert AppLogin.objects.get(pk=login.pk).status == "approved"


def test_the_browser_hears_each_change_on_the_channel_layer(
    phone: AppDevice, django_capture_on_commit_callbacks
) -> None:
    from asgiref.sync import async_to_sync
    from channels.layers import get_channel_layer

    layer = get_channel_layer()
    login = start()
    channel = async_to_sync(layer.new_channel)()
    async_to_sync(layer.group_add)(app_logins.STATUS_GROUP, channel)
    with django_capture_on_commit_callbacks(execute=True):
        app_logins.scan(signer=phone, frame_text=app_logins.frame(login))
    message = async_to_sync(layer.receive)(channel)
    assert message == {"type": "login.status", "status": "scanned", "login": str(login.token)}


def test_the_token_in_a_request_must_exist(phone: AppDevice) -> None:
    code = refusal(
        app_logins.approve, signer=phone, token=str(uuid.uuid4()), signature="x", pin="1"
    )
    assert code == "not_found"


def test_someone_who_cannot_scan_types_the_code_the_app_shows(phone: AppDevice) -> None:
    Identity.objects.filter(pk=phone.identity_id).update(typed_codes=True)
    login = start()
    (listed,) = app_logins.pending(phone)
    assert listed == login  # the app lists it, with its code, without a scan

    app_logins.enter_typed_code(token=str(login.token), code=login.typed_code)
    login.refresh_from_db()
    assert (login.status, login.device) == ("scanned", None)
    app_logins.approve(
        signer=phone, token=str(login.token), signature=sign(phone, login), pin="246810"
    )
    login.refresh_from_db()
    assert (login.status, login.device) == ("approved", phone)


def test_typed_codes_are_off_by_default_and_then_every_code_is_wrong(phone: AppDevice) -> None:
    login = start()
    assert not app_logins.pending(phone).exists()
    code = refusal(app_logins.enter_typed_code, token=str(login.token), code=login.typed_code)
    assert code == "wrong_code"


def test_three_wrong_typed_codes_end_the_login(phone: AppDevice, settings) -> None:
    settings.AUTHENTICATOR_MAX_FAILURES = 3
    Identity.objects.filter(pk=phone.identity_id).update(typed_codes=True)
    login = start()
    wrong = f"{(int(login.typed_code) + 1) % 10_000:04d}"
    codes = [
        refusal(app_logins.enter_typed_code, token=str(login.token), code=wrong) for _ in range(3)
    ]
    assert codes == ["wrong_code", "wrong_code", "too_many_attempts"]
    login.refresh_from_db()
    assert login.status == "cancelled" and login.too_many_typed_codes
    right = refusal(app_logins.enter_typed_code, token=str(login.token), code=login.typed_code)
    assert right == "login_not_open"


def wrong_codes_over_new_logins(user_id: str, count: int, client: str = "") -> list[str]:
    """Wrong typed codes, a new login after every three (each is free to start)."""
    answers = []
    for attempt in range(count):
        if attempt % 3 == 0:
            login = start(user_id)
        wrong = f"{(int(login.typed_code) + 1) % 10_000:04d}"
        answers.append(
            refusal(app_logins.enter_typed_code, token=str(login.token), code=wrong, client=client)
        )
    return answers


@pytest.mark.parametrize("user_id", ["j()nas jen5en", "nobody here"])
def test_wrong_typed_codes_over_many_logins_lock_typed_codes_for_the_user_id(
    phone: AppDevice, settings: Any, user_id: str
) -> None:
    """A probe guessed the 4 digits over thousands of logins. An unknown user-ID is locked
    alike, so the lock tells nobody who has MitID."""
    settings.TYPED_CODE_FAILURES_PER_USER_ID = 5
    Identity.objects.filter(pk=phone.identity_id).update(typed_codes=True)
    answers = wrong_codes_over_new_logins(user_id, 6, client="203.0.113.7")
    assert answers[:5] == [
        "wrong_code",
        "wrong_code",
        "too_many_attempts",
        "wrong_code",
        "wrong_code",
    ]
    assert answers[5] == "typed_codes_locked"
    login = start(user_id)
    right = refusal(
        app_logins.enter_typed_code,
        token=str(login.token),
        code=login.typed_code,
        client="203.0.113.7",
    )
    assert right == "typed_codes_locked", "the right code too, while locked"
    # Not for the person at another address: nobody locks them out in their name.
    if user_id == "j()nas jen5en":
        login = start(user_id)
        app_logins.enter_typed_code(
            token=str(login.token), code=login.typed_code, client="198.51.100.1"
        )
        login.refresh_from_db()
        assert login.status == "scanned"


def test_wrong_typed_codes_from_one_client_lock_typed_codes_for_it(
    phone: AppDevice, settings: Any
) -> None:
    settings.CLIENT_FAILURES_PER_WINDOW = 4
    answers = wrong_codes_over_new_logins("someone", 3, client="203.0.113.7")
    answers += wrong_codes_over_new_logins("someone else", 2, client="203.0.113.7")
    assert answers[-1] == "typed_codes_locked"
    login = start("a third")
    elsewhere = refusal(
        app_logins.enter_typed_code, token=str(login.token), code="0000", client="198.51.100.1"
    )
    assert elsewhere == "wrong_code", "another address is not locked"


@pytest.mark.parametrize(
    ("before", "after", "allowed"),
    [
        ("waiting", "scanned", True),
        ("scanned", "approved", True),
        ("approved", "completed", True),
        ("waiting", "approved", False),  # nobody approves what no phone has scanned
        ("rejected", "scanned", False),
        ("cancelled", "approved", False),
        ("completed", "completed", False),  # a login is taken once
    ],
)
def test_a_login_moves_only_as_the_table_allows(
    phone: AppDevice, before: str, after: str, allowed: bool
) -> None:
    login = start()
    AppLogin.objects.filter(pk=login.pk).update(status=before)
    login.refresh_from_db()
    if allowed:
        app_logins.move(login, after)
        login.refresh_from_db()
        assert login.status == after
    else:
        assert refusal(app_logins.move, login, after) == "login_not_open"
        login.refresh_from_db()
        assert login.status == before
