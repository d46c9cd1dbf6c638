"""The user-ID rules of seeds 002 and 003, as a table of cases."""

import pytest
from django.core.exceptions import ValidationError

from authenticators.models import Identity
from enrollment.models import ReservedUserId
from enrollment.user_ids import is_allowed, suggestions, validate_user_id

JONAS_CPR = "1505831235"


def codes(value: str, cpr: str | None = None) -> set[str]:
    try:
        validate_user_id(value, cpr=cpr)
    except ValidationError as error:
        return {e.code for e in error.error_list if e.code}
    return set()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("J()nas Jen5en", set()),  # the seed's valid example
        ("211788-0967", {"looks_like_cpr"}),  # the seed's invalid example
        ("211788 0967", {"looks_like_cpr"}),
        ("2117880967", {"ten_digits"}),
        ("1505831235", {"cpr_number"}),
        ("150583-1235", {"cpr_number"}),
        ("abcd", {"too_short"}),
        ("abcde", set()),
        ("a" * 48, set()),
        ("a" * 49, {"too_long"}),
        (" jonas", {"edge_space"}),
        ("jonas ", {"edge_space"}),
        ("jonas jensen", set()),
        ("Jønås Æble", set()),
        ("ÆØÅ12", set()),
        ("x{}!#$^,*()_+-=:;?.@ y", set()),
        ("jonas~1983", {"invalid_character"}),
        ("jonas/1983", {"invalid_character"}),
        ("jonäs1983", {"invalid_character"}),
        ("jonas\t1983", {"invalid_character"}),
        ("jonas😀1983", {"invalid_character"}),
        ("a~", {"too_short", "invalid_character"}),
        ("12345678901", set()),  # 11 digits is neither a CPR number nor 10 digits
        ("abc2117880967", set()),
        ("1505 831235", {"cpr_number"}),  # his CPR number with odd separators
        ("15.05.83-1235", {"cpr_number"}),
        ("12345 67890", {"ten_digits"}),
        ("\u212aaren Hansen", {"invalid_character"}),  # Kelvin sign, lower-cases to k
        ("\u212bse12", {"invalid_character"}),  # Ångström sign, lower-cases to å
    ],
)
def test_user_id_rules(value: str, expected: set[str]) -> None:
    assert codes(value, cpr=JONAS_CPR) == expected


@pytest.mark.django_db
def test_a_user_id_held_by_someone_else_is_taken_whatever_its_case() -> None:
    Identity.objects.create(cpr="0203754322", user_id="KarenH", user_id_key="karenh")
    assert codes("karenh", cpr=JONAS_CPR) == {"taken"}
    assert codes("KARENH", cpr=JONAS_CPR) == {"taken"}
    assert codes("KarenH", cpr="0203754322") == set(), "her own user-ID is hers"


@pytest.mark.django_db
def test_a_nemid_user_id_is_reserved_for_its_holder() -> None:
    ReservedUserId.objects.create(user_id_key="jonas1983", cpr=JONAS_CPR)
    assert codes("JONAS1983", cpr="0203754322") == {"reserved"}
    assert codes("Jonas1983", cpr=JONAS_CPR) == set()
    # To someone not logged in, it is just taken: "reserved" would reveal a NemID user-ID.
    assert codes("Jonas1983") == {"taken"}


@pytest.mark.django_db
def test_taken_user_ids_get_three_free_suggestions() -> None:
    Identity.objects.create(cpr="0203754322", user_id="karen", user_id_key="karen")
    found = suggestions("karen", cpr=JONAS_CPR)
    assert len(found) == 3
    assert len(set(found)) == 3
    assert all(is_allowed(s, cpr=JONAS_CPR) and s.startswith("karen") for s in found)
