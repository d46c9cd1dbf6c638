"""The MRZ check by ICAO 9303 (TD3, the passport booklet), with the kept `mrz` library."""

import datetime

from mrz.checker.td3 import TD3CodeChecker

from .checks import MRZ, PassportRefused

LINE_LENGTH = 44


def normalise(text: str) -> str:
    """Two lines of 44 characters, whatever the camera added (spaces, blank lines, case)."""
    lines = [line.strip().replace(" ", "").upper() for line in text.strip().splitlines()]
    return "\n".join(line for line in lines if line)


def mrz_date(value: str, *, future: bool, today: datetime.date) -> datetime.date:
    """YYMMDD: a birth date lies in the past, an expiry date within the next 50 years."""
    year, month, day = int(value[:2]), int(value[2:4]), int(value[4:6])
    century = today.year // 100 * 100
    full = century + year
    if future and full < today.year - 50:
        full += 100
    if not future and full > today.year:
        full -= 100
    return datetime.date(full, month, day)


class ICAOMRZChecker:
    def check(self, text: str, *, today: datetime.date) -> MRZ:
        text = normalise(text)
        lines = text.split("\n")
        if len(lines) != 2 or any(len(line) != LINE_LENGTH for line in lines):
            raise PassportRefused("mrz_invalid")
        if not lines[0].startswith("P"):
            raise PassportRefused("not_a_passport")
        try:
            checker = TD3CodeChecker(text, check_expiry=False, compute_warnings=False)
        except Exception as error:  # the library raises its own errors for unreadable lines
            raise PassportRefused("mrz_invalid") from error
        if not checker:
            errors = " ".join(checker.report.errors)
            raise PassportRefused("mrz_check_digit" if "hash" in errors else "mrz_invalid")
        fields = checker.fields()
        try:
            birth = mrz_date(fields.birth_date, future=False, today=today)
            expiry = mrz_date(fields.expiry_date, future=True, today=today)
        except ValueError as error:
            raise PassportRefused("mrz_invalid") from error
        if expiry < today:
            raise PassportRefused("passport_expired")
        return MRZ(
            text=text,
            document_number=fields.document_number.replace("<", ""),
            issuing_state=fields.country,
            nationality=fields.nationality,
            surname=fields.surname,
            given_names=fields.name,
            birth_date=birth,
            expiry_date=expiry,
            sex=fields.sex,
        )
