"""The command-line app activates over HTTP against a running portal."""

import re
from datetime import timedelta
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from authenticators.models import AppDevice, Identity
from login import app_logins
from messaging.models import OutboxMessage
from nemid.demo import seed_demo_people
from tests.factories import jonas_activation_code

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def activation_code(transactional_db: None) -> str:
    seed_demo_people()
    return jonas_activation_code("Jonas.J")


def mitid_app(*args: str) -> str:
    out = StringIO()
    call_command("mitid_app", *args, stdout=out)
    return out.getvalue()


def test_activate_in_two_runs_as_the_sms_arrives_between_them(
    live_server: Any, activation_code: str, tmp_path: Path
) -> None:
    state_file = str(tmp_path / "phone.json")
    first = mitid_app(
        "--state",
        state_file,
        "--url",
        live_server.url,
        "activate",
        "--user-id",
        "Jonas.J",
        "--activation-code",
        activation_code,
    )
    assert "temporary PIN is on its way" in first
    sms = OutboxMessage.objects.get(body__contains="temporary PIN")
    match = re.search(r"\b(\d{6})\b", sms.body)
    assert match

    second = mitid_app(
        "--state",
        state_file,
        "--url",
        live_server.url,
        "activate",
        "--user-id",
        "Jonas.J",
        "--temporary-pin",
        match.group(1),
        "--pin",
        "135790",
    )

    assert "The MitID app is active at level substantial." in second
    assert Identity.objects.get(cpr="1505831235").status == "active"
    assert AppDevice.objects.get().status == "active"
    assert (tmp_path / "phone.json").stat().st_mode & 0o077 == 0, "the key file is private"


@pytest.fixture
def active_app(live_server: Any, activation_code: str, tmp_path: Path) -> list[str]:
    """Jonas's app, activated by the command; returns the options that name it."""
    options = ["--state", str(tmp_path / "phone.json"), "--url", live_server.url]
    mitid_app(*options, "activate", "--user-id", "Jonas.J", "--activation-code", activation_code)
    sms = OutboxMessage.objects.get(body__contains="temporary PIN")
    pin = re.search(r"\b(\d{6})\b", sms.body)
    assert pin
    mitid_app(
        *options, "activate", "--user-id", "Jonas.J", "--temporary-pin", pin[1], "--pin", "135790"
    )
    return options


def test_scan_a_frame_and_approve_with_the_pin(active_app: list[str]) -> None:
    login = app_logins.start(user_id="jonas.j", service="MitID.dk", text="Log on to MitID.dk")

    scanned = mitid_app(*active_app, "scan", app_logins.frame(login))
    assert "MitID.dk: Log on to MitID.dk" in scanned
    assert str(login.token) in scanned

    with pytest.raises(CommandError, match="wrong_pin"):
        mitid_app(*active_app, "approve", "--pin", "000000")
    approved = mitid_app(*active_app, "approve", str(login.token), "--pin", "135790")
    assert "You approved MitID.dk: Log on to MitID.dk (approved)." in approved
    login.refresh_from_db()
    assert login.status == "approved"


def test_pending_and_reject_a_login_started_on_the_phone(active_app: list[str]) -> None:
    assert "Nothing is waiting for you." in mitid_app(*active_app, "pending")
    login = app_logins.start(
        user_id="Jonas.J", service="MitID.dk", text="Log on to MitID.dk", same_device=True
    )
    assert "Nothing is waiting for you." in mitid_app(*active_app, "pending")
    # The login page on the phone opens the app with a link; the app takes it as a scan.
    link = f"/en/demo/app/#autostart={login.token}.{login.autostart}"
    assert str(login.token) in mitid_app(*active_app, "scan", link)
    assert str(login.token) in mitid_app(*active_app, "pending")
    assert "You rejected MitID.dk: Log on to MitID.dk (rejected)." in mitid_app(
        *active_app, "reject"
    )
    login.refresh_from_db()
    assert login.status == "rejected"


def test_a_stale_frame_is_refused(active_app: list[str], settings: Any) -> None:
    login = app_logins.start(user_id="jonas.j", service="MitID.dk", text="Log on to MitID.dk")
    login.started_at -= timedelta(seconds=settings.APP_LOGIN_FRAME_MAX_AGE_SECONDS + 2)
    login.save(update_fields=["started_at"])
    first_frame = app_logins.frame(login, now=login.started_at)
    with pytest.raises(CommandError, match="stale_frame"):
        mitid_app(*active_app, "scan", first_frame)


def test_a_refusal_is_told_with_its_code(
    live_server: Any, activation_code: str, tmp_path: Path
) -> None:
    with pytest.raises(CommandError, match="invalid_activation_code"):
        mitid_app(
            "--state",
            str(tmp_path / "p.json"),
            "--url",
            live_server.url,
            "activate",
            "--user-id",
            "Jonas.J",
            "--activation-code",
            "WRNG-CODE",
        )


def test_an_unreachable_portal_is_said_plainly(tmp_path: Path, db: None) -> None:
    with pytest.raises(CommandError, match="Cannot reach the portal"):
        mitid_app(
            "--state",
            str(tmp_path / "p.json"),
            "--url",
            "http://127.0.0.1:9",
            "activate",
            "--user-id",
            "x",
            "--activation-code",
            "y",
        )


def test_the_hint_runs_as_printed_and_the_portal_is_remembered(
    live_server: Any, activation_code: str, tmp_path: Path
) -> None:
    import os
    import shlex
    import subprocess
    import sys

    state_file = tmp_path / "my phone.json"  # a space: the hint must quote it
    first = mitid_app(
        "--state", str(state_file), "--url", live_server.url,
        "activate", "--user-id", "Jonas.J", "--activation-code", activation_code,
    )  # fmt: skip
    hint = next(line.strip() for line in first.splitlines() if "mitid_app" in line)
    sms = OutboxMessage.objects.get(body__contains="temporary PIN")
    pin = re.search(r"\b(\d{6})\b", sms.body)
    assert pin
    command = shlex.split(hint.replace("--temporary-pin NNNNNN", f"--temporary-pin {pin[1]}"))
    command = [part if part != "NNNNNN" else "135790" for part in command]
    assert command[0] == sys.executable and command[1].endswith("manage.py")
    assert "--url" not in command, "the portal is remembered from the activation"
    # Run exactly that, from another folder, as a person pasting it would.
    done = subprocess.run(
        command, cwd=tmp_path, capture_output=True, text=True, timeout=60, env=os.environ.copy()
    )
    assert "The MitID app is active at level substantial." in done.stdout, done.stderr
    assert "Nothing is waiting for you." in mitid_app("--state", str(state_file), "pending")
