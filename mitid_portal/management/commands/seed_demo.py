"""`manage.py seed_demo`: create the demo people and the demo staff; safe to run again."""

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from authenticators.stock import fill_stock
from enrollment.demo import seed_offices
from enrollment.services import reserve_nemid_user_ids
from nemid.demo import seed_demo_people
from relying_parties.demo import seed_demo_bank
from staff.demo import seed_demo_staff

from ...demo_passports import seed_demo_passports


class Command(BaseCommand):
    help = "Create the demo people (CPR register, NemID) and the demo staff. Idempotent."

    def handle(self, *args: Any, **options: Any) -> None:
        # The demo's CSCAs (whose keys lie beside the demo passports) would be trusted by the
        # chip check, the staff would have the README's passwords, and the Demo Bank a
        # published secret: never outside a demo.
        if not settings.DEMO_MODE:
            raise CommandError(
                "seed_demo works in demo mode only (DEMO_MODE=true): it makes demo staff with "
                "published passwords and trusts the demo passports' CSCAs. Nothing was written."
            )
        for account in seed_demo_people():
            self.stdout.write(
                f"NemID user-ID {account.user_id} (key card {account.keycard_number})"
            )
        self.stdout.write(f"{reserve_nemid_user_ids()} NemID user-IDs reserved for their holders")
        passports = seed_demo_passports()
        self.stdout.write(
            f"{len(passports)} demo passports in {passports[0].parent} (for `mitid_app passport`"
            " and the app simulator page /da/demo/app/);"
            " Sofie Holm (CPR 080404-4128) never had NemID"
        )
        offices, slots = seed_offices()
        self.stdout.write(f"{offices} Borgerservice offices with {slots} free appointment times")
        made = fill_stock(code_displays=10, code_readers=5)
        self.stdout.write(f"{made} code devices added to the stock")
        bank = seed_demo_bank()
        self.stdout.write(
            f"Relying party {bank.name} (client ID {bank.application.client_id}): "
            "try it at /da/demo-bank/"
        )
        for user in seed_demo_staff():
            group = ", ".join(user.groups.values_list("name", flat=True))
            self.stdout.write(
                f"Staff user {user.username} ({group}): the admin with "
                f"`manage.py staff_code {user.username}`, and the outbox page"
            )
