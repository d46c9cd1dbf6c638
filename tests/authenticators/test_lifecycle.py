"""Blocking, unblocking, revoking and raising the level: history, audit log and notices."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.utils import timezone, translation

from activation import services as activation
from audit.models import AuditEntry
from authenticators import lifecycle, services
from authenticators.lifecycle import IdCheck
from authenticators.models import (
    AppLogin,
    AuthenticatorEvent,
    ChipDevice,
    CodeDevice,
    Identity,
)
from enrollment.models import EnrollmentCase
from messaging.models import OutboxMessage
from tests.authenticators.soft_chip import SoftChip
from tests.factories import AppDeviceFactory, IdentityFactory, active_code_device

pytestmark = pytest.mark.django_db

PASSPORT = IdCheck(document="passport", last4="12ab")


@pytest.fixture
def staff() -> User:
    return User.objects.create_user("anne", is_staff=True)


@pytest.fixture
def karen() -> Identity:
    identity = IdentityFactory(user_id="karen.h", language="en")
    EnrollmentCase.objects.create(
        identity=identity,
        channel="mitid",
        status="completed",
        mobile="+4520304050",
        mobile_confirmed_at=timezone.now(),
        email="karen@example.dk",
        email_confirmed_at=timezone.now(),
        expires_at=timezone.now() + timedelta(days=1),
    )
    return identity


@pytest.fixture
def device(karen: Identity) -> CodeDevice:
    return active_code_device(karen)


@pytest.fixture
def told(django_capture_on_commit_callbacks):  # type: ignore[no-untyped-def]
    """Runs the on-commit notices of what the test does, and returns them."""

    def run(action):  # type: ignore[no-untyped-def]
        with django_capture_on_commit_callbacks(execute=True):
            action()
        return list(OutboxMessage.objects.order_by("pk").values_list("channel", "body"))

    return run


def test_the_citizen_blocks_a_lost_device_and_is_told_in_their_language(
    device: CodeDevice, told
) -> None:  # type: ignore[no-untyped-def]
    sent = told(lambda: lifecycle.block_device(device, reason="lost", by=None))
    device.refresh_from_db()
    assert device.status == "blocked"
    assert [channel for channel, _body in sent] == ["sms", "email"]
    assert f"Your MitID code display {device.token.serial} has been blocked" in sent[0][1]
    assert "call MitID support on 33 98 00 10." in sent[0][1]
    entry = AuditEntry.objects.get()
    assert (entry.action, entry.actor, entry.actor_name, entry.reason) == (
        "device_blocked",
        None,
        "citizen",
        "lost",
    )
    assert AuthenticatorEvent.objects.filter(kind="blocked", detail="lost").exists()


def test_a_notice_is_in_the_citizens_language_whoever_acts(
    karen: Identity, device: CodeDevice, staff: User, told
) -> None:  # type: ignore[no-untyped-def]
    Identity.objects.filter(pk=karen.pk).update(language="da")
    sent = told(lambda: lifecycle.block_device(device, reason="stolen", by=staff))
    assert f"Din MitID kodeviser {device.token.serial} er spærret" in sent[0][1]
    assert "has been blocked" not in sent[0][1]


@pytest.mark.parametrize("page_language", ["en", "kl", "da"])
def test_the_audit_log_names_a_device_in_the_portals_language_whoever_acted(
    device: CodeDevice, staff: User, page_language: str
) -> None:
    """A walk found a citizen's Danish "MitID kodeviser ..." beside a staff member's English
    "MitID code display ..." for one device: an entry is written in LANGUAGE_CODE."""
    with translation.override(page_language):
        lifecycle.block_device(device, reason="lost", by=None)
        lifecycle.unblock_device(device, by=staff, id_check=PASSPORT)
    targets = set(AuditEntry.objects.values_list("target", flat=True))
    with translation.override("da"):
        assert targets == {device.label}
    assert "kodeviser" in device.label or "kodeoplæser" in device.label


def test_a_second_block_is_refused_and_changes_nothing(device: CodeDevice) -> None:
    lifecycle.block_device(device, reason="lost", by=None)
    with pytest.raises(services.Refused, match="already_blocked"):
        lifecycle.block_device(device, reason="stolen", by=None)
    assert AuditEntry.objects.count() == 1


def test_a_block_needs_a_known_reason(device: CodeDevice) -> None:
    with pytest.raises(services.Refused, match="reason_missing"):
        lifecycle.block_device(device, reason="", by=None)
    device.refresh_from_db()
    assert device.status == "active"


def register_chip(identity: Identity) -> ChipDevice:
    options, state = activation.chip_registration_options(identity)
    return activation.register_chip(
        identity=identity, state=state, response=SoftChip().register(options)
    )


@pytest.mark.parametrize(
    ("kind", "after"),
    [
        ("code device", "You can order a new one when you are logged in with MitID."),
        ("app", "You can set up the app on a phone again when you are logged in with MitID."),
        ("chip", "You can add another MitID chip when you are logged in with MitID."),
    ],
)
def test_a_revoke_says_what_comes_after_it_for_the_kind_revoked(
    karen: Identity, device: CodeDevice, told, kind: str, after: str
) -> None:  # type: ignore[no-untyped-def]
    # "You can order a new one" was said of an app and of a chip too: neither is ordered.
    revoked = {
        "code device": lambda: device,
        "app": lambda: AppDeviceFactory(identity=karen),
        "chip": lambda: register_chip(karen),
    }[kind]()
    sent = told(lambda: lifecycle.revoke_device(revoked, reason="lost", by=None))
    assert [channel for channel, _body in sent] == ["sms", "email"]
    assert "has been revoked for good. " + after in sent[0][1]


def test_a_revoked_device_can_be_neither_blocked_nor_unblocked(
    device: CodeDevice, staff: User
) -> None:
    lifecycle.revoke_device(device, reason="stolen", by=staff)
    with pytest.raises(services.Refused, match="revoked"):
        lifecycle.block_device(device, reason="lost", by=staff)
    with pytest.raises(services.Refused, match="not_blocked"):
        lifecycle.unblock_device(device, by=staff, id_check=PASSPORT)
    device.refresh_from_db()
    assert device.status == "revoked"


def test_unblocking_needs_an_id_check(device: CodeDevice, staff: User) -> None:
    lifecycle.block_device(device, reason="lost", by=None)
    for document, last4 in [("", "12ab"), ("passport", ""), ("passport", "12"), ("tattoo", "1234")]:
        with pytest.raises(services.Refused, match="id_check_missing"):
            lifecycle.unblock_device(device, by=staff, id_check=IdCheck(document, last4))
    device.refresh_from_db()
    assert device.status == "blocked"


def test_staff_unblock_after_an_id_check_and_the_device_verifies_again(
    device: CodeDevice, staff: User, told
) -> None:  # type: ignore[no-untyped-def]
    lifecycle.block_device(device, reason="lost", by=None)
    sent = told(lambda: lifecycle.unblock_device(device, by=staff, id_check=PASSPORT))
    assert services.verify(device, device.token.current_code()).ok
    entry = AuditEntry.objects.filter(action="device_unblocked").get()
    assert (entry.actor, entry.actor_name, entry.detail) == (staff, "anne", "passport …12AB")
    assert any("lifted" in body for _channel, body in sent)


def test_an_app_blocked_before_it_was_activated_is_pending_again_when_unblocked(
    staff: User, told
) -> None:  # type: ignore[no-untyped-def]
    """An app waiting for its temporary PIN, blocked (someone was adding a phone to the MitID)
    and unblocked: not active, which it never was (a probe's scanned logins with it)."""
    app = AppDeviceFactory(status="pending", pin_hash="")
    app.identity.mobile, app.identity.contact_set_at = "+4520304050", timezone.now()
    app.identity.save()
    told(lambda: lifecycle.block_device(app, reason="lost", by=None))
    OutboxMessage.objects.all().delete()
    sent = told(lambda: lifecycle.unblock_device(app, by=staff, id_check=PASSPORT))
    app.refresh_from_db()
    assert app.status == "pending"
    assert services.active_apps(app.identity) == 0
    assert sent == [], "not told that it works again: it does not"


def test_a_blocked_identity_cancels_its_waiting_login_until_staff_lift_it(
    karen: Identity, staff: User, told
) -> None:  # type: ignore[no-untyped-def]
    phone = AppDeviceFactory(identity=karen)
    login = AppLogin.objects.create(
        identity=karen,
        typed_user_id=karen.user_id,
        service="MitID.dk",
        text="Log on",
        expires_at=timezone.now() + timedelta(minutes=3),
    )
    sent = told(lambda: lifecycle.block_identity(karen, reason="misuse", by=None))
    karen.refresh_from_db()
    login.refresh_from_db()
    assert (karen.status, login.status) == ("blocked", "cancelled")
    assert any("Your MitID has been blocked" in body for _channel, body in sent)
    with pytest.raises(services.Refused, match="already_blocked"):
        lifecycle.block_identity(karen, reason="misuse", by=None)
    lifecycle.lift_identity_block(karen, by=staff, id_check=PASSPORT)
    karen.refresh_from_db()
    assert karen.status == "active"
    assert phone.status == "active"
    assert list(
        AuthenticatorEvent.objects.filter(identity=karen, device="")
        .order_by("pk")
        .values_list("kind", flat=True)
    ) == ["identity_blocked", "identity_unblocked"]


def test_raising_to_high_records_the_document_and_raises_usable_devices(
    karen: Identity, device: CodeDevice, staff: User
) -> None:
    blocked_phone = AppDeviceFactory(identity=karen, status="blocked")
    lifecycle.raise_to_high(karen, by=staff, id_check=IdCheck("driving_licence", "9x8y"))
    karen.refresh_from_db()
    device.refresh_from_db()
    blocked_phone.refresh_from_db()
    assert (karen.level, karen.level_document, karen.level_document_last4) == (
        "high",
        "driving_licence",
        "9X8Y",
    )
    assert (device.level, blocked_phone.level) == ("high", "substantial")
    with pytest.raises(services.Refused, match="already_high"):
        lifecycle.raise_to_high(karen, by=staff, id_check=PASSPORT)
    assert AuditEntry.objects.filter(action="level_raised", actor=staff).count() == 1
