"""A CPR register simulator that answers from the portal's own database table."""

from .models import RegisteredPerson
from .numbers import InvalidCPR, birth_date, normalise_cpr
from .registry import CPRRecord


class SimulatedCPRRegistry:
    def lookup(self, cpr: str) -> CPRRecord | None:
        try:
            digits = normalise_cpr(cpr)
        except InvalidCPR:
            return None
        try:
            person = RegisteredPerson.objects.get(cpr=digits)
        except RegisteredPerson.DoesNotExist:
            return None
        return CPRRecord(
            cpr=person.cpr,
            given_name=person.given_name,
            family_name=person.family_name,
            street=person.street,
            postcode=person.postcode,
            city=person.city,
            birth_date=birth_date(person.cpr),
        )
