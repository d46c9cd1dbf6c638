"""The MitID app's keys: ECDSA P-256, public keys as base64 DER, signatures over bytes."""

import base64
import binascii
import functools

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec


class InvalidKey(ValueError):
    pass


def public_key_from_b64(text: str) -> ec.EllipticCurvePublicKey:
    """Parse a base64 DER SubjectPublicKeyInfo; only P-256 keys are accepted."""
    try:
        key = serialization.load_der_public_key(base64.b64decode(text, validate=True))
    except (ValueError, binascii.Error) as error:
        raise InvalidKey("not a DER public key") from error
    if not isinstance(key, ec.EllipticCurvePublicKey) or key.curve.name != "secp256r1":
        raise InvalidKey("not a P-256 key")
    return key


def public_key_to_b64(key: ec.EllipticCurvePublicKey) -> str:
    der = key.public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return base64.b64encode(der).decode()


# A phone signs every request with the same key: parse each key once per process (a key
# object is immutable; a few thousand phones at a time cost well under a megabyte).
_parsed_key = functools.lru_cache(maxsize=4096)(public_key_from_b64)


def verify_signature(public_key_b64: str, message: bytes, signature_b64: str) -> bool:
    """True when `signature_b64` (DER ECDSA, SHA-256) signs `message` under the key."""
    try:
        key = _parsed_key(public_key_b64)
        key.verify(
            base64.b64decode(signature_b64, validate=True), message, ec.ECDSA(hashes.SHA256())
        )
    except (InvalidKey, InvalidSignature, ValueError, binascii.Error):
        return False
    return True


# The app's side: what a phone does with its private key (the simulator and tests use it).


def new_private_key() -> ec.EllipticCurvePrivateKey:
    return ec.generate_private_key(ec.SECP256R1())


def sign(private_key: ec.EllipticCurvePrivateKey, message: bytes) -> str:
    return base64.b64encode(private_key.sign(message, ec.ECDSA(hashes.SHA256()))).decode()
