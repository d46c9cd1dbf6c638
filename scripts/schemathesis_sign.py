"""schemathesis hooks for `make test-api-schema`: each request to a signed App API operation is
signed as the app signs it, with the device key that api_schema_check.sh registered, so the
signed operations are tested past their signature check (scan, approve, reject, pending)."""

import os
from typing import Any

import django
import requests
import schemathesis
from cryptography.hazmat.primitives import serialization

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mitid_portal.settings.base")
django.setup()

from app_api.auth import authorization_header  # noqa: E402  (after Django is set up)

KEY_ID = os.environ["API_SCHEMA_KEY_ID"]
with open(os.environ["API_SCHEMA_KEY_FILE"], "rb") as pem:
    PRIVATE_KEY = serialization.load_pem_private_key(pem.read(), password=None)


class DeviceSignature(requests.auth.AuthBase):
    """Signs the request as sent: method, path with query, and the body's exact bytes."""

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        body = request.body or b""
        if isinstance(body, str):
            body = body.encode()
        assert isinstance(body, bytes), "schemathesis sends a body it has built in full"
        request.headers["Authorization"] = authorization_header(
            key_id=KEY_ID,
            private_key=PRIVATE_KEY,  # type: ignore[arg-type]
            method=request.method or "GET",
            path=request.path_url,
            body=body,
        )
        return request


@schemathesis.hook
def before_call(context: Any, case: Any, kwargs: dict[str, Any]) -> None:
    # Where schemathesis sends a header for the security scheme, the real signature takes its
    # place; where it leaves the header out on purpose (the missing-header checks), so do we.
    if case.operation.definition.raw.get("security") and "Authorization" in (case.headers or {}):
        kwargs["auth"] = DeviceSignature()
