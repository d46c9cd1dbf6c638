"""The App API while Redis (its nonces, its lock-outs) is down: JSON that says to try again
later (503, Retry-After), as documented, and the request is good again once Redis is back."""

import pytest

from tests.factories import AppDeviceFactory

from .conftest import AppApi

pytestmark = pytest.mark.django_db


def test_a_signed_request_is_answered_service_unavailable(
    app_api: AppApi, redis_down: None
) -> None:
    phone = AppDeviceFactory()
    response = app_api.call("GET", "/logins", signer=phone)
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert response.json() == {"error": {"code": "service_unavailable"}}
