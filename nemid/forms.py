"""NemID login forms: validation only; refusals from NemID become errors by code."""

from datetime import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from .provider import NemIDRefused

REFUSAL_MESSAGES = {
    "invalid_credentials": _("The user-ID or the password is wrong. Check them and try again."),
    "wrong_key_code": _(
        "The code does not match the key. Find the key on your key card and "
        "type the 6 digits printed beside it."
    ),
    "key_code_used": _("This key card code has already been used. Log in again to get a new key."),
    "challenge_expired": _("Too much time has passed since you typed your password. Log in again."),
}


def client_locked_error(until: datetime) -> ValidationError:
    """This connection failed too often: the same for every user-ID, known or not."""
    return ValidationError(
        _("Too many failed logins from your connection. Try again after %(time)s."),
        code="client_locked",
        params={"time": formats.time_format(timezone.localtime(until), "TIME_FORMAT")},
    )


def refusal_error(refusal: NemIDRefused) -> ValidationError:
    if refusal.code == "locked" and refusal.locked_until is not None:
        until = formats.time_format(timezone.localtime(refusal.locked_until), "TIME_FORMAT")
        return ValidationError(
            _("Your NemID is locked after too many failed attempts. Try again after %(time)s."),
            code="locked",
            params={"time": until},
        )
    return ValidationError(REFUSAL_MESSAGES[refusal.code], code=refusal.code)


class CredentialsForm(forms.Form):
    user_id = forms.CharField(
        label=_("NemID user-ID"),
        max_length=64,
        error_messages={
            "required": _("Type your NemID user-ID."),
            "max_length": _("A NemID user-ID is at most %(limit_value)d characters."),
        },
        widget=forms.TextInput(
            attrs={"autocomplete": "username", "autocapitalize": "none", "spellcheck": "false"}
        ),
    )
    password = forms.CharField(
        label=_("Password"),
        max_length=128,
        strip=False,
        error_messages={
            "required": _("Type your password."),
            "max_length": _("A NemID password is at most %(limit_value)d characters."),
        },
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class KeyCodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code from your key card"),
        help_text=_("6 digits."),
        max_length=6,
        error_messages={
            "required": _("Type the code from your key card."),
            "max_length": _("The code is 6 digits, like 123456."),
        },
        validators=[
            RegexValidator(
                r"^\d{6}$", message=_("The code is 6 digits, like 123456."), code="invalid_format"
            ),
        ],
        widget=forms.TextInput(
            attrs={
                "inputmode": "numeric",
                "autocomplete": "one-time-code",
                "class": "input-width-s",
                # The page is there to type this code: the cursor starts in it.
                "autofocus": True,
            }
        ),
    )
