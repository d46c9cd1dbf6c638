"""The stock of code devices not yet given to anyone, as the factory delivers them."""

import secrets

from django.db import transaction

from .models import AuthenticatorKind, HardwareToken

SERIAL_PREFIX = {AuthenticatorKind.CODE_DISPLAY: "KV", AuthenticatorKind.CODE_READER: "KO"}


def new_serial(kind: AuthenticatorKind) -> str:
    return f"{SERIAL_PREFIX[kind]}{secrets.randbelow(10**8):08d}"


@transaction.atomic
def fill_stock(*, code_displays: int, code_readers: int) -> int:
    """Bring the unassigned stock up to the given numbers; returns how many were made."""
    made = 0
    for kind, wanted in (
        (AuthenticatorKind.CODE_DISPLAY, code_displays),
        (AuthenticatorKind.CODE_READER, code_readers),
    ):
        have = HardwareToken.objects.filter(kind=kind, assigned_to__isnull=True).count()
        for _ in range(max(0, wanted - have)):
            HardwareToken.objects.create(serial=new_serial(kind), kind=kind)
            made += 1
    return made
