"""The code-device login: one connection that fails too often waits, before any password is
hashed; another connection, even behind the same proxy, logs in as usual."""

import pytest
from django.test import Client

from authenticators.models import CodeDevice
from tests.factories import IdentityFactory, active_code_device
from tests.nemid.test_who_exists import CountingHasher

pytestmark = pytest.mark.django_db
PROXY = "10.0.0.5"


@pytest.fixture
def karens_device() -> CodeDevice:
    return active_code_device(IdentityFactory(user_id="Karen K"))


def at_code_device_page(client: Client, user_id: str) -> Client:
    assert client.post("/en/login/", {"user_id": user_id}).status_code == 200
    return client


def test_a_flood_from_one_client_stops_before_any_hash_and_spares_the_next(
    karens_device: CodeDevice, settings
) -> None:
    settings.TRUSTED_PROXIES = [PROXY]
    settings.CLIENT_FAILURES_PER_WINDOW = 4
    settings.PASSWORD_HASHERS = ["tests.nemid.test_who_exists.CountingHasher"]
    for n in range(4):  # different user-IDs, so no one account's lock is what stops it
        flood = Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="203.0.113.66")
        at_code_device_page(flood, f"guess-{n}")
        flood.post("/en/login/code-device/", {"password": "guess 123", "code": "123456"})
    CountingHasher.uses = 0
    page = flood.post(
        "/en/login/code-device/", {"password": "guess 123", "code": "123456"}, follow=True
    ).content.decode()
    assert "Too many failed logins from your connection." in page
    assert CountingHasher.uses == 0

    karen = at_code_device_page(
        Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="198.51.100.20"), "Karen K"
    )
    response = karen.post(
        "/en/login/code-device/",
        {"password": "Karens kodeord 7", "code": karens_device.token.current_code()},
    )
    assert response.status_code == 302
