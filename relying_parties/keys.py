"""The ID tokens' signing keys: from the environment, or in demo mode one made on first start."""

import json
import os
import secrets
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.conf import settings
from django.http import HttpRequest
from jwcrypto import jwt
from jwcrypto.common import JWException, base64url_encode
from jwcrypto.jwa import JWA
from jwcrypto.jwk import JWK
from oauth2_provider.settings import oauth2_settings


def new_private_key_pem() -> str:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()


def demo_signing_key(path: Path) -> str:
    """The key in `path`, made first if there is none.

    Several worker processes may start at once: each writes its own key to a private temporary
    file and links it into place, which only one can do (link fails on an existing name); all
    then read the one that won.
    """
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as file:
            file.write(new_private_key_pem())
        try:
            os.link(temporary, path)
        except FileExistsError:
            pass  # another process was first: use its key
        finally:
            temporary.unlink()
    return path.read_text()


def use_demo_key_unless_configured() -> None:
    """In demo mode without OIDC_RSA_PRIVATE_KEY, sign with the demo key (never committed)."""
    provider = settings.OAUTH2_PROVIDER
    if provider.get("OIDC_RSA_PRIVATE_KEY") or not settings.DEMO_MODE:
        return
    provider["OIDC_RSA_PRIVATE_KEY"] = demo_signing_key(Path(settings.OIDC_DEMO_KEY_FILE))
    oauth2_settings.reload()


def signed_id_token(claims: dict[str, Any], key: JWK) -> str:
    """An ID token: `claims` signed with RS256 under `key`, in the compact serialization (RFC
    7515 section 7.1), the very token django-oauth-toolkit makes through jwcrypto's JWT (the
    same header, `typ`, `alg` and the key's thumbprint as `kid`; tests compare the two). The
    signature is jwcrypto's own (its JWA); what is spared is its JWS object, which deep-copies
    the registry of every header parameter the specification knows for each token it signs
    (0.6 ms of the token request's 11 under cProfile), and parses the header it was given
    again."""
    header = {"typ": "JWT", "alg": "RS256", "kid": key.thumbprint()}
    signing_input = ".".join(
        base64url_encode(json.dumps(part, default=str)) for part in (header, claims)
    )
    signature = JWA.signing_alg("RS256").sign(key, signing_input.encode())
    return f"{signing_input}.{base64url_encode(signature)}"


def audience_signed_here(token: str, request: HttpRequest) -> str | None:
    """The party (`aud`) of an ID token this provider signed and issued, whatever its age and
    whether its row is still kept; None for anything else."""
    validator = oauth2_settings.OAUTH2_VALIDATOR_CLASS()
    try:
        key = validator._get_key_for_token(token)
        if key is None:
            return None
        claims = json.loads(jwt.JWT(key=key, jwt=token, check_claims={}).claims)
    except (JWException, ValueError, KeyError, TypeError):
        return None
    if not isinstance(claims, dict) or claims.get("iss") != validator.get_oidc_issuer_endpoint(
        request
    ):
        return None
    audience = claims.get("aud")
    return audience if isinstance(audience, str) else None
