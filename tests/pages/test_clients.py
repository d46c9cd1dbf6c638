"""Which client sent a request: X-Forwarded-For only from trusted proxies, read from the right."""

from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import RequestFactory

from pages.clients import client_address

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
