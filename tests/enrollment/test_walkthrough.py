"""The whole enrollment through the test client, both channels, app and code device."""

from collections.abc import Callable

import pytest
from django.test import Client

from enrollment.models import DeviceOrder, EnrollmentCase
from messaging.models import OutboxMessage

from .conftest import latest_code

pytestmark = pytest.mark.django_db


def test_jonas_gets_an_activation_code_for_the_app(
    nemid_client: Callable[..., Client], django_capture_on_commit_callbacks
) -> None:
    client = nemid_client()
    page = client.get("/en/enrollment/")
    assert "Hello Jonas Jensen" in page.content.decode()

    assert client.post("/en/enrollment/method/", {"method": "app"})["Location"] == (
        "/en/enrollment/terms/"
    )
    assert client.post("/en/enrollment/terms/", {"accept": "on"})["Location"] == (
        "/en/enrollment/contact/"
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/en/enrollment/contact/", {"mobile": "20 30 40 50", "email": ""})
    assert response["Location"] == "/en/enrollment/contact/confirm/"
    code = latest_code("+4520304050")
    response = client.post("/en/enrollment/contact/confirm/", {"channel": "sms", "sms-code": code})
    assert response["Location"] == "/en/enrollment/user-id/"
    page = client.get("/en/enrollment/user-id/").content.decode()
    assert 'value="Jonas1983"' in page, "his NemID user-ID is offered first"
    assert client.post("/en/enrollment/user-id/", {"user_id": "J()nas Jen5en"})["Location"] == (
        "/en/enrollment/delivery/"
    )
    assert client.post("/en/enrollment/delivery/", {})["Location"] == "/en/enrollment/receipt/"
    receipt = client.get("/en/enrollment/receipt/").content.decode()
    assert 'data-testid="activation-code"' in receipt
    assert EnrollmentCase.objects.get().status == "submitted"


def test_karen_orders_a_code_display_for_pickup(
    nemid_client: Callable[..., Client], offices: None, django_capture_on_commit_callbacks
) -> None:
    client = nemid_client("0203754322", "karen.h")
    client.get("/da/enrollment/")
    client.post("/da/enrollment/method/", {"method": "kodeviser"})
    client.post("/da/enrollment/terms/", {"accept": "on"})
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/da/enrollment/contact/", {"mobile": "", "email": "karen@example.dk"})
    client.post(
        "/da/enrollment/contact/confirm/",
        {"channel": "email", "email-code": latest_code("karen@example.dk")},
    )
    client.post("/da/enrollment/user-id/", {"user_id": "karen.h"})
    # Office first, then the date, then the time, as the page asks.
    page = client.get("/da/enrollment/delivery/").content.decode()
    office = page.split('name="office" value="')[1].split('"')[0]
    page = client.post(
        "/da/enrollment/delivery/",
        {"delivery": "pickup", "office": office, "narrow": "office"},
        follow=True,
    ).content.decode()
    day = page.split('name="day"')[1].split('<option value="')[2].split('"')[0]
    page = client.post(
        "/da/enrollment/delivery/",
        {"delivery": "pickup", "office": office, "day": day, "narrow": "day"},
        follow=True,
    ).content.decode()
    slot = page.split('name="slot" value="')[1].split('"')[0]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/da/enrollment/delivery/", {"delivery": "pickup", "office": office, "slot": slot}
        )
    assert response["Location"] == "/da/enrollment/receipt/"
    receipt = client.get("/da/enrollment/receipt/").content.decode()
    assert "Borgerservice" in receipt
    order = DeviceOrder.objects.get()
    assert (order.kind, order.delivery, order.status) == ("kodeviser", "pickup", "ordered")
    assert OutboxMessage.objects.filter(recipient="karen@example.dk").count() == 2
