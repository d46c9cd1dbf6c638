"""Users for the benchmark, read as JSON from stdin, each with a TOTP device for the flow.

    {"password_hash": "...", "people": [{"username": "...", "totp_key": "<hex>"}, ...]}

One password hash for everyone (made by the driver with the run's hasher): hashing hundreds
of passwords with Argon2 would take minutes and measure nothing.
"""

import base64
import json
import sys
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.core.management.base import BaseCommand
from django.db import transaction


class Command(BaseCommand):
    help = "Create the benchmark's users (and their TOTP devices) from JSON on stdin."

    def handle(self, *args: Any, **options: Any) -> None:
        data = json.load(sys.stdin)
        with transaction.atomic():
            users = User.objects.bulk_create(
                User(username=person["username"], password=data["password_hash"])
                for person in data["people"]
            )
            keys = [person["totp_key"] for person in data["people"]]
            if settings.FLOW == "allauth_totp":
                from allauth.mfa.models import Authenticator
                from allauth.mfa.utils import encrypt

                Authenticator.objects.bulk_create(
                    Authenticator(
                        user=user,
                        type=Authenticator.Type.TOTP,
                        data={"secret": encrypt(base64.b32encode(bytes.fromhex(key)).decode())},
                    )
                    for user, key in zip(users, keys, strict=True)
                )
            elif settings.FLOW == "two_factor":
                from django_otp.plugins.otp_totp.models import TOTPDevice

                TOTPDevice.objects.bulk_create(
                    TOTPDevice(user=user, name="default", key=key, confirmed=True)
                    for user, key in zip(users, keys, strict=True)
                )
        self.stdout.write(f"{len(users)} users")
