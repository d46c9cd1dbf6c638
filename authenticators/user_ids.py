"""The one way a user-ID is compared: case-folded, the same on every database."""


def normalise_user_id(value: str) -> str:
    """The form two user-IDs are compared in: capital and small letters are the same, and the
    spaces around a typed one are not part of it (a user-ID cannot start or end with one).
    An empty result is nobody's user-ID: a person without one has an empty key."""
    return value.strip().lower()


def is_user_id(typed: str, key: str) -> bool:
    """Whether a typed user-ID is the one whose key is `key`; nothing is a person's without
    a user-ID."""
    typed_key = normalise_user_id(typed)
    return bool(typed_key) and typed_key == key
