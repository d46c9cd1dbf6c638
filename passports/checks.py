"""The interfaces of the passport checks, each chosen by a setting (a dotted path).

The app reads a passport in two ways: the machine-readable zone (MRZ) by the camera, then the
chip by NFC (its data groups and the document security object). The portal checks the MRZ
(`PASSPORT_MRZ_CHECKER`), the chip by passive authentication (`PASSPORT_CHIP_VERIFIER`) and
the face picture against the chip's portrait (`FACE_MATCHER`).
"""

import datetime
from dataclasses import dataclass
from functools import cache
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string


class PassportRefused(Exception):
    """A check said no; `code` is stable (the App API answers it, the pages translate it)."""

    CODES = frozenset(
        {
            "mrz_invalid",
            "mrz_check_digit",
            "not_a_passport",
            "passport_expired",
            "chip_malformed",
            "chip_data_altered",
            "chip_signature_invalid",
            "chip_signer_untrusted",
            "chip_mrz_mismatch",
            "face_mismatch",
            "face_not_live",
            "face_unreadable",
        }
    )

    def __init__(self, code: str) -> None:
        assert code in self.CODES, code
        super().__init__(code)
        self.code = code


@dataclass(frozen=True)
class MRZ:
    """A passport's machine-readable zone (ICAO 9303 TD3), its check digits checked."""

    text: str  # the two lines of 44 characters, joined by a newline
    document_number: str
    issuing_state: str
    nationality: str
    surname: str
    given_names: str
    birth_date: datetime.date
    expiry_date: datetime.date
    sex: str


@dataclass(frozen=True)
class ChipData:
    """What passive authentication proved: the chip's MRZ (DG1) and portrait (DG2)."""

    mrz_text: str
    portrait: bytes
    signer: str  # the document signer's subject, for the log
    issuing_state: str


@dataclass(frozen=True)
class FaceMatch:
    score: float
    threshold: float
    # A face in front of the camera, not a picture held up to it or sent in its place (a
    # matcher's presentation-attack detection): whoever read a passport's chip holds its
    # portrait, and must not pass with it.
    live: bool = True

    @property
    def matches(self) -> bool:
        return self.score >= self.threshold


class MRZChecker(Protocol):
    def check(self, text: str, *, today: datetime.date) -> MRZ:
        """The MRZ read by the camera; raise PassportRefused unless it is a valid passport."""


class ChipVerifier(Protocol):
    def verify(self, *, dg1: bytes, dg2: bytes, sod: bytes) -> ChipData:
        """Passive authentication of the chip's data groups; raise PassportRefused if not."""


class FaceMatcher(Protocol):
    def match(self, *, portrait: bytes, picture: bytes) -> FaceMatch:
        """How alike the face picture the app took and the chip's portrait are."""


@cache
def get_mrz_checker() -> MRZChecker:
    checker: MRZChecker = import_string(settings.PASSPORT_MRZ_CHECKER)()
    return checker


@cache
def get_chip_verifier() -> ChipVerifier:
    verifier: ChipVerifier = import_string(settings.PASSPORT_CHIP_VERIFIER)()
    return verifier


@cache
def get_face_matcher() -> FaceMatcher:
    matcher: FaceMatcher = import_string(settings.FACE_MATCHER)()
    return matcher


def clear_caches() -> None:
    """Forget the configured checks (tests change the settings behind them)."""
    for cached in (get_mrz_checker, get_chip_verifier, get_face_matcher):
        cached.cache_clear()
