"""Behind the reverse proxy of a real deployment every request comes from the proxy's address:
limits are counted per client (X-Forwarded-For, believed only from TRUSTED_PROXIES), so one
client's forged requests lock out that client, never a second one behind the same proxy."""

import pytest
from django.test import Client

from app_api import auth as api_auth
from authenticators import app_keys
from authenticators.models import AppDevice
from tests.factories import AppDeviceFactory

pytestmark = pytest.mark.django_db

API = "/api/app/v1"
PROXY = "10.0.0.5"


@pytest.fixture
def phone() -> AppDevice:
    return AppDeviceFactory()


def signed(phone: AppDevice, *, key: object) -> dict[str, str]:
    return {
        "HTTP_AUTHORIZATION": api_auth.authorization_header(
            key_id=str(phone.key_id), private_key=key, method="GET", path=f"{API}/logins", body=b""
        )
    }


def via_proxy(client_ip: str) -> Client:
    return Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=client_ip)


def test_a_forged_request_flood_through_the_proxy_does_not_touch_a_second_client(
    phone: AppDevice, settings
) -> None:
    settings.TRUSTED_PROXIES = [PROXY]
    attacker, citizen = via_proxy("203.0.113.66"), via_proxy("198.51.100.20")
    forged = [
        attacker.get(f"{API}/logins", **signed(phone, key=app_keys.new_private_key()))
        for _ in range(6)
    ]
    assert [r.json()["error"]["code"] for r in forged] == ["bad_signature"] * 5 + [
        "too_many_attempts"
    ]
    answer = citizen.get(f"{API}/logins", **signed(phone, key=phone.private_key))
    assert answer.status_code == 200, answer.content


def test_a_forwarded_for_header_from_an_untrusted_peer_is_not_believed(
    phone: AppDevice, settings
) -> None:
    """Without TRUSTED_PROXIES a client cannot pick a fresh address for each forged try."""
    settings.TRUSTED_PROXIES = []
    codes = [
        Client(REMOTE_ADDR="203.0.113.66", HTTP_X_FORWARDED_FOR=f"192.0.2.{n}")
        .get(f"{API}/logins", **signed(phone, key=app_keys.new_private_key()))
        .json()["error"]["code"]
        for n in range(6)
    ]
    assert codes[-1] == "too_many_attempts"


def test_the_public_user_id_check_counts_per_client_behind_the_proxy(settings) -> None:
    settings.TRUSTED_PROXIES = [PROXY]
    settings.USER_ID_CHECKS_PER_WINDOW = 2
    busy, other = via_proxy("203.0.113.66"), via_proxy("198.51.100.20")
    url = "/en/enrollment/check-user-id/"
    assert [busy.post(url, {"user_id": "Some Body"}).status_code for _ in range(3)] == [
        200,
        200,
        429,
    ]
    assert other.post(url, {"user_id": "Some Body"}).status_code == 200
