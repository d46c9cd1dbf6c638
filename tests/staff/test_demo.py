"""The demo staff: seeded in their groups with a TOTP device; `staff_code` reads it."""

from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from django.test import Client
from django.test.utils import override_settings
from django_otp.plugins.otp_totp.models import TOTPDevice

from staff.demo import current_code, staff_device

pytestmark = pytest.mark.django_db


def seed() -> None:
    call_command("seed_demo", stdout=StringIO())


def test_seed_demo_makes_staff_in_borgerservice_support_and_translators_and_can_run_again() -> None:
    seed()
    keys = dict(TOTPDevice.objects.values_list("user__username", "key"))
    seed()
    staff = User.objects.get(username="staff")
    support = User.objects.get(username="support")
    assert list(staff.groups.values_list("name", flat=True)) == ["Borgerservice"]
    assert list(support.groups.values_list("name", flat=True)) == ["Support"]
    assert staff.is_staff and not staff.is_superuser
    assert staff.check_password("Demo-Staff-2026")
    assert support.check_password("Demo-Support-2026")
    # The keys stay: a phone set up with one keeps working after another seed.
    assert dict(TOTPDevice.objects.values_list("user__username", "key")) == keys
    assert TOTPDevice.objects.count() == 3
    translator = User.objects.get(username="translator")
    assert translator.has_perm("translations.edit_catalogues")
    assert not translator.has_perm("staff.block_authenticator")


def test_staff_code_prints_the_code_that_logs_the_demo_staff_in(client: Client) -> None:
    seed()
    out = StringIO()
    call_command("staff_code", "staff", stdout=out)
    code = out.getvalue().strip()
    assert code == current_code(staff_device(User.objects.get(username="staff")))  # type: ignore[arg-type]
    response = client.post(
        "/admin/login/",
        {"username": "staff", "password": "Demo-Staff-2026", "otp_token": code},
    )
    assert response.status_code == 302


def test_staff_code_refuses_outside_demo_mode() -> None:
    seed()
    with override_settings(DEMO_MODE=False), pytest.raises(CommandError, match="demo mode"):
        call_command("staff_code", "staff", stdout=StringIO())


def test_staff_code_of_someone_without_a_device_is_an_error() -> None:
    with pytest.raises(CommandError):
        call_command("staff_code", "nobody", stdout=StringIO())


def test_seed_demo_refuses_outside_demo_mode_before_writing_anything(
    settings: Any, tmp_path: Path
) -> None:
    """Under the production settings it trusted the demo CSCAs (their keys in var/passports),
    made staff with the README's passwords and crashed half-way."""
    settings.PASSPORT_CSCA_DIR = str(tmp_path / "csca")
    settings.PASSPORT_DEMO_DIR = str(tmp_path / "passports")
    with override_settings(DEMO_MODE=False), pytest.raises(CommandError, match="demo mode"):
        seed()
    assert not User.objects.exists()
    assert not TOTPDevice.objects.exists()
    assert list(tmp_path.iterdir()) == []
