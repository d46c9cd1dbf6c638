import datetime

import pytest

from cpr.registry import get_registry
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
