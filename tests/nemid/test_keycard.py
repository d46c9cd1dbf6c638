from nemid.keycard import KEYS_PER_CARD, card_keys, card_pairs, code_for


def test_a_card_has_unique_four_digit_keys_and_six_digit_codes() -> None:
    pairs = card_pairs("secret-a")
    keys = [key for key, _code in pairs]
    assert len(pairs) == KEYS_PER_CARD
    assert len(set(keys)) == KEYS_PER_CARD
    assert all(len(key) == 4 and key.isdigit() for key in keys)
    assert all(len(code) == 6 and code.isdigit() for _key, code in pairs)


def test_the_card_is_the_same_every_time_and_differs_between_secrets() -> None:
    assert card_keys("secret-a") == card_keys("secret-a")
    assert card_keys("secret-a") != card_keys("secret-b")
    key = card_keys("secret-a")[0]
    assert code_for("secret-a", key) != code_for("secret-b", key)
