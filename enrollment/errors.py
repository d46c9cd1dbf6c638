"""Enrollment's refusals: the error a service raises, and what the citizen is told of it.

Self-service refuses with the same codes (contact codes, device orders), so the table lives
here, beside the error, and not in a view.
"""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy


class EnrollmentError(Exception):
    """A refusal the citizen can act on; `code` names it, `params` fill its message."""

    def __init__(self, code: str, **params: object) -> None:
        super().__init__(code)
        self.code = code
        self.params = params


ERROR_MESSAGES = {
    "resend_too_soon": ngettext_lazy(
        "Wait %(seconds)d second before asking for a new code.",
        "Wait %(seconds)d seconds before asking for a new code.",
        "seconds",
    ),
    "too_many_sends": _("You have asked for many codes. Wait an hour, or call MitID support."),
    "no_code": _("Ask for a code first."),
    "code_expired": _("The code has expired. Ask for a new one."),
    "wrong_code": ngettext_lazy(
        "The code is wrong. You can try %(left)d more time.",
        "The code is wrong. You can try %(left)d more times.",
        "left",
    ),
    "too_many_attempts": _("Too many wrong codes. Ask for a new code."),
    "contact_incomplete": _("Confirm the contact details the chosen method needs."),
    "slot_taken": _("That time has just been taken. Choose another."),
    "slot_required": _("Choose a time to pick it up."),
    "no_address": _("We have no address for you in the CPR register. Choose pick-up instead."),
    "not_a_device": _("Choose a code display or code reader first."),
    "order_exists": _("You have already ordered a device. It is on its way to you."),
}


def refusal_message(error: EnrollmentError) -> str:
    return str(ERROR_MESSAGES[error.code] % error.params)
