"""`manage.py nemid_keycard USERID`: print a simulated NemID key card, one KEY CODE a line."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from nemid.keycard import card_pairs
from nemid.models import NemIDAccount


class Command(BaseCommand):
    help = "Print the key card of a NemID account in the simulator: one 'KEY CODE' pair a line."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("user_id", help="the NemID user-ID (any case)")
        parser.add_argument(
            "--unused", action="store_true", help="leave out the codes already used"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        account = NemIDAccount.objects.filter(user_id__iexact=options["user_id"]).first()
        if account is None:
            raise CommandError(f"No NemID account with user-ID {options['user_id']!r}.")
        used = set(account.used_keys.values_list("key", flat=True)) if options["unused"] else set()
        for key, code in card_pairs(account.keycard_secret):
            if key not in used:
                self.stdout.write(f"{key} {code}")
