"""The server's applications send the App API's paths, and those of the OpenID Connect
endpoints a party's server calls, through their own, shorter middleware list
(mitid_portal.handlers), and everything else through the pages' list."""

import json
from typing import Any

import pytest
from asgiref.sync import async_to_sync
from channels.testing import HttpCommunicator
from django.test import RequestFactory
from django.urls import resolve
from django.utils import translation

from mitid_portal.asgi import django_asgi_app
from mitid_portal.handlers import is_machine
from mitid_portal.wsgi import application as wsgi_application
from relying_parties.endpoints import SERVER_PATHS

pytestmark = pytest.mark.django_db


def served(
    path: str, data: dict[str, str] | None = None, **environ: Any
) -> tuple[str, dict[str, str], bytes]:
    """A GET, or a POST of `data`, through the WSGI application itself: status, headers,
    body."""
    answer: dict[str, Any] = {}

    def start_response(status: str, headers: list[tuple[str, str]], *args: Any) -> None:
        answer["status"], answer["headers"] = status, dict(headers)

    factory = RequestFactory()
    request = factory.get(path, **environ) if data is None else factory.post(path, data, **environ)
    body = b"".join(wsgi_application(request.environ, start_response))
    return answer["status"], answer["headers"], body


def test_the_app_api_answers_without_what_only_pages_need() -> None:
    status, headers, body = served("/api/app/v1/openapi.json")
    assert status.startswith("200")
    assert body.startswith(b"{")
    # No session, language or CSRF cookie: nothing set, nothing to vary on.
    assert "Set-Cookie" not in headers and "Content-Language" not in headers
    assert "Vary" not in headers
    # What every response keeps: its id, the security headers, its length.
    for kept in ("X-Request-ID", "Content-Security-Policy", "Permissions-Policy"):
        assert kept in headers
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert int(headers["Content-Length"]) == len(body)


def test_pages_keep_every_middleware() -> None:
    status, headers, _body = served("/en/login/")
    assert status.startswith("200")
    assert headers["Content-Language"] == "en"
    assert "csrftoken" in headers.get("Set-Cookie", "")


def test_the_app_api_checks_the_host_as_pages_do_and_answers_in_json() -> None:
    status, _headers, body = served("/api/app/v1/openapi.json", HTTP_HOST="evil.example")
    assert status.startswith("400")
    assert json.loads(body) == {"error": {"code": "bad_request"}}


def test_the_app_api_runs_in_the_default_language_whatever_a_page_left_active() -> None:
    served("/kl/login/")
    translation.activate("kl")  # as the worker's thread is after a page in Greenlandic
    served("/api/app/v1/openapi.json")
    assert translation.get_language() == "da"


@pytest.mark.parametrize(
    "path",
    [
        "/api/app/v1/logins/scan",
        "/api/app/v1/../../da/selfservice/",
        "/api/app/v1//admin/",
        "/api/app/v1/da/login/app/",
        "/api/app/v1/\n/en/",
    ],
)
def test_every_path_under_the_prefix_is_the_app_apis(path: str) -> None:
    """Why skipping the pages' middleware there is sound: no page is reachable under it."""
    assert resolve(path).namespace == "app_api"


@pytest.mark.django_db(transaction=True)  # the page's session is saved in another thread
def test_the_asgi_application_dispatches_as_the_wsgi_one_does() -> None:
    for path, language in (
        ("/api/app/v1/openapi.json", None),
        ("/oidc/jwks/", None),
        ("/en/login/", b"en"),
    ):
        communicator = HttpCommunicator(
            django_asgi_app, "GET", path, headers=[(b"host", b"testserver")]
        )
        response = async_to_sync(communicator.get_response)()
        headers = dict(response["headers"])
        assert response["status"] == 200, path
        assert headers.get(b"Content-Language") == language, path


@pytest.mark.parametrize(
    ("path", "data"),
    [
        ("/.well-known/openid-configuration", None),
        ("/oidc/jwks/", None),
        ("/oidc/userinfo/", None),
        ("/oidc/token/", {"grant_type": "authorization_code", "client_id": "nobody"}),
        ("/oidc/revoke/", {"token": "x", "client_id": "nobody"}),
    ],
)
def test_a_partys_server_is_answered_without_what_only_pages_need(
    path: str, data: dict[str, str] | None
) -> None:
    status, headers, body = served(path, data)
    assert body.startswith(b"{") or not body, (path, status)
    assert "Set-Cookie" not in headers and "Content-Language" not in headers
    assert "Cookie" not in headers.get("Vary", "")
    for kept in ("X-Request-ID", "Content-Security-Policy", "X-Content-Type-Options"):
        assert kept in headers


def test_the_pages_of_a_partys_login_keep_every_middleware() -> None:
    """The authorization request and the logout are the citizen's browser's: pages."""
    for path in ("/oidc/authorize/?client_id=nobody", "/oidc/logout/"):
        _status, headers, _body = served(path)
        assert "Content-Language" in headers, path


def test_every_server_path_is_its_endpoint_and_nothing_beside_it_is() -> None:
    """Why skipping the pages' middleware there is sound: each path is its endpoint's view, and
    a path that only begins like one goes through the pages' middleware."""
    names = {resolve(path).url_name for path in SERVER_PATHS}
    assert names == {
        "oidc-connect-discovery-info",
        "token",
        "user-info",
        "jwks-info",
        "revoke-token",
    }
    assert {resolve(path).namespace for path in SERVER_PATHS} == {"oauth2_provider"}
    for beside in ("/oidc/token/x", "/oidc/token", "/oidc/authorize/", "/.well-known/x"):
        assert not is_machine(beside), beside
