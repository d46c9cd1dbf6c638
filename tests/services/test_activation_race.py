"""Guesses sent in parallel are counted one by one, on PostgreSQL's row locks."""

import threading
from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import connection
from django.utils import timezone

from activation import services as activation
from authenticators.models import AppDevice, AuthenticatorStatus
from tests.factories import AppDeviceFactory

pytestmark = [
    pytest.mark.services,
    pytest.mark.skipif(
        settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
        reason="needs PostgreSQL's concurrent transactions",
    ),
]


def test_parallel_temporary_pin_guesses_stop_at_the_limit(transactional_db: None) -> None:
    device = AppDeviceFactory(
        status=AuthenticatorStatus.PENDING,
        temporary_pin_hash=make_password("123456"),
        temporary_pin_expires_at=timezone.now() + timedelta(minutes=10),
    )
    start = threading.Barrier(8, timeout=10)
    answers: list[str] = []

    def guess(pin: str) -> None:
        start.wait()
        try:
            activation.confirm_app_activation(
                device=AppDevice.objects.get(pk=device.pk),
                temporary_pin=pin,
                pin="246810",
                signature="not-a-signature",
                notifications_accepted=True,
                biometrics=False,
            )
            answers.append("accepted")
        except activation.ActivationRefused as refusal:
            answers.append(refusal.code)
        finally:
            connection.close()

    threads = [threading.Thread(target=guess, args=(f"{n:06d}",)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    limit = settings.AUTHENTICATOR_MAX_FAILURES
    assert sorted(answers) == sorted(
        ["wrong_temporary_pin"] * limit + ["too_many_attempts"] * (8 - limit)
    )
    device.refresh_from_db()
    assert device.throttling_failure_count == limit
