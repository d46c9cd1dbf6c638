"""The one answer to "which client sent this request?", for every per-client limit and log.

`REMOTE_ADDR` is the peer that opened the connection. Behind a reverse proxy that is the
proxy, and the client is in `X-Forwarded-For`, a header anyone can write. So the header is
believed only when the peer is one of `settings.TRUSTED_PROXIES`, and then only as far as
trusted proxies wrote it: read from the right (each proxy appends the address it saw), the
first address that is not a trusted proxy is the client. Everything left of it may be forged.
"""

import ipaddress
from collections.abc import Callable
from functools import lru_cache
from itertools import count

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest, HttpResponseBase
from ipware import get_client_ip

Network = ipaddress.IPv4Network | ipaddress.IPv6Network

FORWARDED_FOR = ("HTTP_X_FORWARDED_FOR",)


def client_address(request: HttpRequest) -> str:
    """The client's IP address as text ("" when the server gave none)."""
    peer = request.META.get("REMOTE_ADDR", "") or ""
    if not _is_trusted(peer):
        return peer
    client = peer
    # django-ipware parses the header (ports, IPv6 brackets, RFC 7239 forms, junk entries);
    # `proxy_count=hops` asks for the address `hops` places from its right end.
    for hops in count():
        address, _routable = get_client_ip(
            request,
            proxy_order="left-most",
            proxy_count=hops,
            request_header_order=FORWARDED_FOR,
            strict=False,
        )
        if address is None:
            break  # the header ran out: every hop in it was a trusted proxy
        client = address
        if not _is_trusted(address):
            break
    return client


class ForwardedSchemeMiddleware:
    """Whether the request came over HTTPS is believed from the proxy's header (production's
    `SECURE_PROXY_SSL_HEADER`, `X-Forwarded-Proto`) only when a trusted proxy sent the
    request: Django reads that header from whoever connected, so a client reaching the server
    directly could call its plain HTTP request secure (no redirect to HTTPS, `is_secure()`
    true). First in the list, before Django's SecurityMiddleware asks. gunicorn believes such
    headers itself from `--forwarded-allow-ips`, which the Procfile leaves empty: the one list
    of trusted proxies is `TRUSTED_PROXIES`."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        header = settings.SECURE_PROXY_SSL_HEADER
        meta = request.META
        if header and header[0] in meta and not _is_trusted(meta.get("REMOTE_ADDR", "") or ""):
            del meta[header[0]]
        return self.get_response(request)


def _is_trusted(address: str) -> bool:
    networks = _trusted_networks(tuple(settings.TRUSTED_PROXIES))
    if not networks or not address:
        return False
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return any(ip.version == network.version and ip in network for network in networks)


@lru_cache(maxsize=8)
def _trusted_networks(entries: tuple[str, ...]) -> tuple[Network, ...]:
    """TRUSTED_PROXIES as networks: each entry an address ("10.0.0.7") or a CIDR block."""
    try:
        return tuple(ipaddress.ip_network(entry, strict=False) for entry in entries)
    except ValueError as error:
        raise ImproperlyConfigured(
            f"TRUSTED_PROXIES holds something that is not an IP address or network: {error}"
        ) from error
