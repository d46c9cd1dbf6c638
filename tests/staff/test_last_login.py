"""Django's `last_login`: kept for staff, whom the admin shows it for; not written at each of
a citizen's MitID logins, which their history and the audit log record."""

import pytest
from django.contrib.auth.models import User
from django.test import Client

pytestmark = pytest.mark.django_db


def test_a_login_records_last_login_for_staff_only() -> None:
    staff = User.objects.create_user("staff-anna", is_staff=True)
    citizen = User.objects.create_user("mitid-1")
    Client().force_login(staff)
    Client().force_login(citizen)
    staff.refresh_from_db()
    citizen.refresh_from_db()
    assert staff.last_login is not None
    assert citizen.last_login is None
