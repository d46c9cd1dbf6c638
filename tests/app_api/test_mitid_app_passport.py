"""The command-line app gets MitID with a demo passport, and copies itself, over HTTP."""

import re
from datetime import timedelta
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.utils import timezone

from activation.models import AppCopy
from app_api.client import AppState
from authenticators.models import AppDevice, Identity
from login import app_logins
from messaging.models import OutboxMessage
from tests.phone import USER_ID, jonas_phone

pytestmark = pytest.mark.django_db(transaction=True)


def mitid_app(*args: str) -> str:
    out = StringIO()
    call_command("mitid_app", *args, stdout=out)
    return out.getvalue()


def last_pin(mobile: str) -> str:
    message = OutboxMessage.objects.filter(recipient=mobile, body__contains="PIN").first()
    assert message is not None
    found = re.search(r"\b(\d{6})\b", message.body)
    assert found is not None
    return found.group(1)


@pytest.fixture
def passports(demo_passports: Any, transactional_db: None) -> Path:
    return Path(settings.PASSPORT_DEMO_DIR)


def test_sofie_gets_mitid_with_her_passport_logs_in_and_copies_the_app(
    live_server: Any, passports: Path, tmp_path: Path
) -> None:
    phone = ["--state", str(tmp_path / "phone.json"), "--url", live_server.url]
    forged = [*phone, "passport", "--passport", str(passports / "forged-sofie-holm.json")]
    with pytest.raises(CommandError, match="chip_signer_untrusted"):
        mitid_app(*forged, "--cpr", "080404-4128", "--user-id", "Sofie H", "--mobile", "20304050")
    out = mitid_app(
        *phone,
        "passport",
        "--passport",
        str(passports / "sofie-holm.json"),
        "--cpr",
        "080404-4128",
        "--user-id",
        "Sofie H",
        "--mobile",
        "20304050",
    )
    assert "passport's chip read and checked" in out and "temporary PIN" in out
    out = mitid_app(
        *phone,
        "activate",
        "--user-id",
        "Sofie H",
        "--temporary-pin",
        last_pin("+4520304050"),
        "--pin",
        "135790",
    )
    assert "active at level substantial" in out

    login = app_logins.start(user_id="Sofie H", service="MitID.dk", text="Log on to MitID.dk")
    mitid_app(*phone, "scan", app_logins.frame(login))
    assert "approved" in mitid_app(*phone, "approve", "--pin", "135790")

    shown = mitid_app(*phone, "copy-show")
    qr = re.search(r"mitid-copy\.\S+", shown)
    assert qr is not None
    second = ["--state", str(tmp_path / "second.json"), "--url", live_server.url]
    scanned = mitid_app(*second, "copy-scan", qr.group(0), "--user-id", "sofie h")
    match_code = re.search(r"This phone's code: ([0-9]{4})\.", scanned)
    assert match_code is not None, scanned
    # A code the new phone does not show: another phone scanned, and nothing is confirmed.
    other = "0000" if match_code.group(1) != "0000" else "1111"
    with pytest.raises(CommandError, match="it is not your new phone, so nothing was confirmed"):
        mitid_app(*phone, "copy-approve", "--pin", "135790", "--match-code", other)
    mitid_app(*phone, "copy-approve", "--pin", "135790", "--match-code", match_code.group(1))
    out = mitid_app(
        *second,
        "activate",
        "--user-id",
        "sofie h",
        "--temporary-pin",
        last_pin("+4520304050"),
        "--pin",
        "246810",
    )
    assert "active" in out
    identity = Identity.objects.get(cpr="0804044128")
    assert AppDevice.objects.filter(identity=identity, status="active").count() == 2


def test_a_new_phone_is_told_when_its_copy_is_over_and_can_scan_a_new_code(
    live_server: Any, tmp_path: Path
) -> None:
    """The new phone waited as if the copy could still happen, and its PIN then met
    not_found (a walk's finding): it asks, and is told what to do."""
    old, state = jonas_phone(tmp_path)
    jonas = ["--state", str(state), "--url", live_server.url]
    new = ["--state", str(tmp_path / "new.json"), "--url", live_server.url]
    qr = re.search(r"mitid-copy\.\S+", mitid_app(*jonas, "copy-show"))
    assert qr is not None
    scanned = mitid_app(*new, "copy-scan", qr.group(0), "--user-id", USER_ID)
    assert re.search(r"with its PIN before [0-9]{2}:[0-9]{2}:[0-9]{2}", scanned), scanned
    with pytest.raises(CommandError, match="has not confirmed the copy yet"):
        mitid_app(*new, "activate", "--user-id", USER_ID, "--temporary-pin", "123456")
    AppCopy.objects.update(scanned_at=timezone.now() - timedelta(minutes=3))
    with pytest.raises(CommandError, match="The time to confirm the copy on your other phone ran"):
        mitid_app(*new, "activate", "--user-id", USER_ID, "--temporary-pin", "123456")
    assert AppState.load(tmp_path / "new.json").accounts == {}

    # Scanned again, and the old phone shows a new code before confirming.
    qr = re.search(r"mitid-copy\.\S+", mitid_app(*jonas, "copy-show"))
    assert qr is not None
    mitid_app(*new, "copy-scan", qr.group(0), "--user-id", USER_ID)
    mitid_app(*jonas, "copy-show")
    with pytest.raises(CommandError, match="Your other phone has shown a new QR code since"):
        mitid_app(*new, "activate", "--user-id", USER_ID)
    assert AppState.load(tmp_path / "new.json").accounts == {}
    assert list(AppDevice.objects.all()) == [old]
