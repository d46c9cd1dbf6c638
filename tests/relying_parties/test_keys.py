"""The ID token's signature: the token django-oauth-toolkit would make, and one a party can
check with the provider's published keys alone."""

import json

import pytest
from django.test import Client
from jwcrypto import jwk, jwt
from jwcrypto.common import JWException
from oauth2_provider.models import get_application_model

from authenticators.models import AppDevice
from relying_parties import keys

from .conftest import Party
from .helpers import exchange, log_in_with_app, query_of

CLAIMS = {
    "iss": "https://mitid.example",
    "aud": "client-æøå",
    "sub": "3f1c0f4e-0000-4000-8000-000000000001",
    "exp": 1_800_000_000,
    "nonce": 'n-"1"',
    "amr": ["app"],
}


def test_the_id_token_is_the_one_jwcrypto_would_sign(db: None, party: Party) -> None:
    """RS256 signs deterministically (PKCS #1 v1.5), so the token made without jwcrypto's JWS
    object must be DOT's, byte for byte: its header, its payload, its signature."""
    key = get_application_model()(algorithm="RS256").jwk_key
    made_by_dot = jwt.JWT(
        header=json.dumps({"typ": "JWT", "alg": "RS256", "kid": key.thumbprint()}, default=str),
        claims=json.dumps(CLAIMS, default=str),
    )
    made_by_dot.make_signed_token(key)
    assert keys.signed_id_token(CLAIMS, key) == made_by_dot.serialize()


def test_a_partys_id_token_verifies_with_the_published_keys(
    client: Client, party: Party, jonas_phone: AppDevice
) -> None:
    location = log_in_with_app(client, party, jonas_phone)
    status, tokens = exchange(client, party, query_of(location)["code"])
    assert status == 200
    published = jwk.JWKSet.from_json(Client().get("/oidc/jwks/").content)
    token = jwt.JWT(jwt=tokens["id_token"], key=published, algs=["RS256"])
    header = json.loads(token.header)
    assert header["typ"] == "JWT" and header["alg"] == "RS256"
    assert published.get_key(header["kid"]) is not None
    claims = json.loads(token.claims)
    assert claims["aud"] == party.client_id and claims["nonce"] == "n-1"
    # A byte changed in the claims breaks the signature.
    head, payload, signature = tokens["id_token"].split(".")
    tampered = f"{head}.{payload[:-2]}{'A' if payload[-2] != 'A' else 'B'}{payload[-1]}"
    with pytest.raises(JWException):  # no key of the set verifies it
        jwt.JWT(jwt=f"{tampered}.{signature}", key=published, algs=["RS256"])
