"""Fixtures for enrollment: a citizen logged in with NemID, offices with free times."""

import re

import pytest

from enrollment.demo import seed_offices
from messaging.models import OutboxMessage


@pytest.fixture
def offices(db: None) -> None:
    seed_offices()


def latest_code(address: str) -> str:
    message = OutboxMessage.objects.filter(recipient=address).first()
    assert message is not None, f"nothing was sent to {address}"
    match = re.search(r"\b(\d{6})\b", message.body)
    assert match, message.body
    return match.group(1)
