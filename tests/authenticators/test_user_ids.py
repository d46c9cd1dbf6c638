"""How a typed user-ID is compared with a person's."""

import pytest

from authenticators.user_ids import is_user_id, normalise_user_id


@pytest.mark.parametrize(
    ("typed", "key"),
    [("J()nas Jen5en", "j()nas jen5en"), ("  Jonas\t", "jonas"), ("   ", ""), ("", "")],
)
def test_case_and_the_spaces_around_are_not_part_of_it(typed: str, key: str) -> None:
    assert normalise_user_id(typed) == key


def test_a_typed_user_id_is_the_persons_whatever_its_case() -> None:
    assert is_user_id(" JONAS ", "jonas")
    assert not is_user_id("jonas2", "jonas")


def test_nothing_is_the_user_id_of_a_person_without_one() -> None:
    assert not is_user_id("", "")
    assert not is_user_id("   ", "")
