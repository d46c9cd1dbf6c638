"""A device order's life after it is placed: staff, the post, reminders and housekeeping."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.utils import timezone, translation

from audit.models import AuditEntry
from authenticators.models import AppLogin, Identity
from authenticators.services import Refused
from enrollment import orders, state, tasks
from enrollment.models import AppActivationCode, DeviceOrder, EnrollmentCase
from messaging.models import OutboxMessage
from tests.factories import (
    active_code_device,
    code_display_order,
    karen_awaiting_a_code_display,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff() -> User:
    return User.objects.create_user("anne", is_staff=True)


@pytest.fixture
def karen() -> Identity:
    return karen_awaiting_a_code_display()


@pytest.fixture
def order(karen: Identity) -> DeviceOrder:
    return code_display_order(karen)


def sms() -> list[str]:
    return list(OutboxMessage.objects.order_by("pk").values_list("body", flat=True))


def test_staff_send_an_order_from_stock_and_the_citizen_is_told(
    order: DeviceOrder, staff: User, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        orders.change_order_status(order, status="sent", by=staff)
    order.refresh_from_db()
    assert (order.status, order.token.serial) == ("sent", "KV0000001")
    assert order.status_changed_at is not None
    assert any("has been sent by post" in body for body in sms())
    entry = AuditEntry.objects.get()
    assert (entry.action, entry.actor, entry.reason, entry.detail) == (
        "order_changed",
        staff,
        "sent",
        "KV0000001",
    )


@pytest.mark.parametrize(
    ("path", "refused"),
    [
        (["delivered"], "delivered"),  # not sent yet
        (["sent", "collected"], "collected"),  # sent by post, not handed out
        (["collected", "delivered"], "delivered"),
        (["sent", "lost", "sent"], "sent"),  # lost is final
    ],
)
def test_an_order_only_moves_as_the_lifecycle_allows(
    order: DeviceOrder, staff: User, path: list[str], refused: str
) -> None:
    *allowed, last = path
    for status in allowed:
        orders.change_order_status(order, status=status, by=staff)
    before = DeviceOrder.objects.get(pk=order.pk).status
    with pytest.raises(Refused, match="order_status"):
        orders.change_order_status(order, status=last, by=staff)
    assert DeviceOrder.objects.get(pk=order.pk).status == before


def test_a_device_lost_in_the_post_can_never_be_activated(karen: Identity, staff: User) -> None:
    device = active_code_device(karen)
    order = DeviceOrder.objects.create(
        identity=karen, kind="kodeviser", delivery="post", token=device.token, status="sent"
    )
    orders.change_order_status(order, status="lost", by=staff)
    device.refresh_from_db()
    assert device.status == "revoked"


def test_the_post_delivers_after_its_transit_time(
    order: DeviceOrder, staff: User, settings, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    orders.change_order_status(order, status="sent", by=staff)
    assert tasks.mark_posted_orders_delivered() == 0
    DeviceOrder.objects.filter(pk=order.pk).update(
        status_changed_at=timezone.now() - timedelta(days=settings.POST_TRANSIT_DAYS, minutes=1)
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.mark_posted_orders_delivered() == 1
    order.refresh_from_db()
    assert order.status == "delivered"
    assert AuditEntry.objects.filter(actor_name="system", reason="post").count() == 1
    assert any("KV0000001" in body and "delivered" in body for body in sms())


def test_a_device_not_activated_is_reminded_of_once(
    order: DeviceOrder, staff: User, settings, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    orders.change_order_status(order, status="collected", by=staff)
    assert tasks.remind_unactivated_devices() == 0
    DeviceOrder.objects.filter(pk=order.pk).update(
        status_changed_at=timezone.now() - timedelta(days=settings.ORDER_REMINDER_DAYS + 1)
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.remind_unactivated_devices() == 1
        assert tasks.remind_unactivated_devices() == 0
    assert sum("not activated it yet" in body for body in sms()) == 1


def test_a_device_handed_out_at_the_desk_is_reminded_of_too(
    order: DeviceOrder, settings, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    """The desk hands a device out with `fulfil_order` alone: the order's change of status is
    dated, so the reminder's days count from it (undated, the reminder never came)."""
    orders.fulfil_order(order, handed_out=True)
    order.refresh_from_db()
    assert order.status == DeviceOrder.Status.COLLECTED
    assert order.status_changed_at is not None
    assert timezone.now() - order.status_changed_at < timedelta(minutes=1)
    settings.ORDER_REMINDER_DAYS = 0
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.remind_unactivated_devices() == 1


def test_expired_cases_close_and_give_back_the_user_id(karen: Identity) -> None:
    EnrollmentCase.objects.filter(identity=karen).update(expires_at=timezone.now())
    assert tasks.expire_enrollment_cases() == 1
    karen.refresh_from_db()
    assert karen.cases.get().status == "expired"
    assert karen.user_id == ""
    assert tasks.expire_enrollment_cases() == 0
    assert state.live_case(karen) is None


def test_clean_up_deletes_only_what_is_past_its_retention(karen: Identity, settings) -> None:  # type: ignore[no-untyped-def]
    old = timezone.now() - timedelta(days=settings.LOGIN_RETENTION_DAYS + 1)
    for expires_at in (old, timezone.now() + timedelta(minutes=3)):
        AppLogin.objects.create(
            identity=None, typed_user_id="x", service="s", text="t", expires_at=expires_at
        )
        AppActivationCode.objects.create(
            identity=karen, code_hash="h", created_at=expires_at, expires_at=expires_at
        )
    removed = tasks.clean_up()
    assert (removed["app_logins"], removed["activation_codes"]) == (1, 1)
    assert AppLogin.objects.count() == AppActivationCode.objects.count() == 1


def test_the_beat_schedule_names_real_tasks() -> None:
    from django.conf import settings

    from mitid_portal.celery import app

    app.loader.import_default_modules()
    for entry in settings.CELERY_BEAT_SCHEDULE.values():
        assert entry["task"] in app.tasks


def test_an_appointment_is_named_in_local_time(db: None) -> None:
    from datetime import UTC, datetime

    from enrollment.models import AppointmentSlot, Office

    office = Office.objects.create(name="Borgerservice Herning", city="Herning")
    slot = AppointmentSlot(office=office, starts_at=datetime(2026, 7, 1, 8, 0, tzinfo=UTC))
    with translation.override("da"):  # Copenhagen in summer is UTC+2; in the staff's language
        assert str(slot).endswith("01.07.2026 kl. 10.00"), str(slot)
