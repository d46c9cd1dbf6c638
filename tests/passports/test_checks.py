"""The passport checks: the MRZ by ICAO 9303, the chip by passive authentication, the face."""

import base64
import datetime

import pytest

from passports import demo, lds
from passports.checks import PassportRefused, get_chip_verifier, get_face_matcher
from passports.mrz import ICAOMRZChecker

TODAY = datetime.date(2026, 12, 2)
HOLDER = demo.Holder(
    surname="Holm",
    given_names="Sofie",
    document_number="220404081",
    nationality="DNK",
    birth_date=datetime.date(2004, 4, 8),
    sex="F",
    expiry_date=datetime.date(2031, 12, 1),
)


def refused(call, *args, **kwargs) -> str:  # type: ignore[no-untyped-def]
    with pytest.raises(PassportRefused) as caught:
        call(*args, **kwargs)
    return caught.value.code


def test_a_valid_mrz_is_read_with_its_fields() -> None:
    read = ICAOMRZChecker().check(demo.mrz_text(HOLDER), today=TODAY)
    assert (read.surname, read.given_names, read.document_number) == ("HOLM", "SOFIE", "220404081")
    assert read.birth_date == datetime.date(2004, 4, 8)
    assert read.expiry_date == datetime.date(2031, 12, 1)


def test_icaos_specimen_passport_is_read() -> None:
    specimen = (
        "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\nL898902C36UTO7408122F1204159ZE184226B<<<<<10"
    )
    read = ICAOMRZChecker().check(specimen, today=datetime.date(2010, 1, 1))
    assert read.document_number == "L898902C3"


@pytest.mark.parametrize("position", [9, 19, 27, 42, 43])
def test_a_wrong_check_digit_is_refused(position: int) -> None:
    line1, line2 = demo.mrz_text(HOLDER).split("\n")
    digit = line2[position]
    wrong = str((int(digit) + 1) % 10) if digit.isdigit() else "1"
    line2 = line2[:position] + wrong + line2[position + 1 :]
    assert refused(ICAOMRZChecker().check, f"{line1}\n{line2}", today=TODAY) == "mrz_check_digit"


def test_an_expired_passport_is_refused() -> None:
    old = demo.Holder(**{**HOLDER.__dict__, "expiry_date": datetime.date(2026, 12, 1)})
    assert refused(ICAOMRZChecker().check, demo.mrz_text(old), today=TODAY) == "passport_expired"


@pytest.mark.parametrize("text", ["", "P<DNK\nshort", "hello\nworld"])
def test_what_is_no_mrz_is_refused(text: str) -> None:
    assert refused(ICAOMRZChecker().check, text, today=TODAY) == "mrz_invalid"


def test_an_identity_card_is_not_a_passport() -> None:
    line1, line2 = demo.mrz_text(HOLDER).split("\n")
    assert refused(ICAOMRZChecker().check, f"I{line1[1:]}\n{line2}", today=TODAY) == (
        "not_a_passport"
    )


@pytest.fixture
def chip(settings, tmp_path) -> dict[str, bytes]:  # type: ignore[no-untyped-def]
    settings.PASSPORT_CSCA_DIR = str(tmp_path / "csca")
    signer = demo.demo_signer("DNK", key_dir=tmp_path)
    passport = demo.issue_passport(HOLDER, signer, face_seed="sofie")
    return {name: base64.b64decode(passport[name]) for name in ("dg1", "dg2", "sod", "face")}


def verify(chip: dict[str, bytes]):  # type: ignore[no-untyped-def]
    return get_chip_verifier().verify(dg1=chip["dg1"], dg2=chip["dg2"], sod=chip["sod"])


def test_a_demo_passport_passes_passive_authentication(chip: dict[str, bytes]) -> None:
    data = verify(chip)
    assert data.mrz_text == demo.mrz_text(HOLDER)
    assert data.portrait == lds.decode_dg2(chip["dg2"])
    assert "Document signer DNK" in data.signer


def test_an_altered_data_group_fails(chip: dict[str, bytes]) -> None:
    other = demo.Holder(**{**HOLDER.__dict__, "birth_date": datetime.date(1984, 4, 8)})
    assert refused(verify, {**chip, "dg1": lds.encode_dg1(demo.mrz_text(other))}) == (
        "chip_data_altered"
    )
    swapped = lds.encode_dg2(demo.face_picture("someone else"))
    assert refused(verify, {**chip, "dg2": swapped}) == "chip_data_altered"


def test_a_document_signer_not_chained_to_a_trusted_csca_fails(
    chip: dict[str, bytes],
) -> None:
    forged = demo.issue_passport(HOLDER, demo.forged_signer("DNK"), face_seed="sofie")
    data = {name: base64.b64decode(forged[name]) for name in ("dg1", "dg2", "sod")}
    assert refused(verify, data) == "chip_signer_untrusted"


def test_no_trusted_csca_at_all_fails(chip: dict[str, bytes], settings, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from passports.checks import clear_caches

    settings.PASSPORT_CSCA_DIR = str(tmp_path / "nothing")
    clear_caches()
    assert refused(verify, chip) == "chip_signer_untrusted"


def test_a_broken_signature_fails(chip: dict[str, bytes]) -> None:
    signed = lds.parse_sod(chip["sod"])
    info = signed["signer_infos"][0]
    raw = bytearray(info["signature"].native)
    raw[-1] ^= 0x01
    info["signature"] = bytes(raw)
    from asn1crypto import cms

    broken = lds.tlv(
        lds.SOD_TAG, cms.ContentInfo({"content_type": "signed_data", "content": signed}).dump()
    )
    assert refused(verify, {**chip, "sod": broken}) == "chip_signature_invalid"


@pytest.mark.parametrize("part", ["dg1", "dg2", "sod"])
def test_garbage_on_the_chip_is_malformed(chip: dict[str, bytes], part: str) -> None:
    assert refused(verify, {**chip, part: b"\x00\x01garbage"}) == "chip_malformed"


def test_the_face_matcher_scores_the_same_face_high_and_another_low(
    chip: dict[str, bytes],
) -> None:
    portrait = lds.decode_dg2(chip["dg2"])
    same = get_face_matcher().match(portrait=portrait, picture=chip["face"])
    other = get_face_matcher().match(
        portrait=portrait, picture=demo.face_picture("karen", noise=18)
    )
    assert same.matches and same.score >= 0.8
    assert not other.matches and other.score < 0.8


def test_a_picture_that_is_no_image_is_unreadable(chip: dict[str, bytes]) -> None:
    portrait = lds.decode_dg2(chip["dg2"])
    assert refused(get_face_matcher().match, portrait=portrait, picture=b"not an image") == (
        "face_unreadable"
    )
