"""The command-line app gets MitID with a demo passport, and copies itself, over HTTP."""

import re
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from authenticators.models import AppDevice, Identity
from login import app_logins
from messaging.models import OutboxMessage

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
