"""Pure rules about CPR numbers: their shape and the birth date they encode."""

import datetime
import re

CPR_PATTERN = re.compile(r"^(\d{6})-?(\d{4})$")


class InvalidCPR(ValueError):
    pass


def normalise_cpr(value: str) -> str:
    """Return the ten digits of a CPR number written as DDMMYYSSSS or DDMMYY-SSSS."""
    match = CPR_PATTERN.match(value.strip())
    if match is None:
        raise InvalidCPR(value)
    return match.group(1) + match.group(2)


def birth_century(year_in_century: int, seventh_digit: int) -> int:
    """The century a CPR number's two-digit year belongs to (CPR-kontoret's table)."""
    if seventh_digit <= 3:
        return 1900
    if seventh_digit in (4, 9):
        return 2000 if year_in_century <= 36 else 1900
    if seventh_digit <= 8:
        return 2000 if year_in_century <= 57 else 1800
    raise InvalidCPR(seventh_digit)  # pragma: no cover - every digit is handled above


def birth_date(cpr: str) -> datetime.date:
    digits = normalise_cpr(cpr)
    day, month, year = int(digits[0:2]), int(digits[2:4]), int(digits[4:6])
    try:
        return datetime.date(birth_century(year, int(digits[6])) + year, month, day)
    except ValueError as error:
        raise InvalidCPR(cpr) from error
