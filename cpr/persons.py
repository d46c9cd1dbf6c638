"""Who a person is, by CPR number or by P-code: the lookup the passport road and the desk use.

The CPR register (`registry.py`) answers names and addresses by CPR number; this interface,
chosen by `PERSON_REGISTER`, also answers people without a CPR number (a P-code) and the
passport number the register holds, which a passport must match.
"""

import datetime
import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string

from .models import PCodePerson, RegisteredPerson
from .numbers import InvalidCPR, birth_date, normalise_cpr

P_CODE = re.compile(r"^P\d{8}$")


@dataclass(frozen=True)
class Person:
    number: str  # the CPR number's ten digits, or the P-code
    given_name: str
    family_name: str
    birth_date: datetime.date
    passport_number: str
    street: str = ""
    postcode: str = ""
    city: str = ""

    @property
    def full_name(self) -> str:
        return f"{self.given_name} {self.family_name}"

    @property
    def has_cpr(self) -> bool:
        return not self.number.startswith("P")


class PersonRegister(Protocol):
    def by_cpr(self, cpr: str) -> Person | None:
        """The person with this CPR number, or None (also for a malformed number)."""

    def by_p_code(self, p_code: str) -> Person | None:
        """The person with this P-code, or None (also for a malformed code)."""


def normalise_p_code(value: str) -> str:
    """`P1234-5678`, `p 1234 5678` -> `P12345678`; "" when it is not shaped like a P-code."""
    code = re.sub(r"[\s-]", "", value).upper()
    return code if P_CODE.match(code) else ""


def mrz_name(value: str) -> str:
    """A name as an MRZ spells it (ICAO 9303 transliteration of the Danish letters)."""
    value = value.upper().replace("Æ", "AE").replace("Ø", "OE").replace("Å", "AA")
    value = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode()
    return re.sub(r"[^A-Z]+", " ", value).strip()


class SimulatedPersonRegister:
    def by_cpr(self, cpr: str) -> Person | None:
        try:
            digits = normalise_cpr(cpr)
        except InvalidCPR:
            return None
        person = RegisteredPerson.objects.filter(cpr=digits).first()
        if person is None:
            return None
        return Person(
            number=person.cpr,
            given_name=person.given_name,
            family_name=person.family_name,
            birth_date=birth_date(person.cpr),
            passport_number=person.passport_number,
            street=person.street,
            postcode=person.postcode,
            city=person.city,
        )

    def by_p_code(self, p_code: str) -> Person | None:
        code = normalise_p_code(p_code)
        person = PCodePerson.objects.filter(p_code=code).first() if code else None
        if person is None:
            return None
        return Person(
            number=person.p_code,
            given_name=person.given_name,
            family_name=person.family_name,
            birth_date=person.birth_date,
            passport_number=person.passport_number,
            street=person.street,
            postcode=person.postcode,
            city=person.city,
        )


@cache
def get_person_register() -> PersonRegister:
    register: PersonRegister = import_string(settings.PERSON_REGISTER)()
    return register
