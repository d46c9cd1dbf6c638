import datetime

import pytest

from cpr.numbers import InvalidCPR, birth_date, normalise_cpr


@pytest.mark.parametrize(
    ("cpr", "expected"),
    [
        ("1505831235", datetime.date(1983, 5, 15)),
        ("150583-1235", datetime.date(1983, 5, 15)),
        ("0101004000", datetime.date(2000, 1, 1)),  # 7th digit 4, year <= 36: 2000s
        ("0101504000", datetime.date(1950, 1, 1)),  # 7th digit 4, year > 36: 1900s
        ("0101575000", datetime.date(2057, 1, 1)),  # 7th digit 5-8, year <= 57: 2000s
        ("0101585000", datetime.date(1858, 1, 1)),  # 7th digit 5-8, year > 57: 1800s
        ("0101909000", datetime.date(1990, 1, 1)),  # 7th digit 9, year > 36: 1900s
    ],
)
def test_birth_date_follows_the_century_table(cpr: str, expected: datetime.date) -> None:
    assert birth_date(cpr) == expected


@pytest.mark.parametrize("value", ["211788-0967", "3102831234", "12345", "abcdef-1234"])
def test_impossible_or_malformed_numbers_are_refused(value: str) -> None:
    with pytest.raises(InvalidCPR):
        birth_date(value)


def test_normalise_strips_the_dash() -> None:
    assert normalise_cpr(" 150583-1235 ") == "1505831235"
