"""Karen, with a confirmed mobile and e-mail on her MitID, and a way to log her in."""

from collections.abc import Callable
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from authenticators.models import CodeDevice, Identity
from login import session
from tests.factories import IdentityFactory, RegisteredPersonFactory, active_code_device


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
        user = identity.ensure_user()
        client.force_login(user)
        s = client.session
        s[session.LOGGED_IN_KEY] = {
            "identity": identity.pk,
            "method": "code_device",
            "authenticator": "",
            "level": identity.level,
            "device": device.persistent_id,  # type: ignore[attr-defined]
            "at": (timezone.now() - timedelta(minutes=minutes_ago)).isoformat(),
        }
        s.save()
        return client

    return log_in
