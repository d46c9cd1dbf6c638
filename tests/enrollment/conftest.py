"""Fixtures for enrollment: a citizen logged in with NemID, offices with free times."""

import re
from collections.abc import Callable

import pytest
from django.test import Client

from enrollment.demo import seed_offices
from enrollment.services import reserve_nemid_user_ids
from messaging.models import OutboxMessage
from nemid import session as nemid_session
from nemid.provider import NemIDProof


@pytest.fixture
def offices(db: None) -> None:
    seed_offices()


@pytest.fixture
def nemid_client(client: Client, demo_people: None) -> Callable[[str], Client]:
    """A client whose session holds a NemID proof for the given demo person's CPR."""
    reserve_nemid_user_ids()

    def log_in(cpr: str = "1505831235", nemid_user_id: str = "Jonas1983") -> Client:
        request = type("R", (), {"session": client.session})()
        nemid_session.remember_proof(request, NemIDProof(cpr=cpr, nemid_user_id=nemid_user_id))
        request.session.save()
        client.cookies["sessionid"] = request.session.session_key
        return client

    return log_in


def latest_code(address: str) -> str:
    message = OutboxMessage.objects.filter(recipient=address).first()
    assert message is not None, f"nothing was sent to {address}"
    match = re.search(r"\b(\d{6})\b", message.body)
    assert match, message.body
    return match.group(1)
