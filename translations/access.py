"""Who may edit the catalogues in the browser: staff, verified with OTP, allowed to translate."""

from typing import Any

PERMISSION = "translations.edit_catalogues"
GROUP = "Translators"


def can_edit_catalogues(user: Any) -> bool:
    """Rosetta's access check (ROSETTA_ACCESS_CONTROL_FUNCTION) and our URL guard.

    `is_verified` comes from django-otp's OTPMiddleware: a password alone is not enough. The
    permission comes with the group "Translators"; a superuser has every permission.
    """
    if not (user.is_authenticated and user.is_active and user.is_staff):
        return False
    is_verified = getattr(user, "is_verified", None)
    if is_verified is None or not is_verified():
        return False
    return bool(user.has_perm(PERMISSION))
