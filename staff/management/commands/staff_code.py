"""`manage.py staff_code USERNAME`: the code a demo staff member's authenticator shows now."""

from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.core.management.base import BaseCommand, CommandError, CommandParser

from staff.demo import current_code, staff_device


class Command(BaseCommand):
    help = "Print the current TOTP code of a staff member's device (demo mode only)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")

    def handle(self, *args: Any, **options: Any) -> None:
        # Outside a demo the code is the second factor: it must come from the staff member's
        # own device, never from the server.
        if not settings.DEMO_MODE:
            raise CommandError("staff_code works in demo mode only (DEMO_MODE=true).")
        user = User.objects.filter(username=options["username"], is_staff=True).first()
        device = staff_device(user) if user is not None else None
        if device is None:
            raise CommandError(f"No staff member {options['username']!r} with a TOTP device.")
        self.stdout.write(current_code(device))
