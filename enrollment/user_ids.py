"""The rules for a MitID user-ID, and suggestions when a wish is taken."""

import re
import secrets

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from authenticators.models import Identity
from authenticators.user_ids import normalise_user_id

from .models import ReservedUserId

MIN_LENGTH = 5
MAX_LENGTH = 48
LETTERS = "abcdefghijklmnopqrstuvwxyzæøå"
SPECIAL_CHARACTERS = "{}!#$^,*()_+-=:;?.@ "
# Listed in both cases, and checked before any case folding: some other characters (the
# Kelvin sign, the Ångström sign) lower-case into a-z or å.
ALLOWED = frozenset(LETTERS + LETTERS.upper() + "0123456789" + SPECIAL_CHARACTERS)
CPR_LIKE = re.compile(r"\d{6}[- ]?\d{4}")
DIGITS_AND_SEPARATORS = re.compile(r"[\d .\-/]+")

MESSAGES = {
    "too_short": _("A user-ID must have at least %(limit)d characters."),
    "too_long": _("A user-ID can have at most %(limit)d characters."),
    "invalid_character": _(
        "A user-ID cannot contain %(characters)s. Use letters a–z, æ, ø and å, digits, "
        "spaces and the characters { } ! # $ ^ , * ( ) _ + - = : ; ? . @"
    ),
    "edge_space": _("A user-ID cannot start or end with a space."),
    "cpr_number": _("Your CPR number cannot be your user-ID."),
    "looks_like_cpr": _("A user-ID cannot look like a CPR number."),
    "ten_digits": _("A user-ID cannot consist of 10 digits."),
    "taken": _("Someone else has this user-ID already. Choose another."),
    "reserved": _("This user-ID is reserved for someone else. Choose another."),
}


def rule_errors(value: str, *, cpr: str | None = None) -> list[ValidationError]:
    """Everything wrong with `value` by the rules alone, without asking who holds what."""
    errors = []
    if len(value) < MIN_LENGTH:
        errors.append(user_id_error("too_short", limit=MIN_LENGTH))
    if len(value) > MAX_LENGTH:
        errors.append(user_id_error("too_long", limit=MAX_LENGTH))
    bad = sorted({char for char in value if char not in ALLOWED})
    if bad:
        shown = " ".join(f"“{char}”" for char in bad)
        errors.append(user_id_error("invalid_character", characters=shown))
    if value != value.strip(" "):
        errors.append(user_id_error("edge_space"))
    if DIGITS_AND_SEPARATORS.fullmatch(value.strip()):
        digits = re.sub(r"\D", "", value)
        if cpr and digits == cpr:
            errors.append(user_id_error("cpr_number"))
        elif len(digits) == 10 and digits == value:
            errors.append(user_id_error("ten_digits"))
        elif CPR_LIKE.fullmatch(value.strip()):
            errors.append(user_id_error("looks_like_cpr"))
        elif len(digits) == 10:
            errors.append(user_id_error("ten_digits"))
    return errors


def holder_error(value: str, *, cpr: str | None = None) -> ValidationError | None:
    """`taken` or `reserved` when somebody other than `cpr` holds or has reserved `value`."""
    key = normalise_user_id(value)
    if Identity.objects.filter(user_id_key=key).exclude(cpr=cpr or "").exists():
        return user_id_error("taken")
    if ReservedUserId.objects.filter(user_id_key=key).exclude(cpr=cpr or "").exists():
        # To someone not logged in, a reserved user-ID is simply taken: saying "reserved"
        # would tell them it is somebody's NemID user-ID.
        return user_id_error("reserved" if cpr else "taken")
    return None


def validate_user_id(value: str, *, cpr: str | None = None) -> None:
    """Raise ValidationError (with the codes of MESSAGES) unless `value` may be cpr's user-ID."""
    errors = rule_errors(value, cpr=cpr)
    if errors:
        raise ValidationError(errors)
    if (error := holder_error(value, cpr=cpr)) is not None:
        raise error


def is_allowed(value: str, *, cpr: str | None = None) -> bool:
    try:
        validate_user_id(value, cpr=cpr)
    except ValidationError:
        return False
    return True


def offer(nemid_user_id: str, *, cpr: str) -> str:
    """The user-ID to offer first: the person's NemID user-ID, when the rules allow it."""
    return nemid_user_id if nemid_user_id and is_allowed(nemid_user_id, cpr=cpr) else ""


def suggestions(wish: str, *, cpr: str | None = None, count: int = 3) -> list[str]:
    """Free user-IDs close to `wish`, for when it is taken."""
    base = wish.strip()[: MAX_LENGTH - 5] or "mitid"
    found: list[str] = []
    for _attempt in range(40):
        number = secrets.randbelow(900) + 100
        separator = secrets.choice(["", ".", "_", "-"])
        candidate = f"{base}{separator}{number}"
        if candidate not in found and is_allowed(candidate, cpr=cpr):
            found.append(candidate)
        if len(found) == count:
            break
    return found


def user_id_error(code: str, **params: object) -> ValidationError:
    return ValidationError(MESSAGES[code], code=code, params=params or None)
