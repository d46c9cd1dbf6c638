import base64

from cryptography.hazmat.primitives.asymmetric import ec

from authenticators import app_keys


def test_a_signature_verifies_under_its_key_only() -> None:
    key, other = app_keys.new_private_key(), app_keys.new_private_key()
    public = app_keys.public_key_to_b64(key.public_key())
    signature = app_keys.sign(key, b"Log on to MitID.dk")
    assert app_keys.verify_signature(public, b"Log on to MitID.dk", signature)
    assert not app_keys.verify_signature(public, b"Log on to MitID.dk!", signature)
    assert not app_keys.verify_signature(
        public, b"Log on to MitID.dk", app_keys.sign(other, b"Log on to MitID.dk")
    )


def test_malformed_keys_and_signatures_are_refused_not_raised() -> None:
    key = app_keys.new_private_key()
    public = app_keys.public_key_to_b64(key.public_key())
    assert not app_keys.verify_signature("not base64!", b"x", app_keys.sign(key, b"x"))
    assert not app_keys.verify_signature(public, b"x", "AAAA")
    assert not app_keys.verify_signature(public, b"x", "%%%")


def test_only_p256_keys_are_accepted() -> None:
    p384 = ec.generate_private_key(ec.SECP384R1()).public_key()
    text = app_keys.public_key_to_b64(p384)  # type: ignore[arg-type]
    try:
        app_keys.public_key_from_b64(text)
    except app_keys.InvalidKey:
        pass
    else:
        raise AssertionError("a P-384 key was accepted")
    assert base64.b64decode(text)
