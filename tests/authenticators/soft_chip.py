"""A software FIDO2 security key: what a MitID chip and the browser together answer.

It makes the same WebAuthn JSON a browser's `credential.toJSON()` gives, signed with its own
P-256 key, so the tests can drive registration and login without a browser.
"""

import hashlib
import json
import os
from typing import Any

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from fido2.cose import ES256
from fido2.utils import websafe_decode, websafe_encode
from fido2.webauthn import (
    Aaguid,
    AttestationObject,
    AttestedCredentialData,
    AuthenticatorData,
    CollectedClientData,
)

FLAGS = AuthenticatorData.FLAG


class SoftChip:
    def __init__(self, *, rp_id: str = "localhost", origin: str = "http://localhost:8000") -> None:
        self.rp_id = rp_id
        self.origin = origin
        self.key = ec.generate_private_key(ec.SECP256R1())
        self.credential_id = os.urandom(32)
        self.counter = 0
        self.user_verified = True

    @property
    def flags(self) -> AuthenticatorData.FLAG:
        return FLAGS.UP | FLAGS.UV if self.user_verified else FLAGS.UP

    def _client_data(self, kind: str, options: dict[str, Any]) -> CollectedClientData:
        challenge = websafe_decode(options["publicKey"]["challenge"])
        return CollectedClientData.create(type=kind, challenge=challenge, origin=self.origin)

    def register(self, options: dict[str, Any]) -> str:
        client_data = self._client_data("webauthn.create", options)
        credential = AttestedCredentialData.create(
            Aaguid.NONE, self.credential_id, ES256.from_cryptography_key(self.key.public_key())
        )
        auth_data = AuthenticatorData.create(
            hashlib.sha256(self.rp_id.encode()).digest(), self.flags | FLAGS.AT, 0, credential
        )
        attestation = AttestationObject.create("none", auth_data, {})
        return self._answer(
            clientDataJSON=websafe_encode(bytes(client_data)),
            attestationObject=websafe_encode(bytes(attestation)),
        )

    def sign_in(self, options: dict[str, Any]) -> str:
        """Answer `navigator.credentials.get`: the counter goes up on every use."""
        self.counter += 1
        client_data = self._client_data("webauthn.get", options)
        auth_data = AuthenticatorData.create(
            hashlib.sha256(self.rp_id.encode()).digest(), self.flags, self.counter
        )
        signature = self.key.sign(bytes(auth_data) + client_data.hash, ec.ECDSA(hashes.SHA256()))
        return self._answer(
            clientDataJSON=websafe_encode(bytes(client_data)),
            authenticatorData=websafe_encode(bytes(auth_data)),
            signature=websafe_encode(signature),
        )

    def _answer(self, **response: str) -> str:
        credential_id = websafe_encode(self.credential_id)
        return json.dumps(
            {
                "id": credential_id,
                "rawId": credential_id,
                "type": "public-key",
                "response": response,
                "clientExtensionResults": {},
            }
        )
