"""Karen, with a confirmed mobile and e-mail on her MitID, and a way to log her in."""

from collections.abc import Callable

import pytest
from django.test import Client
from django.utils import timezone

from authenticators.models import CodeDevice, Identity
from tests.factories import IdentityFactory, RegisteredPersonFactory, active_code_device
from tests.logins import log_in_with_mitid


@pytest.fixture
def karen(db: None) -> Identity:
    RegisteredPersonFactory(cpr="0203754322", given_name="Karen", family_name="Hansen")
    return IdentityFactory(
        cpr="0203754322",
        user_id="karen.h",
        language="en",
        mobile="+4520304050",
        email="karen@example.dk",
        contact_set_at=timezone.now(),
    )


@pytest.fixture
def kodeviser(karen: Identity) -> CodeDevice:
    return active_code_device(karen)


@pytest.fixture
def logged_in(client: Client) -> Callable[..., Client]:
    """A client logged in with MitID as `identity`, with `device`, `minutes_ago`."""

    def log_in(identity: Identity, device: object, *, minutes_ago: int = 0) -> Client:
        return log_in_with_mitid(client, identity, device, minutes_ago=minutes_ago)

    return log_in
