"""Jonas's phone for the tests that drive real server processes: his activated MitID app, its
key in the state file of the command-line app (`manage.py mitid_app`), which speaks the App
API over HTTP as the phone does; and a phone's signed request, for the tests that send it
themselves."""

from io import StringIO
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import Argon2PasswordHasher
from django.core.management import call_command

from app_api import auth as api_auth
from app_api.client import AppState, _pem
from authenticators.models import AppDevice
from tests.factories import AppDeviceFactory

USER_ID = "J()nas Jen5en"
PIN = "246810"


def jonas_phone(folder: Path, **device: Any) -> tuple[AppDevice, Path]:
    """Jonas's activated app (`device`: more of its fields, for AppDeviceFactory), and the path
    of the command-line app's state holding its key."""
    # A server process hashes with the real settings (Argon2), not the tests' fast MD5.
    device = AppDeviceFactory(
        identity__user_id=USER_ID,
        pin_hash=Argon2PasswordHasher().encode(PIN, Argon2PasswordHasher().salt()),
        **device,
    )
    state = AppState(
        folder / "phone.json",
        installation_id=str(device.installation_id),
        accounts={
            USER_ID: {
                "private_key": _pem(device.private_key),
                "key_id": str(device.key_id),
                "status": "active",
            }
        },
    )
    state.save()
    return device, state.path


def mitid_app(state: Path, url: str, *args: str) -> str:
    """The app does what the phone's owner asks (`scan FRAME`, `approve --pin PIN`, ...);
    what it printed."""
    out = StringIO()
    call_command("mitid_app", "--state", str(state), "--url", url, *args, stdout=out)
    return out.getvalue()


def pending_logins_header(phone: AppDevice, **signed: Any) -> str:
    """The `Authorization` of the phone's GET of its pending logins, signed now (or `created`)."""
    return api_auth.authorization_header(
        key_id=str(phone.key_id),
        private_key=phone.private_key,
        method="GET",
        path=f"{settings.APP_API_PREFIX}logins",
        body=b"",
        **signed,
    )
