"""`manage.py staff_totp USERNAME`: enrol a staff member's authenticator app (a TOTP device)."""

import io
from typing import Any

from django.contrib.auth.models import User
from django.core.management.base import BaseCommand, CommandError, CommandParser

from staff.services import StaffDeviceRefused, enrol_staff_totp_device

REFUSALS = {
    "not_staff": "{username} is not staff: set is_staff first (the admin, or createsuperuser).",
    "has_device": "{username} has a TOTP device already; --replace makes a new one instead.",
}


class Command(BaseCommand):
    help = (
        "Create a confirmed TOTP device for an existing staff member, and print its otpauth:// "
        "URI (and a QR code) once, for their authenticator app."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument(
            "--replace",
            action="store_true",
            help="Delete the staff member's TOTP devices (a lost phone's) and make a new one.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        username = options["username"]
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user {username!r}.")
        try:
            device = enrol_staff_totp_device(user=user, replace=options["replace"])
        except StaffDeviceRefused as refusal:
            raise CommandError(REFUSALS[refusal.code].format(username=repr(username))) from None
        uri = device.config_url
        self.stdout.write(
            f"A TOTP device for {username}. Add it to their authenticator app now: the key is "
            "shown this once, and never logged."
        )
        self.stdout.write(uri)
        qr_code = _qr_code_as_text(uri)
        if qr_code:
            self.stdout.write(qr_code)


def _qr_code_as_text(data: str) -> str:
    """The QR code in block characters for a terminal, or "" without the qrcode library."""
    try:
        import qrcode
    except ImportError:
        return ""
    code = qrcode.QRCode(border=2)
    code.add_data(data)
    text = io.StringIO()
    code.print_ascii(out=text, invert=True)
    return text.getvalue()
