"""A pending chip confirmed and removed at the same time, on PostgreSQL's row locks."""

import threading
from datetime import timedelta

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from activation import services as activation
from authenticators import services as device_services
from authenticators.models import AuthenticatorStatus, ChipDevice
from tests.authenticators.soft_chip import SoftChip
from tests.factories import IdentityFactory

pytestmark = [
    pytest.mark.services,
    pytest.mark.skipif(
        settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
        reason="needs PostgreSQL's concurrent transactions",
    ),
]


def test_a_removal_during_the_confirmation_waits_for_it(
    transactional_db: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The removal comes after the chip's answer was checked and before it is activated: it
    waits for the confirmation and is told the chip is confirmed (the activation met a chip
    revoked meanwhile and failed, a 500 on the confirmation page)."""
    identity = IdentityFactory(user_id="Karen K")
    soft = SoftChip()
    options, state = activation.chip_registration_options(identity)
    chip = activation.register_chip(identity=identity, state=state, response=soft.register(options))
    ChipDevice.objects.filter(pk=chip.pk).update(confirm_after=timezone.now() - timedelta(1))
    chip.refresh_from_db()
    answer = soft.sign_in(chip.generate_challenge())
    removals: list[str] = []

    def remove() -> None:
        try:
            activation.remove_pending_chip(identity=identity, chip_id=chip.pk, reason="lost")
            removals.append("removed")
        except activation.ActivationRefused as refusal:
            removals.append(refusal.code)
        finally:
            connection.close()

    activate = device_services.activate
    remover = threading.Thread(target=remove)

    def activate_while_a_removal_runs(device: ChipDevice) -> None:
        remover.start()
        remover.join(timeout=2)  # it finishes only if nothing holds the chip's row
        activate(device)

    monkeypatch.setattr(device_services, "activate", activate_while_a_removal_runs)
    confirmed = activation.confirm_chip(chip=chip, response=answer)
    remover.join(timeout=30)

    assert confirmed.status == AuthenticatorStatus.ACTIVE
    assert removals == ["not_pending"]
