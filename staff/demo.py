"""The demo staff: one each in Borgerservice, Support and Translators, with a TOTP device."""

import os
from dataclasses import dataclass

from django.contrib.auth.models import Group, User
from django.db import transaction
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from .services import own_totp_devices

DEVICE_NAME = "Demo authenticator"


@dataclass(frozen=True)
class DemoStaff:
    username: str
    group: str
    password_variable: str
    default_password: str


DEMO_STAFF = (
    DemoStaff("staff", "Borgerservice", "DEMO_STAFF_PASSWORD", "Demo-Staff-2026"),
    DemoStaff("support", "Support", "DEMO_SUPPORT_PASSWORD", "Demo-Support-2026"),
    DemoStaff("translator", "Translators", "DEMO_TRANSLATOR_PASSWORD", "Demo-Translator-2026"),
)


def staff_device(user: User) -> TOTPDevice | None:
    """The staff member's own TOTP device, the first if they have several."""
    return own_totp_devices(user).first()


def current_code(device: TOTPDevice) -> str:
    """What the staff member's authenticator app shows now."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"


@transaction.atomic
def seed_demo_staff() -> list[User]:
    """Create or refresh the demo staff; their TOTP keys are kept, so a phone stays set up."""
    users = []
    for person in DEMO_STAFF:
        password = os.environ.get(person.password_variable, person.default_password)
        user = User.objects.filter(username=person.username).first() or User(
            username=person.username
        )
        user.is_staff = True
        # Their group decides what they may do; a superuser could do everything.
        user.is_superuser = False
        if not user.password or not user.check_password(password):
            user.set_password(password)
        user.save()
        user.groups.add(Group.objects.get(name=person.group))
        if staff_device(user) is None:
            TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=True)
        users.append(user)
    return users
