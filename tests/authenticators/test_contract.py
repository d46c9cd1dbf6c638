"""The contract every kind of authenticator keeps, run against each kind.

Each kind gives a fixture making an active device, and a way to produce the next valid token
for it (what the citizen would read off the device or approve in the app).
"""

import copy
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.utils import timezone

from activation import services as activation
from authenticators import app_keys, lifecycle, services
from authenticators.models import (
    AppDevice,
    AuthenticatorEvent,
    AuthenticatorStatus,
    ChipDevice,
    CodeDevice,
    HardwareToken,
    Identity,
)
from messaging.models import OutboxMessage
from tests.authenticators.soft_chip import SoftChip

pytestmark = pytest.mark.django_db


@dataclass
class Kind:
    device: CodeDevice | AppDevice | ChipDevice
    valid_token: Callable[[], str]
    wrong_token: Callable[[], str]


def code_device(kind: str) -> Kind:
    identity = Identity.objects.create(cpr="1505831235", user_id="Jonas", user_id_key="jonas")
    token = HardwareToken.objects.create(
        serial=f"{kind[:2].upper()}00000001", kind=kind, assigned_to=identity
    )
    device = CodeDevice.objects.create(
        identity=identity,
        user=identity.ensure_user(),
        name=token.serial,
        token=token,
        key=token.key,
    )
    services.activate(device)
    device.refresh_from_db()

    def wrong() -> str:
        return f"{(int(token.current_code()) + 500_000) % 1_000_000:06d}"

    return Kind(device, token.current_code, wrong)


def app_device() -> Kind:
    identity = Identity.objects.create(cpr="1505831235", user_id="Jonas", user_id_key="jonas")
    private_key = app_keys.new_private_key()
    device = AppDevice.objects.create(
        identity=identity,
        user=identity.ensure_user(),
        name="Jonas's phone",
        installation_id=uuid.uuid4(),
        public_key=app_keys.public_key_to_b64(private_key.public_key()),
    )
    services.activate(device)
    device.refresh_from_db()
    other_key = app_keys.new_private_key()

    def valid() -> str:
        # The portal issues a challenge; the phone signs it with its own key.
        return app_keys.sign(private_key, device.generate_challenge().encode())

    def wrong() -> str:
        return app_keys.sign(other_key, device.generate_challenge().encode())

    return Kind(device, valid, wrong)


def chip_device() -> Kind:
    identity = Identity.objects.create(
        cpr="1505831235", user_id="Jonas", user_id_key="jonas", status="active"
    )
    soft = SoftChip()
    options, state = activation.chip_registration_options(identity)
    device = activation.register_chip(
        identity=identity, state=state, response=soft.register(options)
    )
    services.activate(device)
    device.refresh_from_db()
    stranger = SoftChip()
    stranger.credential_id = soft.credential_id  # the same credential ID, another key

    def valid() -> str:
        # The portal gives the browser options with a fresh challenge; the key signs it.
        return soft.sign_in(device.generate_challenge())

    def wrong() -> str:
        return stranger.sign_in(device.generate_challenge())

    return Kind(device, valid, wrong)


KINDS = {
    "kodeviser": lambda: code_device("kodeviser"),
    "kodeoplaeser": lambda: code_device("kodeoplaeser"),
    "app": app_device,
    "chip": chip_device,
}


@pytest.fixture(params=sorted(KINDS))
def kind(request: pytest.FixtureRequest) -> Kind:
    return KINDS[request.param]()


def test_a_valid_token_verifies_and_the_use_is_recorded(kind: Kind) -> None:
    assert services.verify(kind.device, kind.valid_token(), purpose="Log on to MitID.dk").ok
    event = AuthenticatorEvent.objects.filter(kind=AuthenticatorEvent.Kind.VERIFIED).get()
    assert event.detail == "Log on to MitID.dk"


def test_a_wrong_token_is_refused(kind: Kind) -> None:
    outcome = services.verify(kind.device, kind.wrong_token())
    assert (outcome.ok, outcome.reason) == (False, "wrong_code")
    assert AuthenticatorEvent.objects.filter(kind=AuthenticatorEvent.Kind.REFUSED).exists()


def test_a_token_cannot_be_replayed(kind: Kind) -> None:
    token = kind.valid_token()
    assert services.verify(kind.device, token).ok
    assert not services.verify(kind.device, token).ok


def test_three_wrong_tokens_in_a_row_lock_the_device_for_a_while(kind: Kind, settings) -> None:
    settings.AUTHENTICATOR_MAX_FAILURES = 3
    for _ in range(3):
        services.verify(kind.device, kind.wrong_token())
    locked = services.verify(kind.device, kind.valid_token())
    assert (locked.ok, locked.reason) == (False, "locked")
    assert locked.locked_until is not None

    type(kind.device).objects.filter(pk=kind.device.pk).update(
        throttling_failure_timestamp=timezone.now()
        - timedelta(minutes=settings.AUTHENTICATOR_LOCK_MINUTES + 1)
    )
    assert services.verify(kind.device, kind.valid_token()).ok


@pytest.mark.parametrize("change", [lifecycle.block_device, lifecycle.revoke_device])
def test_a_blocked_or_revoked_device_never_verifies(kind: Kind, change) -> None:  # type: ignore[no-untyped-def]
    change(kind.device, reason="lost", by=None)
    outcome = services.verify(kind.device, kind.valid_token())
    assert (outcome.ok, outcome.reason) == (False, "not_active")
    kind.device.refresh_from_db()
    assert kind.device.status in (AuthenticatorStatus.BLOCKED, AuthenticatorStatus.REVOKED)


def test_a_blocked_device_tried_again_and_again_is_one_refused_use_a_while(
    kind: Kind, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    Identity.objects.filter(pk=kind.device.identity_id).update(
        notify_on_use=True, mobile="+4520304050", contact_set_at=timezone.now()
    )
    lifecycle.block_device(kind.device, reason="lost", by=None)
    told = OutboxMessage.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(4):
            outcome = services.verify(kind.device, kind.valid_token(), service="Netbank")
            assert (outcome.ok, outcome.reason) == (False, "not_active")
    refused = AuthenticatorEvent.objects.filter(device=kind.device.persistent_id, kind="refused")
    assert list(refused.values_list("detail", "service")) == [("not_active", "Netbank")]
    # Not told: a check refused on the device's status proves nobody had it at hand (a chip's
    # credential ID is no secret). The app's and the code device's proven tries are told.
    assert OutboxMessage.objects.count() == told


def test_every_change_of_status_is_in_the_history(kind: Kind) -> None:
    lifecycle.block_device(kind.device, reason="lost", by=None)
    kinds = list(
        AuthenticatorEvent.objects.filter(device=kind.device.persistent_id)
        .order_by("at", "pk")
        .values_list("kind", "detail")
    )
    assert kinds == [("activated", ""), ("blocked", "lost")]


def test_an_app_signature_over_an_expired_challenge_is_refused() -> None:
    kind = app_device()
    token = kind.valid_token()
    AppDevice.objects.filter(pk=kind.device.pk).update(challenge_expires_at=timezone.now())
    assert not services.verify(kind.device, token).ok


def test_a_chip_keeps_its_counter_and_a_clone_behind_it_is_refused() -> None:
    """Each use stores the chip's counter: a copy of the key that answers with a count the
    chip already passed (it was cloned before those uses) is refused."""
    soft = SoftChip()
    identity = Identity.objects.create(
        cpr="1505831235", user_id="Jonas", user_id_key="jonas", status="active"
    )
    options, state = activation.chip_registration_options(identity)
    device = activation.register_chip(
        identity=identity, state=state, response=soft.register(options)
    )
    services.activate(device)
    device.refresh_from_db()
    clone = copy.deepcopy(soft)  # copied now, at the counter's present count
    for _ in range(3):
        assert services.verify(device, soft.sign_in(device.generate_challenge())).ok
    device.refresh_from_db()
    assert device.sign_count == soft.counter == 3
    clone.counter = 1  # its next answer counts 2: behind the 3 the chip has shown
    assert not services.verify(device, clone.sign_in(device.generate_challenge())).ok


def test_a_chip_whose_counter_goes_back_is_refused() -> None:
    """A counter that does not go up means a cloned key answering with an old count."""
    kind = chip_device()
    assert services.verify(kind.device, kind.valid_token()).ok
    ChipDevice.objects.filter(pk=kind.device.pk).update(sign_count=1000)
    assert not services.verify(kind.device, kind.valid_token()).ok


@pytest.mark.django_db(transaction=True)
def test_a_device_said_to_be_locked_is_only_taken_inside_the_callers_transaction() -> None:
    """`locked=True` trusts the caller's lock, which ends with its transaction: outside one
    the device is refused before anything is checked or recorded."""
    kind = app_device()
    with pytest.raises(RuntimeError):
        services.verify(kind.device, kind.valid_token(), locked=True)
    assert not AuthenticatorEvent.objects.filter(kind=AuthenticatorEvent.Kind.VERIFIED).exists()


@pytest.mark.parametrize("kind_name", ["kodeviser", "app", "chip"])
def test_a_use_writes_back_only_what_it_changed(kind_name: str) -> None:
    """django-otp's own TOTP check saves every column of both a code device's tables; here a
    use writes the throttling, the time of use and (for a code) the time step, nothing else."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    kind = KINDS[kind_name]()
    token = kind.valid_token()
    with CaptureQueriesContext(connection) as done:
        assert services.verify(kind.device, token).ok
    updates = [q["sql"] for q in done.captured_queries if q["sql"].startswith("UPDATE")]
    assert len(updates) == 1
    assert '"status"' not in updates[0] and '"identity_id"' not in updates[0]
    assert '"last_used_at"' in updates[0] and '"throttling_failure_count"' in updates[0]
