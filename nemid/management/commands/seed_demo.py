"""`manage.py seed_demo`: create the demo people and a demo staff user; safe to run again."""

import os
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand

from authenticators.stock import fill_stock
from enrollment.demo import seed_offices
from enrollment.services import reserve_nemid_user_ids
from nemid.demo import seed_demo_people

STAFF_USERNAME = "staff"
STAFF_PASSWORD_DEFAULT = "Demo-Staff-2026"


class Command(BaseCommand):
    help = "Create the demo people (CPR register, NemID) and a demo staff user. Idempotent."

    def handle(self, *args: Any, **options: Any) -> None:
        for account in seed_demo_people():
            self.stdout.write(
                f"NemID user-ID {account.user_id} (key card {account.keycard_number})"
            )
        self.stdout.write(f"{reserve_nemid_user_ids()} NemID user-IDs reserved for their holders")
        offices, slots = seed_offices()
        self.stdout.write(f"{offices} Borgerservice offices with {slots} free appointment times")
        made = fill_stock(code_displays=10, code_readers=5)
        self.stdout.write(f"{made} code devices added to the stock")
        password = os.environ.get("DEMO_STAFF_PASSWORD", STAFF_PASSWORD_DEFAULT)
        user, created = get_user_model().objects.get_or_create(
            username=STAFF_USERNAME, defaults={"is_staff": True, "is_superuser": True}
        )
        if created or not user.check_password(password):
            user.set_password(password)
            user.is_staff = user.is_superuser = True
            user.save()
        self.stdout.write(f"Staff user {STAFF_USERNAME} for the admin and the outbox page")
