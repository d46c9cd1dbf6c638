import datetime
from typing import Any

import pytest
from django.db.models.sql.compiler import SQLCompiler

from cpr.registry import CPRRecord, get_registry
from tests.factories import RegisteredPersonFactory

pytestmark = pytest.mark.django_db


def test_lookup_returns_name_address_and_birth_date() -> None:
    RegisteredPersonFactory(
        cpr="1505831235",
        given_name="Jonas",
        family_name="Jensen",
        street="Vestergade 12",
        postcode="7400",
        city="Herning",
    )
    record = get_registry().lookup("150583-1235")
    assert record is not None
    assert record.full_name == "Jonas Jensen"
    assert record.address_lines == ("Vestergade 12", "7400 Herning")
    assert record.birth_date == datetime.date(1983, 5, 15)


@pytest.mark.parametrize("cpr", ["0101011234", "not a cpr"])
def test_lookup_of_an_unknown_or_malformed_number_is_none(cpr: str) -> None:
    assert get_registry().lookup(cpr) is None


def test_lookup_is_one_statement_that_reads_the_person_as_stored(
    django_assert_num_queries: Any,
) -> None:
    """The simulator's own SELECT (not the ORM's) reads each column into its own field, and
    finds the person by the number as the register keeps it (without the dash)."""
    RegisteredPersonFactory(
        cpr="0707614285",
        given_name="Åse",
        family_name="Ølgaard-Nielsen",
        street="Ærøgade 3, 2. th.",
        postcode="5970",
        city="Ærøskøbing",
    )
    RegisteredPersonFactory(cpr="0707614293", given_name="Someone", family_name="Else")
    with django_assert_num_queries(1):
        record = get_registry().lookup("070761-4285")
    assert record == CPRRecord(
        cpr="0707614285",
        given_name="Åse",
        family_name="Ølgaard-Nielsen",
        street="Ærøgade 3, 2. th.",
        postcode="5970",
        city="Ærøskøbing",
        birth_date=datetime.date(1961, 7, 7),
    )


def test_a_lookup_compiles_no_sql_once_a_first_has(monkeypatch: pytest.MonkeyPatch) -> None:
    """The statement is compiled once (the ORM compiled it at every look-up, more work than
    reading the row, at every party's token request)."""
    RegisteredPersonFactory(cpr="1505831235")
    assert get_registry().lookup("1505831235") is not None
    compiled: list[str] = []
    as_sql = SQLCompiler.as_sql

    def counted(self: SQLCompiler, *args: Any, **kwargs: Any) -> Any:
        compiled.append(type(self).__name__)
        return as_sql(self, *args, **kwargs)

    monkeypatch.setattr(SQLCompiler, "as_sql", counted)
    record = get_registry().lookup("150583-1235")
    assert record is not None and record.cpr == "1505831235"
    assert compiled == []
