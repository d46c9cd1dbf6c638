"""The chip's files by ICAO 9303 part 10 and 11: data groups as BER-TLV, and the document
security object (EF.SOD): CMS SignedData over the hashes of the data groups."""

import hashlib

from asn1crypto import algos, cms, core

# LDS 1.x: EF.DG1 (the MRZ), EF.DG2 (the face), EF.SOD, and the OID of the LDS security object.
DG1_TAG = 0x61
DG2_TAG = 0x75
SOD_TAG = 0x77
MRZ_TAG = 0x5F1F
# DG2 nests the portrait: biometric information group template, template, data block.
BIOMETRIC_GROUP_TAG = 0x7F61
BIOMETRIC_TEMPLATE_TAG = 0x7F60
BIOMETRIC_DATA_TAG = 0x5F2E
LDS_SECURITY_OBJECT_OID = "2.23.136.1.1.1"
HASHES = {"sha256": hashlib.sha256, "sha384": hashlib.sha384, "sha512": hashlib.sha512}


class Malformed(ValueError):
    """Not a data group or security object the chip should hold."""


class DataGroupHash(core.Sequence):
    _fields = [
        ("data_group_number", core.Integer),
        ("data_group_hash_value", core.OctetString),
    ]


class DataGroupHashes(core.SequenceOf):
    _child_spec = DataGroupHash


class LDSSecurityObject(core.Sequence):
    _fields = [
        ("version", core.Integer),
        ("hash_algorithm", algos.DigestAlgorithm),
        ("data_group_hash_values", DataGroupHashes),
    ]


# BER-TLV ---------------------------------------------------------------------------------


def _length(size: int) -> bytes:
    if size < 0x80:
        return bytes([size])
    raw = size.to_bytes((size.bit_length() + 7) // 8, "big")
    return bytes([0x80 | len(raw)]) + raw


def tlv(tag: int, value: bytes) -> bytes:
    return tag.to_bytes((tag.bit_length() + 7) // 8, "big") + _length(len(value)) + value


def read_tlv(data: bytes, offset: int = 0) -> tuple[int, bytes, int]:
    """The tag, the value and the offset after it, of the TLV at `offset`."""
    try:
        tag = data[offset]
        offset += 1
        if tag & 0x1F == 0x1F:  # a tag of more bytes: continued while bit 8 is set
            while True:
                tag = (tag << 8) | data[offset]
                offset += 1
                if not data[offset - 1] & 0x80:
                    break
        first = data[offset]
        offset += 1
        if first < 0x80:
            size = first
        else:
            count = first & 0x7F
            if not 0 < count <= 3:
                raise Malformed("length")
            size = int.from_bytes(data[offset : offset + count], "big")
            offset += count
    except IndexError as error:
        raise Malformed("truncated") from error
    end = offset + size
    if end > len(data):
        raise Malformed("truncated")
    return tag, data[offset:end], end


def unwrap(data: bytes, *tags: int) -> bytes:
    """The value inside the nested TLVs `tags`, each the first of its parent."""
    for tag in tags:
        found, value, _end = read_tlv(data)
        if found != tag:
            raise Malformed(f"expected tag {tag:X}")
        data = value
    return data


# Data groups -----------------------------------------------------------------------------


def encode_dg1(mrz_text: str) -> bytes:
    return tlv(DG1_TAG, tlv(MRZ_TAG, mrz_text.replace("\n", "").encode("ascii")))


def decode_dg1(dg1: bytes) -> str:
    """The MRZ in DG1 as two lines of 44 characters."""
    raw = unwrap(dg1, DG1_TAG, MRZ_TAG)
    if len(raw) != 88:
        raise Malformed("not a TD3 MRZ")
    text = raw.decode("ascii", errors="replace")
    return f"{text[:44]}\n{text[44:]}"


def encode_dg2(portrait: bytes) -> bytes:
    return tlv(
        DG2_TAG,
        tlv(BIOMETRIC_GROUP_TAG, tlv(BIOMETRIC_TEMPLATE_TAG, tlv(BIOMETRIC_DATA_TAG, portrait))),
    )


def decode_dg2(dg2: bytes) -> bytes:
    """The portrait (an image file) in DG2."""
    return unwrap(dg2, DG2_TAG, BIOMETRIC_GROUP_TAG, BIOMETRIC_TEMPLATE_TAG, BIOMETRIC_DATA_TAG)


# The document security object --------------------------------------------------------------


def security_object(data_groups: dict[int, bytes], *, hash_name: str = "sha256") -> bytes:
    """The DER LDS security object: the hash of each data group."""
    digest = HASHES[hash_name]
    return LDSSecurityObject(
        {
            "version": 0,
            "hash_algorithm": {"algorithm": hash_name},
            "data_group_hash_values": [
                {"data_group_number": number, "data_group_hash_value": digest(data).digest()}
                for number, data in sorted(data_groups.items())
            ],
        }
    ).dump()


def signed_attributes(content: bytes) -> cms.CMSAttributes:
    return cms.CMSAttributes(
        [
            {"type": "content_type", "values": [LDS_SECURITY_OBJECT_OID]},
            {"type": "message_digest", "values": [hashlib.sha256(content).digest()]},
        ]
    )


def parse_sod(sod: bytes) -> cms.SignedData:
    """The CMS SignedData inside EF.SOD."""
    try:
        info = cms.ContentInfo.load(unwrap(sod, SOD_TAG))
        if info["content_type"].native != "signed_data":
            raise Malformed("not signed data")
        signed = info["content"]
        signed.native  # noqa: B018 - parses every field now, so that errors surface here
    except (ValueError, TypeError) as error:
        raise Malformed("SOD") from error
    assert isinstance(signed, cms.SignedData)
    return signed


def data_group_hashes(content: bytes) -> tuple[str, dict[int, bytes]]:
    """The hash algorithm and the hash of each data group in an LDS security object."""
    try:
        lds = LDSSecurityObject.load(content)
        algorithm = lds["hash_algorithm"]["algorithm"].native
        hashes = {
            int(item["data_group_number"].native): bytes(item["data_group_hash_value"].native)
            for item in lds["data_group_hash_values"]
        }
    except (ValueError, TypeError, KeyError) as error:
        raise Malformed("LDS security object") from error
    if algorithm not in HASHES:
        raise Malformed("hash algorithm")
    return algorithm, hashes


def set_of(attributes: cms.CMSAttributes) -> bytes:
    """Signed attributes as they are signed: a DER SET (in SignerInfo they are tagged [0])."""
    raw = attributes.dump()
    return b"\x31" + raw[1:]
