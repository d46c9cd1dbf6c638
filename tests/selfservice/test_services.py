"""Self-service services, without HTTP: each change, each refusal, each notice."""

import re
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from activation import services as activation
from audit.models import AuditEntry
from authenticators import lifecycle
from authenticators import services as authenticator_services
from authenticators.models import AppLogin, AuthenticatorEvent, CodeDevice, Identity
from authenticators.notices import contact_details
from authenticators.services import Refused
from enrollment.demo import seed_offices
from enrollment.errors import EnrollmentError
from enrollment.models import AppointmentSlot, DeviceOrder, EnrollmentCase
from login import app_logins
from login import services as login_services
from messaging.models import OutboxMessage
from selfservice import services
from tests.factories import AppDeviceFactory, IdentityFactory

pytestmark = pytest.mark.django_db


def sent_to(address: str) -> list[str]:
    return list(OutboxMessage.objects.filter(recipient=address).values_list("body", flat=True))


# The overview ---------------------------------------------------------------------------


def test_history_lists_every_use_with_service_authenticator_and_outcome(
    karen: Identity, kodeviser: CodeDevice
) -> None:
    login_services.check_code_device(
        user_id="karen.h",
        password="Karens kodeord 7",
        code=kodeviser.token.current_code(),
        text="Log on to MitID.dk",
    )
    with pytest.raises(login_services.LoginFailed):
        login_services.check_code_device(
            user_id="karen.h", password="wrong", code="000000", text="Log on to MitID.dk"
        )
    uses = services.history(karen)
    assert [(use.kind, use.service, use.authenticator) for use in uses] == [
        ("refused", "MitID.dk", kodeviser.label),
        ("verified", "MitID.dk", kodeviser.label),
    ]
    assert services.last_uses(karen)[kodeviser.persistent_id] == uses[1].at


def test_two_authenticators_of_one_name_are_told_apart_in_the_history_by_when_added(
    karen: Identity, kodeviser: CodeDevice
) -> None:
    """Two phones the phones themselves called "iPhone": which one was used, as the overview
    tells them apart; a name of its own needs nothing more."""
    day = timezone.now() - timedelta(days=30)
    old, new = (
        AppDeviceFactory(identity=karen, name="iPhone", activated_at=day + timedelta(days=n))
        for n in (0, 7)
    )
    for device in (old, new, kodeviser):
        authenticator_services.record(device, AuthenticatorEvent.Kind.VERIFIED, service="Bank")
    uses = services.history(karen)
    assert [(use.authenticator, use.added) for use in uses] == [
        (kodeviser.label, None),
        ("MitID app (iPhone)", new.activated_at),
        ("MitID app (iPhone)", old.activated_at),
    ]


def test_devices_leave_out_revoked_ones(karen: Identity, kodeviser: CodeDevice) -> None:
    phone = AppDeviceFactory(identity=karen)
    lifecycle.revoke_device(phone, reason="lost", by=None)
    assert services.devices_of(karen) == [kodeviser]


# User-ID and settings -------------------------------------------------------------------


def test_the_user_id_changes_under_the_same_rules(karen: Identity) -> None:
    IdentityFactory(user_id="Taken One")
    for wish, code in (
        ("211788-0967", "looks_like_cpr"),
        ("taken one", "taken"),
        ("ab", "too_short"),
    ):
        with pytest.raises(ValidationError) as error:
            services.change_user_id(identity=karen, value=wish)
        assert code in [item.code for item in error.value.error_list]
    karen.refresh_from_db()
    assert karen.user_id == "karen.h"
    assert services.change_user_id(identity=karen, value="Karen H 2026")
    karen.refresh_from_db()
    assert (karen.user_id, karen.user_id_key) == ("Karen H 2026", "karen h 2026")
    assert AuthenticatorEvent.objects.filter(identity=karen, kind="user_id_changed").exists()
    entry = AuditEntry.objects.get(action="user_id_changed")
    assert (entry.actor_name, entry.target) == ("citizen", "karen.h → Karen H 2026")
    assert login_services.identity_for("KAREN H 2026") == karen
    assert login_services.identity_for("karen.h") is None


def test_a_new_user_id_is_told_by_sms_and_e_mail(
    karen: Identity, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    """Someone who took over a session cannot change how the citizen logs in unheard."""
    with django_capture_on_commit_callbacks(execute=True):
        assert services.change_user_id(identity=karen, value="Karen H 2026")
        assert not services.change_user_id(identity=karen, value="Karen H 2026")  # the same
    told = OutboxMessage.objects.order_by("channel")
    assert [(m.channel, m.recipient) for m in told] == [
        ("email", "karen@example.dk"),
        ("sms", "+4520304050"),
    ]
    sms = told[1].body
    assert "The user-ID of your MitID was changed on" in sms and "33 98 00 10" in sms
    assert "Karen H 2026" not in sms  # not on a lock screen


def test_notified_of_every_use_when_switched_on(
    karen: Identity, kodeviser: CodeDevice, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    def log_in() -> None:
        with django_capture_on_commit_callbacks(execute=True):
            login_services.check_code_device(
                user_id="karen.h",
                password="Karens kodeord 7",
                code=kodeviser.token.current_code(),
                text="Log on to MitID.dk",
            )
        CodeDevice.objects.filter(pk=kodeviser.pk).update(last_t=-1)  # the next code is fresh

    log_in()
    assert sent_to(karen.mobile) == []
    services.set_notify_on_use(identity=karen, on=True)
    log_in()
    (sms,) = sent_to(karen.mobile)
    assert "Your MitID was used with your MitID code display" in sms
    assert "MitID.dk" in sms
    assert len(sent_to(karen.email)) == 1
    assert AuthenticatorEvent.objects.filter(kind="setting_changed").count() == 1


def test_an_activation_is_no_use_to_be_told_of(
    karen: Identity, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    services.set_notify_on_use(identity=karen, on=True)
    karen.refresh_from_db()
    assert karen.notify_on_use
    phone = AppDeviceFactory(identity=karen, status="pending")
    with django_capture_on_commit_callbacks(execute=True):
        authenticator_services.verify(phone, "not a signature", purpose="activation")
    assert sent_to(karen.mobile) == []


def test_saving_the_typed_codes_setting_unchanged_records_nothing(karen: Identity) -> None:
    services.request_typed_codes(identity=karen, on=False)
    services.request_typed_codes(identity=karen, on=False)
    assert not AuthenticatorEvent.objects.filter(identity=karen, kind="setting_changed").exists()
    assert not AuditEntry.objects.filter(identity=karen).exists()
    services.request_typed_codes(identity=karen, on=True)
    services.request_typed_codes(identity=karen, on=False)  # cancels the switch waiting
    assert AuthenticatorEvent.objects.filter(identity=karen, kind="setting_changed").count() == 2


def test_typed_codes_take_effect_after_the_wait(karen: Identity, settings) -> None:  # type: ignore[no-untyped-def]
    settings.TYPED_CODES_WAIT_MINUTES = 60
    phone = AppDeviceFactory(identity=karen)
    now = timezone.now()
    services.request_typed_codes(identity=karen, on=True, now=now)
    karen.refresh_from_db()
    assert not karen.uses_typed_codes(now + timedelta(minutes=59))
    assert karen.uses_typed_codes(now + timedelta(minutes=60))
    # What the settings page shows: the choice made, and when it takes effect.
    assert karen.wants_typed_codes(now) and not karen.uses_typed_codes(now)
    assert karen.typed_codes_switch_at(now) == now + timedelta(minutes=60)
    assert karen.typed_codes_switch_at(now + timedelta(minutes=60)) is None
    # The login reads the setting in force: before the wait, every typed code is wrong.
    login = app_logins.start(user_id="karen.h", service="MitID.dk", text="Log on")
    with pytest.raises(app_logins.LoginRefused):
        app_logins.enter_typed_code(token=str(login.token), code=login.typed_code)
    assert list(app_logins.pending(phone)) == []
    Identity.objects.filter(pk=karen.pk).update(
        typed_codes_change_at=timezone.now() - timedelta(seconds=1)
    )
    assert list(app_logins.pending(phone, now=timezone.now())) == [
        AppLogin.objects.get(status="waiting")
    ]
    login = AppLogin.objects.get(status="waiting")
    assert app_logins.enter_typed_code(token=str(login.token), code=login.typed_code)


def test_asking_for_the_setting_in_force_cancels_a_waiting_switch(karen: Identity) -> None:
    services.request_typed_codes(identity=karen, on=True)
    services.request_typed_codes(identity=karen, on=False)
    karen.refresh_from_db()
    assert (karen.typed_codes, karen.typed_codes_change_at) == (False, None)
    assert not karen.uses_typed_codes(timezone.now() + timedelta(hours=2))


# Contact details ------------------------------------------------------------------------


def test_a_new_mobile_is_used_once_its_code_is_typed(
    karen: Identity, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    with django_capture_on_commit_callbacks(execute=True):
        services.give_contact(identity=karen, channel="sms", address="+4521212121", language="en")
    (message,) = sent_to("+4521212121")
    code = re.search(r"\b(\d{6})\b", message)
    assert code
    assert contact_details(karen) == ("+4520304050", "karen@example.dk")
    with pytest.raises(EnrollmentError) as error:
        services.confirm_contact(identity=karen, channel="sms", code="000000")
    assert error.value.code == "wrong_code"
    with django_capture_on_commit_callbacks(execute=True):
        services.confirm_contact(identity=karen, channel="sms", code=code.group(1))
    assert contact_details(karen) == ("+4521212121", "karen@example.dk")
    assert AuthenticatorEvent.objects.filter(kind="contact_changed", detail="mobile").exists()
    assert AuditEntry.objects.filter(action="contact_changed", reason="mobile").count() == 1
    # The old number hears of it: someone in the session cannot quietly move the notices.
    (notice,) = sent_to("+4520304050")
    assert "mobile number for your MitID was changed" in notice
    # The old number is forgotten once told: the task run again sends nothing.
    from selfservice.models import ContactChange
    from selfservice.tasks import tell_replaced_address

    change = ContactChange.objects.get(identity=karen, channel="sms")
    assert change.replaced == ""
    tell_replaced_address(change.pk)
    assert len(sent_to("+4520304050")) == 1


def test_resends_keep_enrollments_limits(karen: Identity) -> None:
    services.give_contact(identity=karen, channel="email", address="new@example.dk", language="en")
    with pytest.raises(EnrollmentError) as error:
        services.send_contact_code(identity=karen, channel="email", language="en")
    assert error.value.code == "resend_too_soon"


def test_contact_details_move_onto_the_identity_at_activation(db: None) -> None:
    identity = IdentityFactory(status="pending")
    EnrollmentCase.objects.create(
        identity=identity,
        channel="mitid",
        status="submitted",
        mobile="+4522222222",
        mobile_confirmed_at=timezone.now(),
        email="not-confirmed@example.dk",
        expires_at=timezone.now() + timedelta(days=1),
    )
    assert contact_details(identity) == ("+4522222222", "")  # enrollment still under way
    activation.finish_enrollment(identity)
    identity.refresh_from_db()
    assert (identity.mobile, identity.email, identity.is_active) == ("+4522222222", "", True)
    assert identity.contact_set_at is not None


# Blocking ---------------------------------------------------------------------------------


def test_the_only_device_is_blocked_at_once_and_the_citizen_is_told(
    karen: Identity, kodeviser: CodeDevice, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    with django_capture_on_commit_callbacks(execute=True):
        services.block_lost_device(
            identity=karen,
            device=kodeviser,
            reason="lost",
            logged_in_with=kodeviser.persistent_id,
            logged_in_at=timezone.now() - timedelta(hours=1),
        )
    kodeviser.refresh_from_db()
    assert kodeviser.status == "blocked"
    assert len(sent_to(karen.mobile)) == len(sent_to(karen.email)) == 1
    assert services.history(karen)[0].kind == "blocked"


def test_with_another_device_the_block_asks_for_it(karen: Identity, kodeviser: CodeDevice) -> None:
    phone = AppDeviceFactory(identity=karen)
    with pytest.raises(Refused) as refusal:
        services.block_lost_device(
            identity=karen,
            device=kodeviser,
            reason="lost",
            logged_in_with=kodeviser.persistent_id,
            logged_in_at=timezone.now(),
        )
    assert refusal.value.code == "confirm_with_other"
    assert services.others_to_confirm_with(
        identity=karen,
        device=kodeviser,
        logged_in_with=phone.persistent_id,
        logged_in_at=timezone.now() - timedelta(hours=1),
    ) == [phone]
    kodeviser.refresh_from_db()
    assert kodeviser.status == "active"
    # Logged in with the phone just now: that is the confirmation.
    services.block_lost_device(
        identity=karen,
        device=kodeviser,
        reason="stolen",
        logged_in_with=phone.persistent_id,
        logged_in_at=timezone.now(),
    )
    kodeviser.refresh_from_db()
    assert kodeviser.status == "blocked"


@pytest.mark.parametrize(
    ("status", "code"), [("blocked", "already_blocked"), ("revoked", "revoked")]
)
def test_a_second_block_or_a_revoked_device_is_refused_and_nothing_changes(
    karen: Identity, kodeviser: CodeDevice, status: str, code: str
) -> None:
    CodeDevice.objects.filter(pk=kodeviser.pk).update(status=status)
    kodeviser.refresh_from_db()
    events = AuthenticatorEvent.objects.count()
    with pytest.raises(Refused) as refusal:
        services.block_lost_device(
            identity=karen,
            device=kodeviser,
            reason="lost",
            logged_in_with=kodeviser.persistent_id,
            logged_in_at=timezone.now(),
        )
    assert refusal.value.code == code
    assert AuthenticatorEvent.objects.count() == events


def test_someone_elses_device_is_refused(karen: Identity, kodeviser: CodeDevice) -> None:
    other = IdentityFactory()
    with pytest.raises(Refused) as refusal:
        services.block_lost_device(
            identity=other,
            device=kodeviser,
            reason="lost",
            logged_in_with="",
            logged_in_at=timezone.now(),
        )
    assert refusal.value.code == "not_yours"


def test_the_whole_mitid_is_blocked_once(karen: Identity, kodeviser: CodeDevice) -> None:
    services.block_whole_mitid(identity=karen, reason="misuse")
    karen.refresh_from_db()
    assert karen.status == "blocked"
    with pytest.raises(Refused) as refusal:
        services.block_whole_mitid(identity=karen, reason="misuse")
    assert refusal.value.code == "already_blocked"


# New devices ------------------------------------------------------------------------------


def test_an_app_activation_code_lasts_three_minutes_and_at_most_three_apps(
    karen: Identity,
) -> None:
    activation, code = services.app_activation_code(identity=karen)
    assert activation.expires_at - activation.created_at == timedelta(minutes=3)
    assert re.fullmatch(r"[A-Z2-9]{4}-[A-Z2-9]{4}", code)
    AppDeviceFactory.create_batch(3, identity=karen)
    with pytest.raises(Refused) as refusal:
        services.app_activation_code(identity=karen)
    assert refusal.value.code == "too_many_apps"


def test_no_app_activation_code_without_a_mobile_for_the_temporary_pin(
    karen: Identity,
) -> None:
    Identity.objects.filter(pk=karen.pk).update(mobile="")
    karen.refresh_from_db()
    with pytest.raises(Refused) as refusal:
        services.app_activation_code(identity=karen)
    assert refusal.value.code == "no_mobile"


def test_a_code_device_is_ordered_only_once_the_old_one_is_blocked(
    karen: Identity, kodeviser: CodeDevice, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(Refused) as refusal:
        services.order_code_device(
            identity=karen, kind="kodeviser", delivery="post", slot=None, language="en"
        )
    assert refusal.value.code == "has_code_device"
    lifecycle.block_device(kodeviser, reason="lost", by=None)
    with django_capture_on_commit_callbacks(execute=True):
        order = services.order_code_device(
            identity=karen, kind="kodeviser", delivery="post", slot=None, language="en"
        )
    assert (order.status, order.case, order.kind) == ("ordered", None, "kodeviser")
    assert "Karen Hansen" in order.address
    assert any("is ordered" in body for body in sent_to(karen.mobile))
    with pytest.raises(Refused) as refusal:
        services.order_code_device(
            identity=karen, kind="kodeoplaeser", delivery="post", slot=None, language="en"
        )
    assert refusal.value.code == "order_exists"


def test_a_pickup_order_books_the_time(karen: Identity) -> None:
    seed_offices()
    slot = AppointmentSlot.objects.filter(starts_at__gt=timezone.now()).first()
    assert slot is not None
    order = services.order_code_device(
        identity=karen, kind="kodeoplaeser", delivery="pickup", slot=slot, language="en"
    )
    slot.refresh_from_db()
    assert (order.delivery, slot.booked) == (DeviceOrder.Delivery.PICKUP, 1)


def test_the_new_device_replaces_the_blocked_one_at_activation(
    karen: Identity, kodeviser: CodeDevice
) -> None:
    from authenticators.models import HardwareToken

    lifecycle.block_device(kodeviser, reason="lost", by=None)
    token = HardwareToken.objects.create(serial="KV99999999", kind="kodeviser", assigned_to=karen)
    device = activation.activate_code_device(
        identity=karen, password="Nyt kodeord 2026", serial=token.serial, code=token.current_code()
    )
    kodeviser.refresh_from_db()
    assert (device.status, kodeviser.status) == ("active", "revoked")


def test_a_login_rejected_in_one_language_is_read_in_the_pages(karen: Identity) -> None:
    """The portal's own login text is kept in the language of its page and read in the
    reader's (a walk read English in the Greenlandic history); a party's text stays."""
    phone = AppDeviceFactory(identity=karen)
    for text in (
        "Log in to MitID.dk",
        "Overfør 200,00 kr. til konto 1234-567890",
    ):  # an English page
        authenticator_services.record(
            phone, AuthenticatorEvent.Kind.REJECTED, text, service="MitID.dk"
        )
    with translation.override("kl"):
        texts = [use.text for use in services.history(karen)]
    assert texts == ["Overfør 200,00 kr. til konto 1234-567890", "MitID.dk-mut iserit"]


def test_a_refused_use_says_why_and_a_use_that_was_no_login_what_for(karen: Identity) -> None:
    """A walk read bare "Refused" and "Used" lines it could not tell apart."""
    phone = AppDeviceFactory(identity=karen)
    authenticator_services.record(phone, AuthenticatorEvent.Kind.REFUSED, "wrong_pin")
    authenticator_services.record(phone, AuthenticatorEvent.Kind.VERIFIED, "copy")
    authenticator_services.record(phone, AuthenticatorEvent.Kind.VERIFIED, "", service="MitID.dk")
    with translation.override("en"):
        whys = [use.why for use in services.history(karen)]
    assert whys == ["", "the MitID app copied to a new phone", "wrong PIN"]
