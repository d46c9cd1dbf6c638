"""A CPR register simulator that answers from the portal's own database table."""

from functools import cache

from django.db import connections, router

from .models import RegisteredPerson
from .numbers import InvalidCPR, birth_date, normalise_cpr
from .registry import CPRRecord

# What a record is made of, in the order the statement reads it.
_COLUMNS = ("cpr", "given_name", "family_name", "street", "postcode", "city")


@cache
def _statement(alias: str) -> str:
    """The SELECT of one person by number, compiled by the ORM once for each database: it
    compiled the same statement anew at every look-up, which cost more than reading the row
    (a party's token request looks the person up for the claims). The register sits below
    `authenticators.queries`, which keeps the portal's other such statements."""
    query = RegisteredPerson.objects.using(alias).filter(cpr="0").values_list(*_COLUMNS).query
    sql, params = query.get_compiler(using=alias).as_sql()
    if tuple(params) != ("0",):
        raise ValueError(f"not a look-up by the number alone: {sql}")
    return str(sql)


class SimulatedCPRRegistry:
    def lookup(self, cpr: str) -> CPRRecord | None:
        try:
            digits = normalise_cpr(cpr)
        except InvalidCPR:
            return None
        connection = connections[router.db_for_read(RegisteredPerson)]
        with connection.cursor() as cursor:
            cursor.execute(_statement(connection.alias), [digits])  # cpr is unique: one row
            row = cursor.fetchone()
        if row is None:
            return None
        record = dict(zip(_COLUMNS, row, strict=True))
        return CPRRecord(**record, birth_date=birth_date(record["cpr"]))
