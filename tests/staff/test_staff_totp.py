"""`manage.py staff_totp`: the first production staff member's authenticator, outside demo mode."""

from base64 import b32decode
from io import StringIO
from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from django.test import Client
from django.test.utils import override_settings
from django.utils import translation
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from audit.labels import reason_label
from audit.models import AuditEntry
from tests.factories import IdentityFactory, active_code_device

pytestmark = pytest.mark.django_db


def enrol(*args: str) -> str:
    out = StringIO()
    call_command("staff_totp", *args, stdout=out)
    return out.getvalue()


def uri_in(output: str) -> str:
    return next(line for line in output.splitlines() if line.startswith("otpauth://"))


def code_from(uri: str) -> str:
    """What the staff member's authenticator app shows, given the URI it scanned."""
    query = parse_qs(urlsplit(uri).query)
    key = b32decode(query["secret"][0])
    return f"{TOTP(key, int(query['period'][0]), 0, int(query['digits'][0])).token():06d}"


def test_a_superuser_from_createsuperuser_logs_in_with_the_enrolled_app(client: Client) -> None:
    User.objects.create_superuser("root", password="Root-pass-2026")
    with override_settings(DEMO_MODE=False):
        output = enrol("root")
    uri = uri_in(output)
    assert uri.startswith("otpauth://totp/MitID%20admin%3Aroot?")
    assert "█" in output or "▀" in output or "▄" in output  # the QR code, as text
    device = TOTPDevice.objects.get(user__username="root")
    assert device.confirmed
    response = client.post(
        "/admin/login/",
        {"username": "root", "password": "Root-pass-2026", "otp_token": code_from(uri)},
    )
    assert response.status_code == 302
    assert client.get("/admin/").status_code == 200


def test_a_staff_member_with_a_device_keeps_it_unless_replaced() -> None:
    User.objects.create_user("birgit", is_staff=True)
    first = uri_in(enrol("birgit"))
    with pytest.raises(CommandError, match="--replace"):
        enrol("birgit")
    assert TOTPDevice.objects.filter(user__username="birgit").count() == 1
    second = uri_in(enrol("birgit", "--replace"))
    assert second != first
    device = TOTPDevice.objects.get(user__username="birgit")
    assert device.config_url == second
    # Whoever holds a key can log in as her: each enrolment is in the audit log, the refused
    # one not.
    entries = AuditEntry.objects.order_by("pk").values_list(
        "action", "actor_name", "target", "reason"
    )
    assert list(entries) == [
        ("staff_totp_enrolled", "system", "birgit", ""),
        ("staff_totp_enrolled", "system", "birgit", "replaced"),
    ]
    # In the staff member's words on the log's screen.
    with translation.override("da"):
        assert reason_label("replaced", "staff_totp_enrolled") == "en tidligere enhed slettet"


def test_replacing_leaves_a_citizens_code_device_alone() -> None:
    code_device = active_code_device(IdentityFactory())
    user = code_device.user
    user.is_staff = True
    user.save()
    enrol(user.username, "--replace")
    assert TOTPDevice.objects.filter(user=user).count() == 2
    assert TOTPDevice.objects.filter(pk=code_device.pk).exists()


def test_no_device_for_someone_not_staff_or_unknown() -> None:
    User.objects.create_user("citizen")
    with pytest.raises(CommandError, match="not staff"):
        enrol("citizen")
    with pytest.raises(CommandError, match="No user 'nobody'"):
        enrol("nobody")
    assert not TOTPDevice.objects.exists()
