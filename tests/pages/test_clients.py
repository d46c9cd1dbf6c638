"""Which client sent a request: X-Forwarded-For only from trusted proxies, read from the right."""

from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpResponse
from django.test import RequestFactory

from pages.clients import ForwardedSchemeMiddleware, client_address

PROXY = "10.0.0.2"


def request(peer: str, forwarded_for: str | None = None) -> Any:
    headers = {} if forwarded_for is None else {"X-Forwarded-For": forwarded_for}
    return RequestFactory().get("/", REMOTE_ADDR=peer, headers=headers)


def test_without_trusted_proxies_the_peer_is_the_client(settings: Any) -> None:
    settings.TRUSTED_PROXIES = []
    assert client_address(request("203.0.113.7")) == "203.0.113.7"
    assert client_address(request("203.0.113.7", "198.51.100.1")) == "203.0.113.7"


def test_behind_a_trusted_proxy_the_client_is_the_address_it_saw(settings: Any) -> None:
    settings.TRUSTED_PROXIES = [PROXY]
    assert client_address(request(PROXY, "198.51.100.1")) == "198.51.100.1"


def test_a_forged_header_from_an_untrusted_peer_is_ignored(settings: Any) -> None:
    settings.TRUSTED_PROXIES = [PROXY]
    # A client talking to the server directly says it is someone else: it stays itself.
    assert client_address(request("203.0.113.7", "198.51.100.1")) == "203.0.113.7"
    assert client_address(request("203.0.113.7", f"198.51.100.1, {PROXY}")) == "203.0.113.7"


def test_what_the_client_wrote_left_of_the_proxys_entry_is_not_believed(settings: Any) -> None:
    settings.TRUSTED_PROXIES = [PROXY]
    # The client sent "X-Forwarded-For: 192.0.2.99"; the proxy appended the real address.
    assert client_address(request(PROXY, "192.0.2.99, 198.51.100.1")) == "198.51.100.1"


def test_several_trusted_hops_are_walked_back_to_the_client(settings: Any) -> None:
    # A load balancer (a CIDR block) in front of the proxy the portal sees.
    settings.TRUSTED_PROXIES = [PROXY, "172.16.0.0/12"]
    chain = "192.0.2.99, 198.51.100.1, 172.16.4.5"
    assert client_address(request(PROXY, chain)) == "198.51.100.1"


def test_an_untrusted_hop_in_the_chain_is_the_client(settings: Any) -> None:
    settings.TRUSTED_PROXIES = [PROXY]
    # 172.16.4.5 is not ours: anything it wrote (198.51.100.1) may be invented.
    assert client_address(request(PROXY, "198.51.100.1, 172.16.4.5")) == "172.16.4.5"


def test_a_chain_of_trusted_proxies_only_gives_its_first_hop(settings: Any) -> None:
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    assert client_address(request(PROXY, "10.1.1.1, 10.2.2.2")) == "10.1.1.1"


def test_a_trusted_proxy_without_the_header_is_itself_the_client(settings: Any) -> None:
    settings.TRUSTED_PROXIES = [PROXY]
    assert client_address(request(PROXY)) == PROXY
    assert client_address(request(PROXY, "not-an-address")) == PROXY


def test_ipv6_and_ports_in_the_header(settings: Any) -> None:
    settings.TRUSTED_PROXIES = ["::1", "127.0.0.1"]
    assert client_address(request("::1", "[2001:db8::7]:4711")) == "2001:db8::7"
    assert client_address(request("127.0.0.1", "198.51.100.1:5555")) == "198.51.100.1"


def test_a_misconfigured_proxy_list_fails_loudly(settings: Any) -> None:
    settings.TRUSTED_PROXIES = ["10.0.0.0/8", "proxy.example"]
    with pytest.raises(ImproperlyConfigured):
        client_address(request(PROXY, "198.51.100.1"))


def _is_secure_after_the_middleware(peer: str, settings: Any) -> bool:
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    request = RequestFactory().get("/", REMOTE_ADDR=peer, HTTP_X_FORWARDED_PROTO="https")
    seen: list[bool] = []

    def view(request: Any) -> HttpResponse:
        seen.append(request.is_secure())
        return HttpResponse()

    ForwardedSchemeMiddleware(view)(request)
    return seen[0]


def test_a_client_that_says_https_is_not_believed_without_a_trusted_proxy(settings: Any) -> None:
    settings.TRUSTED_PROXIES = []
    assert not _is_secure_after_the_middleware("203.0.113.9", settings)
    settings.TRUSTED_PROXIES = ["10.0.0.7"]
    assert not _is_secure_after_the_middleware("203.0.113.9", settings)


def test_a_trusted_proxy_that_says_https_is_believed(settings: Any) -> None:
    settings.TRUSTED_PROXIES = ["10.0.0.0/24"]
    assert _is_secure_after_the_middleware("10.0.0.7", settings)


@pytest.mark.django_db
def test_production_sends_a_plain_request_to_https_whatever_the_client_says(
    settings: Any, client: Any
) -> None:
    """As a probe found under production settings with TRUSTED_PROXIES=none: a client's own
    `X-Forwarded-Proto: https` skipped the redirect to HTTPS."""
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.SECURE_SSL_REDIRECT = True
    settings.TRUSTED_PROXIES = []
    response = client.get("/en/", headers={"X-Forwarded-Proto": "https"})
    assert response.status_code == 301 and response["Location"] == "https://testserver/en/"
    settings.TRUSTED_PROXIES = ["127.0.0.1"]  # the test client's peer, now a trusted proxy
    assert client.get("/en/", headers={"X-Forwarded-Proto": "https"}).status_code == 200
