"""Activation forms: validation only; errors carry codes."""

import re
from typing import Any

from django import forms
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from authenticators.lifecycle import BlockReason
from authenticators.models import Identity

TEN_DIGITS_IN_A_ROW = re.compile(r"\d{10}")
SERIAL_SEPARATORS = re.compile(r"[\s-]+")
# Django's password validators (AUTH_PASSWORD_VALIDATORS), in the portal's own words: Django
# has no Greenlandic, so its messages showed in Danish on a Greenlandic page.
PASSWORD_RULES = {
    "password_too_common": _("This password is too common. Choose one that is harder to guess."),
    "password_entirely_numeric": _("The password must not be only digits."),
}


class CodeDeviceActivationForm(forms.Form):
    password1 = forms.CharField(
        label=_("Create a MitID password"),
        help_text=_("8 to 64 characters. It must not contain your user-ID or 10 digits in a row."),
        strip=False,
        max_length=64,
        error_messages={
            "required": _("Create a password."),
            "max_length": _("The password can have at most 64 characters."),
        },
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password2 = forms.CharField(
        label=_("Type the password again"),
        strip=False,
        max_length=64,
        error_messages={
            "required": _("Type the password again."),
            "max_length": _("The password can have at most 64 characters."),
        },
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    serial = forms.CharField(
        label=_("Serial number"),
        help_text=_("Printed on the back of the device."),
        max_length=20,
        error_messages={"required": _("Type the serial number from the back of the device.")},
        widget=forms.TextInput(attrs={"autocapitalize": "characters", "spellcheck": "false"}),
    )
    code = forms.CharField(
        label=_("The code the device shows"),
        help_text=_("Press the button on the device, and type the 6 digits."),
        max_length=7,  # "123 456", as the login takes it
        error_messages={
            "required": _("Type the code the device shows."),
            "max_length": _("The code is 6 digits."),
        },
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
    )

    def __init__(self, *args: Any, identity: Identity, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.identity = identity

    def clean_password1(self) -> str:
        password: str = self.cleaned_data["password1"]
        if len(password) < 8:
            raise ValidationError(
                _("The password must have at least 8 characters."), code="too_short"
            )
        if self.identity.user_id and self.identity.user_id.lower() in password.lower():
            raise ValidationError(
                _("The password must not contain your user-ID."), code="contains_user_id"
            )
        if TEN_DIGITS_IN_A_ROW.search(password):
            raise ValidationError(
                _("The password must not contain 10 digits in a row."), code="ten_digits"
            )
        # Without the user: its only attribute is the account's name, "mitid-" and a number,
        # which the citizen never sees; the user-ID, which they do, is checked above.
        try:
            validate_password(password)
        except ValidationError as refused:
            raise ValidationError(
                [
                    ValidationError(PASSWORD_RULES[error.code], code=error.code)
                    if error.code in PASSWORD_RULES
                    else error
                    for error in refused.error_list
                ]
            ) from refused
        return password

    def clean_serial(self) -> str:
        # Copied off the device in groups ("KV 0715 4813"): spaces and dashes are no part of it.
        return SERIAL_SEPARATORS.sub("", self.cleaned_data["serial"])

    def clean_code(self) -> str:
        code = self.cleaned_data["code"].replace(" ", "")
        if not (len(code) == 6 and code.isdigit()):
            raise ValidationError(_("The code is 6 digits."), code="invalid_format")
        return code

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        first, again = cleaned.get("password1"), cleaned.get("password2")
        if first and again and first != again:  # none typed again: "Type it again" says so
            self.add_error(
                "password2",
                ValidationError(_("The two passwords are not the same."), code="password_mismatch"),
            )
        return cleaned


class LetterCodeForm(forms.Form):
    """The user-ID and the activation code from the letter that came with a code device."""

    user_id = forms.CharField(
        label=_("User-ID"),
        max_length=48,
        error_messages={"required": _("Type your user-ID.")},
        widget=forms.TextInput(
            attrs={"autocomplete": "username", "autocapitalize": "none", "spellcheck": "false"}
        ),
    )
    activation_code = forms.CharField(
        label=_("Activation code from the letter"),
        help_text=_("8 letters and digits, for example ABCD-2345."),
        max_length=12,
        error_messages={"required": _("Type the activation code from the letter.")},
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}
        ),
    )

    def clean_activation_code(self) -> str:
        code: str = self.cleaned_data["activation_code"].replace(" ", "").replace("-", "").upper()
        if len(code) != 8 or not code.isalnum():
            raise ValidationError(
                _("The activation code has 8 letters and digits."), code="invalid_format"
            )
        return f"{code[:4]}-{code[4:]}"


class RemoveChipForm(forms.Form):
    """Why a chip waiting to be confirmed is removed: the reason the history and the audit
    log keep for its revoke (`lifecycle.BlockReason`)."""

    reason = forms.ChoiceField(
        label=_("Why do you remove the chip?"),
        choices=[
            (BlockReason.LOST.value, _("I no longer have it")),
            (BlockReason.MISUSE.value, _("I did not add it myself")),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose why you remove the chip.")},
    )
