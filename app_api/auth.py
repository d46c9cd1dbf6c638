"""How the app proves itself on every request after activation: a signature by its key.

    Authorization: MitID-Signature key-id=<uuid>, created=<unix seconds>, nonce=<random>,
                   signature=<base64 DER ECDSA P-256 over the signing string>

The signing string is the method, the path with its query, `created`, the nonce and the SHA-256
of the body, one per line. A request is good for a short while and only once: the nonce is
remembered in the cache (Redis when `REDIS_URL` is set, so every server process sees it). A
cache that forgets (a Redis restarted without its append-only file, a process's own memory when
there is no Redis) cannot tell a replay of what it held from a new request: it keeps the second
from which it remembers, and a request signed before that is refused as stale.
"""

import hashlib
import time
import uuid

from cryptography.hazmat.primitives.asymmetric import ec
from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

from authenticators import app_keys
from authenticators.models import AppDevice, AuthenticatorStatus
from authenticators.queries import OneByKey
from authenticators.services import Refused
from pages import attempts
from pages.clients import client_address

SCHEME = "MitID-Signature"


# Every signed request reads its app by the key ID: the SQL is compiled once a connection.
# The row alone: what the request is about (a login, an activation) brings its own person.
_device_by_key = OneByKey(
    AppDevice,
    lambda key_id: AppDevice.objects.filter(key_id=key_id),
    keys=(AppDevice._meta.get_field("key_id"),),
)


# The second from which the cache holds every nonce it was given. Kept without expiry beside
# the nonces, so it goes when they go; the first signed request after that sets it anew.
NONCES_SINCE_KEY = "app-nonces-since"
# How far before its own arrival that first request sets it: a request is signed a moment
# before it arrives, often in the second before, and a phone's first request after the cache
# forgot must not be refused for that (a browser test was, now and then). A request captured
# in that second before a restart, and sent again within it after, is the window left.
NONCES_SINCE_LEEWAY_SECONDS = 1


def nonces_remembered_since() -> int:
    """The second from which every nonce is remembered: set by the first request that finds it
    missing, to a second before that request's (`get_or_set` keeps the first writer's)."""
    since = cache.get_or_set(
        NONCES_SINCE_KEY,
        lambda: int(time.time()) - NONCES_SINCE_LEEWAY_SECONDS,
        timeout=None,
    )
    assert since is not None  # the default is never None
    return int(since)


class Unauthenticated(Refused):
    pass


class DeviceNotActive(Unauthenticated):
    """The request is authentic, but its app is blocked or revoked: it may do nothing."""

    def __init__(self, device: AppDevice) -> None:
        super().__init__("device_not_active")
        self.device = device


def signing_string(method: str, path: str, created: str, nonce: str, body: bytes) -> bytes:
    digest = hashlib.sha256(body).hexdigest()
    return "\n".join([method.upper(), path, created, nonce, digest]).encode()


def parse_header(header: str) -> dict[str, str]:
    scheme, _space, rest = header.partition(" ")
    if scheme != SCHEME:
        raise Unauthenticated("unauthenticated")
    fields = {}
    for part in rest.split(","):
        name, equals, value = part.strip().partition("=")
        if equals:
            fields[name] = value
    if not {"key-id", "created", "nonce", "signature"} <= fields.keys():
        raise Unauthenticated("unauthenticated")
    return fields


def _failed(client: str, code: str) -> Unauthenticated:
    """A failed request from `client`: counted, and "too many" once the client is locked."""
    if attempts.is_locked("app-signature", client):
        return Unauthenticated("too_many_attempts")
    attempts.count_failure("app-signature", client)
    return Unauthenticated(code)


def authenticate(request: HttpRequest) -> AppDevice:
    """The active app installation that signed this request, or `Unauthenticated`."""
    fields = parse_header(request.headers.get("Authorization", ""))
    try:
        key_id = uuid.UUID(fields["key-id"])
        created = int(fields["created"])
    except ValueError as error:
        raise Unauthenticated("unauthenticated") from error
    # Bad signatures are counted per client, not per key: a key ID alone must not be enough
    # to lock someone's phone out. The client is the one behind the proxy, not the proxy.
    # The lock is read only once a request failed, so a good request costs no look-up; a
    # locked client's requests fail either way, and one sharing its address is not shut out.
    client = client_address(request)
    device = _device_by_key(key_id)
    if device is None:
        raise _failed(client, "unauthenticated")
    message = signing_string(
        request.method or "GET",
        request.get_full_path(),
        fields["created"],
        fields["nonce"],
        request.body,
    )
    if not app_keys.verify_signature(device.public_key, message, fields["signature"]):
        raise _failed(client, "bad_signature")
    if abs(time.time() - created) > settings.APP_REQUEST_MAX_SKEW_SECONDS:
        raise Unauthenticated("stale_request")
    # Signed before the cache began to remember: its nonce may have been seen and forgotten.
    # A phone whose clock runs behind is refused for that much longer after the cache forgot.
    if created < nonces_remembered_since():
        raise Unauthenticated("stale_request")
    # Remembered for longer than a request stays good, so no replay outlives its nonce.
    if not cache.add(
        f"app-nonce:{key_id}:{fields['nonce'][:64]}",
        True,
        timeout=3 * settings.APP_REQUEST_MAX_SKEW_SECONDS,
    ):
        raise Unauthenticated("replayed_request")
    if device.status != AuthenticatorStatus.ACTIVE:
        raise DeviceNotActive(device)
    return device


def authorization_header(
    *,
    key_id: str,
    private_key: ec.EllipticCurvePrivateKey,
    method: str,
    path: str,
    body: bytes,
    created: int | None = None,
    nonce: str | None = None,
) -> str:
    """The app's side: the header for a request (the simulators and tests use it)."""
    created_text = str(int(time.time()) if created is None else created)
    nonce = nonce or uuid.uuid4().hex
    signature = app_keys.sign(private_key, signing_string(method, path, created_text, nonce, body))
    return f"{SCHEME} key-id={key_id}, created={created_text}, nonce={nonce}, signature={signature}"
