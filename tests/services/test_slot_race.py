"""Two citizens book the last place at a time at the same moment on PostgreSQL: one gets it,
the other is told it was just taken."""

import threading

import pytest
from django.conf import settings
from django.db import connection

from enrollment import services, state
from enrollment.demo import seed_offices
from enrollment.errors import EnrollmentError
from enrollment.flow import Channel, Method
from enrollment.models import AppointmentSlot, EnrollmentCase

pytestmark = [
    pytest.mark.services,
    pytest.mark.skipif(
        settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
        reason="needs PostgreSQL's concurrent transactions",
    ),
]


def test_two_citizens_booking_the_last_place_at_once(transactional_db: None) -> None:
    seed_offices()
    slot = AppointmentSlot.objects.first()
    assert slot is not None
    AppointmentSlot.objects.filter(pk=slot.pk).update(capacity=1, booked=0)
    cases = []
    for cpr in ("1505831235", "0203754322"):
        case = state.open_case(cpr=cpr, nemid_user_id="", channel=Channel.MITID, language="da").case
        services.choose_method(case, Method.CODE_DISPLAY)
        cases.append(case.pk)
    start = threading.Barrier(2, timeout=10)
    outcomes: list[str] = []

    def book(case_pk: int) -> None:
        case = EnrollmentCase.objects.get(pk=case_pk)
        start.wait()
        try:
            services.order_device(case, delivery="pickup", slot=slot, language="da")
            outcomes.append("booked")
        except EnrollmentError as error:
            outcomes.append(error.code)
        except Exception as error:
            outcomes.append(type(error).__name__)
        finally:
            connection.close()

    threads = [threading.Thread(target=book, args=(pk,)) for pk in cases]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=20)

    assert sorted(outcomes) == ["booked", "slot_taken"]
    assert AppointmentSlot.objects.get(pk=slot.pk).booked == 1
