"""The one way a user-ID is compared: case-folded, the same on every database."""


def normalise_user_id(value: str) -> str:
    """The form two user-IDs are compared in: capital and small letters are the same."""
    return value.lower()
