"""The numbers printed on a NemID key card, derived from the card's secret.

A card holds KEYS_PER_CARD pairs of a 4-digit key and a 6-digit code. Deriving both from a
secret means the simulator stores one value per card instead of every pair.
"""

import hashlib
import hmac
import random

KEYS_PER_CARD = 148


def card_keys(secret: str) -> tuple[str, ...]:
    """The card's keys, in the order they are printed."""
    seed = hmac.new(secret.encode(), b"keys", hashlib.sha256).digest()
    # Not a secret: the keys are shown on screen. Only the codes must be unguessable.
    numbers = random.Random(seed).sample(range(10_000), KEYS_PER_CARD)  # noqa: S311
    return tuple(f"{number:04d}" for number in numbers)


def code_for(secret: str, key: str) -> str:
    """The 6-digit code printed beside `key`."""
    digest = hmac.new(secret.encode(), f"code:{key}".encode(), hashlib.sha256).digest()
    return f"{int.from_bytes(digest[:8], 'big') % 1_000_000:06d}"


def card_pairs(secret: str) -> list[tuple[str, str]]:
    return [(key, code_for(secret, key)) for key in card_keys(secret)]
