"""The App API as the tests call it: every request and response checked against the document."""

import json
from typing import Any

import pytest
from django.test import Client
from openapi_core import OpenAPI
from openapi_core.contrib.django import DjangoOpenAPIRequest, DjangoOpenAPIResponse

from app_api import auth as api_auth
from authenticators.models import AppDevice

API = "/api/app/v1"


class ApiRequest(DjangoOpenAPIRequest):
    """Path parameters as the URL spells them (Django's uuid converter hands back UUIDs)."""

    def __init__(self, request: Any) -> None:
        super().__init__(request)
        self.parameters.path = {name: str(value) for name, value in self.parameters.path.items()}


class AppApi:
    """Calls the App API and validates what comes back against its own OpenAPI document."""

    def __init__(self, client: Client) -> None:
        self.client = client
        self.document = client.get(f"{API}/openapi.json").json()
        self.openapi = OpenAPI.from_dict(self.document)

    def call(
        self,
        method: str,
        path: str,
        body: Any = None,
        *,
        content_type: str = "application/json",
        signer: AppDevice | None = None,
        headers: dict[str, str] | None = None,
        valid_request: bool = True,
    ) -> Any:
        """`valid_request=False` for requests a test breaks on purpose; the answer is checked."""
        data = b"" if body is None else body if isinstance(body, str) else json.dumps(body)
        raw = data.encode() if isinstance(data, str) else data
        headers = dict(headers or {})
        if signer is not None:
            headers["Authorization"] = api_auth.authorization_header(
                key_id=str(signer.key_id),
                private_key=signer.private_key,
                method=method,
                path=f"{API}{path}",
                body=raw,
            )
        response = self.client.generic(
            method, f"{API}{path}", raw, content_type=content_type, headers=headers
        )
        request = ApiRequest(response.wsgi_request)
        self.openapi.validate_response(request, DjangoOpenAPIResponse(response))
        if valid_request:
            self.openapi.validate_request(request)
        return response


@pytest.fixture
def app_api(client: Client) -> AppApi:
    return AppApi(client)
