"""Demo passports: a demo country signing CA (CSCA) per country, a document signer, and
passports as files that the app simulators read, signed as a real chip's are.

The CSCAs' private keys are made here, on the machine that runs `seed_demo`, and kept under
`PASSPORT_DEMO_DIR` (never in the repository); their certificates go to `PASSPORT_CSCA_DIR`,
which the chip check trusts.
"""

import base64
import datetime
import io
import json
import os
import random
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from asn1crypto import cms
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from django.conf import settings
from mrz.generator.td3 import TD3CodeGenerator
from PIL import Image, ImageDraw

from . import lds

FACE_SIZE = 64


@dataclass(frozen=True)
class Holder:
    """A passport's holder as printed in it."""

    surname: str
    given_names: str
    document_number: str
    nationality: str
    birth_date: datetime.date
    sex: str
    expiry_date: datetime.date
    issuing_state: str = "DNK"


@dataclass(frozen=True)
class Signer:
    """A document signer: its key and certificate, and the CSCA certificate above it."""

    key: ec.EllipticCurvePrivateKey
    certificate: x509.Certificate
    csca: x509.Certificate


# Faces -------------------------------------------------------------------------------------


def face_picture(seed: str, *, noise: int = 0, shot: int = 0) -> bytes:
    """A face as a PNG: the same `seed` gives the same face; `noise` and `shot` make another
    picture of it (a camera's picture in other light), as the face matcher would see it."""
    rng = random.Random(seed)  # noqa: S311 - a drawing, not a secret
    image = Image.new("L", (FACE_SIZE, FACE_SIZE), color=rng.randint(150, 230))
    draw = ImageDraw.Draw(image)
    for _ in range(14):
        x, y = rng.randint(-10, FACE_SIZE), rng.randint(-10, FACE_SIZE)
        w, h = rng.randint(8, 30), rng.randint(8, 30)
        draw.ellipse((x, y, x + w, y + h), fill=rng.randint(0, 255))
    if noise:
        camera = random.Random(f"{seed}:{shot}")  # noqa: S311
        pixels = bytes(
            max(0, min(255, value + camera.randint(-noise, noise) + 6)) for value in image.tobytes()
        )
        image = Image.frombytes("L", image.size, pixels)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


# Keys and certificates -----------------------------------------------------------------------


# ICAO's three letters, and the two of a certificate's country name.
ALPHA2 = {"DNK": "DK", "UTO": "UT"}


def _name(country: str, common_name: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, ALPHA2.get(country, country[:2])),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "MitID demo"),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )


def _pem_key(key: ec.EllipticCurvePrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


def _write_private(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "wb") as file:
        file.write(data)


def make_csca(
    country: str, common_name: str
) -> tuple[ec.EllipticCurvePrivateKey, x509.Certificate]:
    """A country signing CA: a self-signed CA certificate, valid 15 years."""
    key = ec.generate_private_key(ec.SECP256R1())
    now = datetime.datetime.now(datetime.UTC)
    name = _name(country, common_name)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=15 * 366))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=False,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .sign(key, hashes.SHA256())
    )
    return key, certificate


def make_document_signer(
    csca_key: ec.EllipticCurvePrivateKey, csca: x509.Certificate, country: str
) -> Signer:
    """A document signer certificate issued by the CSCA, valid for the passports it signs."""
    key = ec.generate_private_key(ec.SECP256R1())
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(_name(country, f"Document signer {country}"))
        .issuer_name(csca.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=11 * 366))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .sign(csca_key, hashes.SHA256())
    )
    return Signer(key=key, certificate=certificate, csca=csca)


def demo_signer(
    country: str, *, csca_dir: Path | None = None, key_dir: Path | None = None
) -> Signer:
    """The demo CSCA of `country` (made on first use, then reused) and a new document signer.

    The CSCA's certificate is written where the chip check looks for trusted ones.
    """
    csca_dir = Path(csca_dir or settings.PASSPORT_CSCA_DIR)
    key_dir = Path(key_dir or settings.PASSPORT_DEMO_DIR) / "keys"
    key_path = key_dir / f"csca-{country.lower()}.key"
    cert_path = csca_dir / f"demo-{country.lower()}.pem"
    if key_path.exists() and cert_path.exists():
        key = serialization.load_pem_private_key(key_path.read_bytes(), password=None)
        assert isinstance(key, ec.EllipticCurvePrivateKey)
        csca = x509.load_pem_x509_certificate(cert_path.read_bytes())
    else:
        key, csca = make_csca(country, f"Demo CSCA {country}")
        _write_private(key_path, _pem_key(key))
        csca_dir.mkdir(parents=True, exist_ok=True)
        cert_path.write_bytes(csca.public_bytes(serialization.Encoding.PEM))
    return make_document_signer(key, csca, country)


def forged_signer(country: str) -> Signer:
    """A document signer under a CSCA nobody trusts: what a forger can make."""
    key, csca = make_csca(country, f"Demo CSCA {country}")  # the same name, another key
    return make_document_signer(key, csca, country)


# Passports ---------------------------------------------------------------------------------


def mrz_text(holder: Holder) -> str:
    code = TD3CodeGenerator(
        "P",
        holder.issuing_state,
        holder.surname,
        holder.given_names,
        holder.document_number,
        holder.nationality,
        holder.birth_date.strftime("%y%m%d"),
        holder.sex,
        holder.expiry_date.strftime("%y%m%d"),
        force=True,
    )
    return str(code)


def sign_sod(signer: Signer, data_groups: dict[int, bytes]) -> bytes:
    """EF.SOD: CMS SignedData over the LDS security object, by the document signer."""
    content = lds.security_object(data_groups)
    attributes = lds.signed_attributes(content)
    signature = signer.key.sign(lds.set_of(attributes), ec.ECDSA(hashes.SHA256()))
    ds_cert = asn1_x509.Certificate.load(
        signer.certificate.public_bytes(serialization.Encoding.DER)
    )
    signed_data = cms.SignedData(
        {
            "version": "v3",
            "digest_algorithms": [{"algorithm": "sha256"}],
            "encap_content_info": {
                "content_type": lds.LDS_SECURITY_OBJECT_OID,
                "content": content,
            },
            "certificates": [ds_cert],
            "signer_infos": [
                {
                    "version": "v1",
                    "sid": cms.SignerIdentifier(
                        name="issuer_and_serial_number",
                        value={
                            "issuer": ds_cert.issuer,
                            "serial_number": ds_cert.serial_number,
                        },
                    ),
                    "digest_algorithm": {"algorithm": "sha256"},
                    "signed_attrs": attributes,
                    "signature_algorithm": {"algorithm": "sha256_ecdsa"},
                    "signature": signature,
                }
            ],
        }
    )
    info = cms.ContentInfo({"content_type": "signed_data", "content": signed_data})
    return lds.tlv(lds.SOD_TAG, info.dump())


def issue_passport(holder: Holder, signer: Signer, *, face_seed: str) -> dict[str, Any]:
    """A passport as the app reads it: the MRZ, the chip's DG1, DG2 and EF.SOD, and a new
    picture of the holder's face (what the app's camera takes), all base64 but the MRZ."""
    text = mrz_text(holder)
    dg1 = lds.encode_dg1(text)
    dg2 = lds.encode_dg2(face_picture(face_seed))
    sod = sign_sod(signer, {1: dg1, 2: dg2})
    return {
        "holder": f"{holder.given_names} {holder.surname}",
        "mrz": text,
        "dg1": base64.b64encode(dg1).decode(),
        "dg2": base64.b64encode(dg2).decode(),
        "sod": base64.b64encode(sod).decode(),
        "face": base64.b64encode(face_picture(face_seed, noise=18, shot=1)).decode(),
    }


def write_passport(path: Path, passport: dict[str, Any]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(passport, indent=2) + "\n")
    return path


def read_passport(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(Path(path).read_text())
    return data


def demo_passport_files(directory: Path | None = None) -> list[tuple[str, str]]:
    """The passport files in the demo directory, as (name, holder), for the page simulator."""
    directory = Path(directory or settings.PASSPORT_DEMO_DIR)
    found = []
    for path in sorted(directory.glob("*.json")):
        try:
            found.append((path.stem, str(read_passport(path)["holder"])))
        except (OSError, ValueError, KeyError, TypeError):
            continue  # not a passport: the simulator lists only what it can read
    return found
