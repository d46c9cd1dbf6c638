"""Appointment times in the admin: a booked time keeps its time and office, and its capacity
does not fall below its bookings."""

from datetime import UTC, datetime
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone

from enrollment.models import AppointmentSlot, Office
from staff.forms import AppointmentSlotForm

from .helpers import log_in_staff

pytestmark = pytest.mark.django_db

STARTS = datetime(2030, 3, 4, 9, 0, tzinfo=UTC)


def office(name: str = "Borgerservice Herning") -> Office:
    return Office.objects.create(name=name, street="Torvet 1", postcode="7400", city="Herning")


@pytest.fixture
def slot() -> AppointmentSlot:
    return AppointmentSlot.objects.create(office=office(), starts_at=STARTS, capacity=3, booked=2)


def form_data(slot: AppointmentSlot, **changes: Any) -> dict[str, Any]:
    local = timezone.localtime(changes.pop("starts_at", slot.starts_at))
    # The form on its own takes one field; the admin's widget splits it into a date and a time.
    return {
        "office": slot.office_id,
        "starts_at": local.strftime("%Y-%m-%d %H:%M:%S"),
        "starts_at_0": local.strftime("%Y-%m-%d"),
        "starts_at_1": local.strftime("%H:%M:%S"),
        "capacity": slot.capacity,
        **changes,
    }


def error_codes(form: AppointmentSlotForm) -> dict[str, list[str | None]]:
    return {name: [e.code for e in errors] for name, errors in form.errors.as_data().items()}


def test_a_booked_time_keeps_its_time_and_office_and_its_bookings(slot: AppointmentSlot) -> None:
    moved = AppointmentSlotForm(
        form_data(slot, starts_at=STARTS.replace(hour=13), office=office("Ikast").pk, capacity=1),
        instance=slot,
    )
    assert error_codes(moved) == {
        "office": ["slot_booked"],
        "starts_at": ["slot_booked"],
        "capacity": ["capacity_below_bookings"],
    }


def test_a_booked_time_may_take_more_citizens_and_as_many_as_booked(
    slot: AppointmentSlot,
) -> None:
    for capacity in (2, 5):
        assert AppointmentSlotForm(form_data(slot, capacity=capacity), instance=slot).is_valid()


def test_a_time_nobody_booked_may_move(slot: AppointmentSlot) -> None:
    slot.booked = 0
    slot.save()
    form = AppointmentSlotForm(
        form_data(slot, starts_at=STARTS.replace(hour=13), capacity=1), instance=slot
    )
    assert form.is_valid(), form.errors


def test_borgerservice_is_told_in_danish_and_nothing_changes(
    borgerservice: User, slot: AppointmentSlot
) -> None:
    client = log_in_staff(Client(headers={"accept-language": "da"}), borgerservice)
    url = f"/admin/enrollment/appointmentslot/{slot.pk}/change/"
    response = client.post(url, form_data(slot, starts_at=STARTS.replace(hour=13), capacity=0))
    assert response.status_code == 200
    html = response.content.decode()
    assert "2 borgere har booket denne tid" in html
    assert "Tilføj en ny tid i stedet" in html
    slot.refresh_from_db()
    assert (slot.starts_at, slot.capacity, slot.booked) == (STARTS, 3, 2)


def test_the_office_s_list_of_times_refuses_the_same(
    superuser: User, slot: AppointmentSlot
) -> None:
    client = log_in_staff(Client(headers={"accept-language": "en"}), superuser)
    place = slot.office
    local = timezone.localtime(STARTS.replace(hour=13))
    data = {
        "name": place.name,
        "street": place.street,
        "postcode": place.postcode,
        "city": place.city,
        "phone": "",
        "opening_hours": "",
        "slots-TOTAL_FORMS": "1",
        "slots-INITIAL_FORMS": "1",
        "slots-MIN_NUM_FORMS": "0",
        "slots-MAX_NUM_FORMS": "1000",
        "slots-0-id": slot.pk,
        "slots-0-office": place.pk,
        "slots-0-starts_at_0": local.strftime("%Y-%m-%d"),
        "slots-0-starts_at_1": local.strftime("%H:%M:%S"),
        "slots-0-capacity": "1",
    }
    response = client.post(f"/admin/enrollment/office/{place.pk}/change/", data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "so its time and office stay as they are" in html
    assert "2 citizens have booked this time: the capacity cannot be less." in html
    slot.refresh_from_db()
    assert (slot.starts_at, slot.capacity) == (STARTS, 3)


def test_saving_a_time_keeps_a_booking_made_meanwhile(slot: AppointmentSlot) -> None:
    """The form was read with 2 bookings; a citizen books the time before staff save it."""
    form = AppointmentSlotForm(form_data(slot, capacity=5), instance=slot)
    assert form.is_valid(), form.errors
    AppointmentSlot.objects.filter(pk=slot.pk).update(booked=3)
    form.save()
    slot.refresh_from_db()
    assert (slot.capacity, slot.booked) == (5, 3)


def test_a_booking_made_while_staff_edit_counts_against_a_lower_capacity(
    borgerservice: User, slot: AppointmentSlot, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The page was read with 2 bookings of 3; a citizen books the last place before staff
    save a capacity of 2: they are told in their language, with what they typed (it was a
    500, the database's constraint refusing 3 bookings of 2)."""
    from staff.admin_enrollment import AppointmentSlotAdmin

    read = AppointmentSlotAdmin.get_object

    def read_then_booked(self: AppointmentSlotAdmin, *args: Any, **kwargs: Any) -> Any:
        found = read(self, *args, **kwargs)
        AppointmentSlot.objects.filter(pk=slot.pk).update(booked=3)  # a citizen, meanwhile
        return found

    monkeypatch.setattr(AppointmentSlotAdmin, "get_object", read_then_booked)
    client = log_in_staff(Client(headers={"accept-language": "da"}), borgerservice)
    url = f"/admin/enrollment/appointmentslot/{slot.pk}/change/"
    response = client.post(url, form_data(slot, capacity=2))
    assert response.status_code == 200
    html = response.content.decode()
    assert "3 borgere har booket denne tid" in html
    assert 'name="capacity" value="2"' in html
    slot.refresh_from_db()
    assert (slot.capacity, slot.booked) == (3, 3)


def test_a_time_s_form_says_what_each_field_needs_in_the_clerk_s_language(
    borgerservice: User, slot: AppointmentSlot
) -> None:
    client = log_in_staff(Client(headers={"accept-language": "kl"}), borgerservice)
    html = client.post("/admin/enrollment/appointmentslot/add/", {}).content.decode()
    assert "Borgerservice-mi allaffik toqqaruk." in html
    assert "Ulloq piffissarlu isiginnaarnissap aallartiffia allakkit." in html
    assert "Innuttaasut qassit piffissaq una inniminersinnaanerlugu allaguk." in html
    assert "Dette felt er påkrævet." not in html
    url = f"/admin/enrollment/appointmentslot/{slot.pk}/change/"
    data = form_data(slot, capacity="99999", starts_at_0="2026-13-45")
    html = client.post(url, data).content.decode()
    assert "Innuttaasut amerlassusaat 0-miit 32767-mut allaguk." in html
    assert 'value="99999"' in html  # nothing typed is lost
    assert "Indtast en gyldig dato." not in html
