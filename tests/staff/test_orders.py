"""Device orders in admin: sent or handed out from stock, delivered, lost; audited."""

import pytest
from django.contrib.auth.models import User
from django.test import Client

from audit.models import AuditEntry
from authenticators.models import HardwareToken, Identity
from enrollment.models import DeviceOrder
from tests.factories import code_display_order, karen_awaiting_a_code_display

from .test_actions import act, said

pytestmark = pytest.mark.django_db

ORDERS = "/admin/enrollment/deviceorder/"


@pytest.fixture
def karen() -> Identity:
    return karen_awaiting_a_code_display()


@pytest.fixture
def order(karen: Identity) -> DeviceOrder:
    return code_display_order(karen)


def test_send_from_stock_names_the_serial_and_is_audited_with_the_staff_member(
    desk: Client, borgerservice: User, order: DeviceOrder
) -> None:
    response = act(desk, ORDERS, "send_from_stock", [order], confirm="1")
    assert said(response) == [("success", f"{order}: sent with serial number KV0000001.")]
    order.refresh_from_db()
    assert (order.status, order.token.serial) == ("sent", "KV0000001")
    entry = AuditEntry.objects.get(action="order_changed")
    assert (entry.actor, entry.identity, entry.reason) == (borgerservice, order.identity, "sent")


def test_hand_out_at_borgerservice(desk: Client, order: DeviceOrder) -> None:
    act(desk, ORDERS, "hand_out_from_stock", [order], confirm="1")
    order.refresh_from_db()
    assert order.status == "collected"


def test_out_of_stock_is_said_and_nothing_changes(desk: Client, order: DeviceOrder) -> None:
    HardwareToken.objects.all().delete()
    response = act(desk, ORDERS, "send_from_stock", [order], confirm="1")
    assert said(response) == [("error", f"{order}: not done, no device of this kind is in stock.")]
    order.refresh_from_db()
    assert order.status == "ordered"
    assert not AuditEntry.objects.exists()


def test_mark_delivered_then_lost(desk: Client, borgerservice: User, order: DeviceOrder) -> None:
    act(desk, ORDERS, "send_from_stock", [order], confirm="1")
    act(desk, ORDERS, "mark_delivered", [order], confirm="1")
    order.refresh_from_db()
    assert order.status == "delivered"
    act(desk, ORDERS, "mark_lost", [order], confirm="1")
    order.refresh_from_db()
    assert order.status == "lost"
    assert list(
        AuditEntry.objects.filter(action="order_changed")
        .order_by("pk")
        .values_list("reason", "actor")
    ) == [("sent", borgerservice.pk), ("delivered", borgerservice.pk), ("lost", borgerservice.pk)]


def test_an_order_not_yet_sent_cannot_be_delivered(desk: Client, order: DeviceOrder) -> None:
    response = act(desk, ORDERS, "mark_delivered", [order], confirm="1")
    assert said(response) == [
        ("error", f"{order}: not done, an order in this status cannot be moved to that one.")
    ]
    order.refresh_from_db()
    assert order.status == "ordered"


def test_support_cannot_move_orders_403_and_audited(
    phone_support: Client, support: User, order: DeviceOrder
) -> None:
    response = act(phone_support, ORDERS, "send_from_stock", [order])
    assert response.status_code == 403
    order.refresh_from_db()
    assert order.status == "ordered"
    entry = AuditEntry.objects.get()
    assert (entry.action, entry.actor, entry.reason) == (
        "permission_denied",
        support,
        "send_from_stock",
    )
    # What was refused is named in the portal's language, whatever the staff member's.
    assert entry.target.startswith("bestilling af enhed: "), entry.target


def test_an_order_s_page_changes_nothing_its_reminder_included(
    desk: Client, order: DeviceOrder
) -> None:
    page = desk.get(f"{ORDERS}{order.pk}/change/")
    assert list(page.context["adminform"].form.fields) == []
    desk.post(
        f"{ORDERS}{order.pk}/change/", {"reminded_at_0": "2026-01-01", "reminded_at_1": "9:00"}
    )
    order.refresh_from_db()
    assert order.reminded_at is None
