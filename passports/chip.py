"""Passive authentication of a passport chip (ICAO 9303 part 11): the data groups' hashes
against the document security object, its signature by the document signer certificate in it,
and that certificate against the country signing CA certificates the portal trusts."""

import datetime
import hashlib
import hmac
import logging
from functools import cached_property
from pathlib import Path

from asn1crypto import cms
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from django.conf import settings

from . import lds
from .checks import ChipData, PassportRefused

logger = logging.getLogger(__name__)

SIGNATURE_HASHES: dict[str, type[hashes.SHA256 | hashes.SHA384 | hashes.SHA512]] = {
    "sha256": hashes.SHA256,
    "sha384": hashes.SHA384,
    "sha512": hashes.SHA512,
}


def trusted_cscas(directory: Path) -> list[x509.Certificate]:
    """Every CSCA certificate (PEM) in `directory`: the countries whose passports we accept."""
    if not directory.is_dir():
        return []
    found = []
    for path in sorted(directory.glob("*.pem")):
        found.extend(x509.load_pem_x509_certificates(path.read_bytes()))
    return found


def _verify(public_key: object, signature: bytes, data: bytes, hash_name: str) -> None:
    algorithm = SIGNATURE_HASHES[hash_name]()
    if isinstance(public_key, ec.EllipticCurvePublicKey):
        public_key.verify(signature, data, ec.ECDSA(algorithm))
    elif isinstance(public_key, rsa.RSAPublicKey):
        public_key.verify(signature, data, padding.PKCS1v15(), algorithm)
    else:
        raise InvalidSignature("unsupported key")


class PassiveAuthentication:
    """A real implementation; which CSCAs it trusts is `PASSPORT_CSCA_DIR` (demo: seed_demo's)."""

    def __init__(self, directory: Path | None = None) -> None:
        self.directory = Path(directory or settings.PASSPORT_CSCA_DIR)

    @cached_property
    def cscas(self) -> list[x509.Certificate]:
        return trusted_cscas(self.directory)

    def verify(self, *, dg1: bytes, dg2: bytes, sod: bytes) -> ChipData:
        try:
            signed = lds.parse_sod(sod)
            content = signed["encap_content_info"]["content"].native
            if signed["encap_content_info"]["content_type"].dotted != lds.LDS_SECURITY_OBJECT_OID:
                raise lds.Malformed("content type")
            algorithm, hashes_in_sod = lds.data_group_hashes(content)
            mrz_text = lds.decode_dg1(dg1)
            portrait = lds.decode_dg2(dg2)
            signer_info = signed["signer_infos"][0]
            certificates = [
                x509.load_der_x509_certificate(choice.chosen.dump())
                for choice in signed["certificates"]
            ]
        except (lds.Malformed, ValueError, TypeError, IndexError, KeyError) as error:
            raise PassportRefused("chip_malformed") from error
        # 1. Each data group read is the one the issuer hashed: an altered group fails here.
        digest = lds.HASHES[algorithm]
        for number, data in ((1, dg1), (2, dg2)):
            expected = hashes_in_sod.get(number)
            if expected is None or not hmac.compare_digest(expected, digest(data).digest()):
                raise PassportRefused("chip_data_altered")
        # 2. The security object is signed by the document signer whose certificate it holds.
        signer = self._document_signer(signer_info, certificates)
        self._check_signature(signer_info, signer, content)
        # 3. The document signer is issued by a country signing CA we trust.
        self._check_chain(signer)
        return ChipData(
            mrz_text=mrz_text,
            portrait=portrait,
            signer=signer.subject.rfc4514_string(),
            issuing_state=mrz_text[2:5],
        )

    def _document_signer(
        self, signer_info: cms.SignerInfo, certificates: list[x509.Certificate]
    ) -> x509.Certificate:
        sid = signer_info["sid"]
        if sid.name != "issuer_and_serial_number":
            raise PassportRefused("chip_malformed")
        serial = sid.chosen["serial_number"].native
        for certificate in certificates:
            if certificate.serial_number == serial:
                return certificate
        raise PassportRefused("chip_signature_invalid")

    def _check_signature(
        self, signer_info: cms.SignerInfo, signer: x509.Certificate, content: bytes
    ) -> None:
        hash_name = signer_info["digest_algorithm"]["algorithm"].native
        if hash_name not in SIGNATURE_HASHES:
            raise PassportRefused("chip_malformed")
        attributes = signer_info["signed_attrs"]
        digests = [
            attribute["values"][0].native
            for attribute in attributes
            if attribute["type"].native == "message_digest"
        ]
        computed = getattr(hashlib, hash_name)(content).digest()
        if len(digests) != 1 or not hmac.compare_digest(bytes(digests[0]), computed):
            raise PassportRefused("chip_data_altered")
        try:
            _verify(
                signer.public_key(),
                signer_info["signature"].native,
                lds.set_of(attributes),
                hash_name,
            )
        except InvalidSignature as error:
            raise PassportRefused("chip_signature_invalid") from error

    def _check_chain(self, signer: x509.Certificate) -> None:
        now = datetime.datetime.now(datetime.UTC)
        for csca in self.cscas:
            if csca.subject != signer.issuer:
                continue
            try:
                signer.verify_directly_issued_by(csca)
            except (ValueError, TypeError, InvalidSignature):
                continue
            if not (csca.not_valid_before_utc <= now <= csca.not_valid_after_utc):
                continue
            if not (signer.not_valid_before_utc <= now <= signer.not_valid_after_utc):
                continue
            return
        logger.info("Passport chip signed by an untrusted document signer: %s", signer.issuer)
        raise PassportRefused("chip_signer_untrusted")
