"""Demo Borgerservice offices with appointment times in the coming two weeks."""

from datetime import datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from .models import AppointmentSlot, Office
from .offices import hours_on

OFFICES = (
    {
        "name": "Borgerservice Herning",
        "street": "Torvet 5",
        "postcode": "7400",
        "city": "Herning",
        "phone": "96 28 24 00",
        "opening_hours": "mon-wed 10:00-15:00; thu 10:00-17:30; fri 10:00-13:00",
    },
    {
        "name": "Borgerservice Aarhus",
        "street": "Hack Kampmanns Plads 2",
        "postcode": "8000",
        "city": "Aarhus C",
        "phone": "89 40 20 00",
        "opening_hours": "mon-fri 10:00-15:00",
    },
)
TIMES = (time(10, 0), time(10, 30), time(11, 0), time(13, 0), time(14, 0))
VISIT = timedelta(minutes=30)


def _after(at: time, length: timedelta) -> time:
    return (datetime.combine(datetime.min, at) + length).time()


@transaction.atomic
def seed_offices(days: int = 14) -> tuple[int, int]:
    """Offices, and free times on weekdays from tomorrow on; existing times are kept."""
    today = timezone.localdate()
    created_slots = 0
    offices = []
    for data in OFFICES:
        office, _created = Office.objects.update_or_create(name=data["name"], defaults=data)
        offices.append(office)
        for offset in range(1, days + 1):
            day = today + timedelta(days=offset)
            hours = hours_on(office.opening_hours, day)
            if hours is None:
                continue  # closed that day
            opens, closes = hours
            # A time the office is open for a visit's length (a walk met 13:00 and 14:00 on a
            # Friday the office closes at 13:00).
            for at in (at for at in TIMES if opens <= at and _after(at, VISIT) <= closes):
                starts = timezone.make_aware(datetime.combine(day, at))
                _slot, made = AppointmentSlot.objects.get_or_create(
                    office=office, starts_at=starts, defaults={"capacity": 2}
                )
                created_slots += made
    free = AppointmentSlot.objects.filter(starts_at__gt=timezone.now()).count()
    return len(offices), free
