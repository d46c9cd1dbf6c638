"""`manage.py device_code SERIAL`: the code a simulated code device shows when pressed now."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from authenticators.models import HardwareToken


class Command(BaseCommand):
    help = "Print the 6-digit code that the code display or code reader SERIAL shows now."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("serial", help="the serial number on the back of the device")

    def handle(self, *args: Any, **options: Any) -> None:
        token = HardwareToken.objects.filter(serial__iexact=options["serial"].strip()).first()
        if token is None:
            raise CommandError(f"No code device with serial number {options['serial']!r}.")
        self.stdout.write(token.current_code())
