"""Demo Borgerservice offices with appointment times in the coming two weeks."""

from datetime import datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from .models import AppointmentSlot, Office

OFFICES = (
    {
        "name": "Borgerservice Herning",
        "street": "Torvet 5",
        "postcode": "7400",
        "city": "Herning",
        "phone": "96 28 24 00",
        "opening_hours": "Man–ons 10–15, tor 10–17.30, fre 10–13",
    },
    {
        "name": "Borgerservice Aarhus",
        "street": "Hack Kampmanns Plads 2",
        "postcode": "8000",
        "city": "Aarhus C",
        "phone": "89 40 20 00",
        "opening_hours": "Man–fre 10–15",
    },
)
TIMES = (time(10, 0), time(10, 30), time(11, 0), time(13, 0), time(14, 0))


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
            if day.weekday() >= 5:
                continue
            for at in TIMES:
                starts = timezone.make_aware(datetime.combine(day, at))
                _slot, made = AppointmentSlot.objects.get_or_create(
                    office=office, starts_at=starts, defaults={"capacity": 2}
                )
                created_slots += made
    free = AppointmentSlot.objects.filter(starts_at__gt=timezone.now()).count()
    return len(offices), free
