"""WebAuthn for the MitID chip, on python-fido2: options for the browser, and their answers.

The relying party is the portal's host (`WEBAUTHN_RP_ID`); the key's own PIN or touch ID is
required, so the chip alone is two factors: something you have and something you know.
"""

import json
from collections.abc import Sequence
from functools import cache
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils.crypto import salted_hmac
from fido2.server import Fido2Server
from fido2.utils import websafe_decode, websafe_encode
from fido2.webauthn import (
    AttestedCredentialData,
    AuthenticationResponse,
    PublicKeyCredentialDescriptor,
    PublicKeyCredentialRpEntity,
    PublicKeyCredentialType,
    PublicKeyCredentialUserEntity,
    ResidentKeyRequirement,
    UserVerificationRequirement,
)

Credential = AttestedCredentialData
REQUIRED = UserVerificationRequirement.REQUIRED


class InvalidResponse(ValueError):
    """The browser's answer does not check out."""


@cache
def server(rp_id: str) -> Fido2Server:
    return Fido2Server(PublicKeyCredentialRpEntity(name=settings.WEBAUTHN_RP_NAME, id=rp_id))


def _server() -> Fido2Server:
    return server(settings.WEBAUTHN_RP_ID)


def registration_options(
    *, user_handle: bytes, name: str, existing: list[Credential]
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Options for `navigator.credentials.create`, and the state to keep until the answer."""
    options, state = _server().register_begin(
        PublicKeyCredentialUserEntity(id=user_handle, name=name, display_name=name),
        credentials=existing,
        resident_key_requirement=ResidentKeyRequirement.DISCOURAGED,
        user_verification=REQUIRED,
    )
    return dict(options), dict(state)


def complete_registration(state: dict[str, Any], response: str) -> Credential:
    try:
        auth_data = _server().register_complete(state, json.loads(response))
    except (ValueError, KeyError, TypeError) as error:
        raise InvalidResponse(str(error)) from error
    if auth_data.credential_data is None:
        raise InvalidResponse("no credential")
    return auth_data.credential_data


def assertion_options(
    credentials: Sequence[Credential | PublicKeyCredentialDescriptor],
) -> tuple[dict[str, Any], dict[str, Any]]:
    options, state = _server().authenticate_begin(credentials, user_verification=REQUIRED)
    return dict(options), dict(state)


def decoy_credential(seed: str) -> PublicKeyCredentialDescriptor:
    """A credential ID no key holds, derived from `seed` with the secret key: the stand-in for
    the chips of someone who has none, so that options do not tell it. The same on every ask,
    as a real one is: a random one would give itself away between two asks."""
    return PublicKeyCredentialDescriptor(
        type=PublicKeyCredentialType.PUBLIC_KEY,
        id=salted_hmac(
            "authenticators.webauthn.decoy_credential", seed, algorithm="sha256"
        ).digest(),
    )


def verify_assertion(challenge: str, credential: Credential, response: str) -> int | None:
    """The authenticator's signature counter if `response` is good, else None."""
    state = {"challenge": challenge, "user_verification": REQUIRED}
    try:
        answer = AuthenticationResponse.from_dict(json.loads(response))
        _server().authenticate_complete(state, [credential], answer)
    except (ValueError, KeyError, TypeError):
        return None
    return int(answer.response.authenticator_data.counter)


# What static/portal/webauthn.js sends when the browser refused to ask the key: the error's
# name. "InvalidStateError" from `create` means the key holds one of `excludeCredentials`.
ALREADY_ON_THE_KEY = "InvalidStateError"


def browser_refusal(response: str) -> str:
    """The name of the error the browser gave instead of an answer, or "" for an answer."""
    try:
        answer = json.loads(response)
    except ValueError:
        return ""
    error = answer.get("error") if isinstance(answer, dict) else None
    return error if isinstance(error, str) else ""


def credential_to_text(credential: Credential) -> str:
    return websafe_encode(bytes(credential))


def credential_from_text(text: str) -> Credential:
    return AttestedCredentialData(websafe_decode(text))


def credential_id_text(credential: Credential) -> str:
    return websafe_encode(credential.credential_id)


def credential_id_of_response(response: str) -> str:
    """The credential the browser says answered, as stored (websafe base64), or ""."""
    try:
        raw_id = json.loads(response).get("rawId") or ""
        return websafe_encode(websafe_decode(str(raw_id)))
    except (ValueError, AttributeError, TypeError):
        return ""


def serves(host: str) -> bool:
    """Whether a browser on `host` may use the portal's chips (the RP ID must match)."""
    name = host.rsplit(":", 1)[0] if not host.endswith("]") else host
    rp_id = settings.WEBAUTHN_RP_ID
    return name == rp_id or name.endswith("." + rp_id)


def wrong_host(request: HttpRequest) -> dict[str, str]:
    """A chip answers only for the portal's own host name: say so instead of failing."""
    if serves(request.get_host()):
        return {}
    return {"chip_host": settings.WEBAUTHN_RP_ID}
