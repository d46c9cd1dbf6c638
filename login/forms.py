"""Login forms: validation only; errors carry codes."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from authenticators.forms import WebAuthnForm
from pages.forms import SameWhenBlank

__all__ = ["CodeDeviceLoginForm", "TypedCodeForm", "UserIdForm", "WebAuthnForm"]


class UserIdForm(SameWhenBlank):
    user_id = forms.CharField(
        label=_("User-ID"),
        max_length=48,
        error_messages={
            "required": _("Type your MitID user-ID."),
            "max_length": _("A user-ID has at most 48 characters."),
        },
        widget=forms.TextInput(
            attrs={"autocomplete": "username", "autocapitalize": "none", "spellcheck": "false"}
        ),
    )


class OneTimeCodeInput(forms.TextInput):
    """A code is good once and for 30 seconds: never shown again when the form comes back."""

    def format_value(self, value: object) -> None:
        return None


class CodeDeviceLoginForm(SameWhenBlank):
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        max_length=64,
        error_messages={"required": _("Type your MitID password.")},
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    code = forms.CharField(
        label=_("The code the device shows"),
        help_text=_("Press the button on the device, and type the 6 digits."),
        max_length=7,
        error_messages={"required": _("Type the code the device shows.")},
        widget=OneTimeCodeInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
    )

    def clean_code(self) -> str:
        code = self.cleaned_data["code"].replace(" ", "")
        if not (len(code) == 6 and code.isdigit()):
            raise ValidationError(_("The code is 6 digits."), code="invalid_format")
        return code


# One answer for a wrong, an empty and an overlong code: the form tells nobody whether the
# person has chosen typed codes at all (`app_logins.enter_typed_code`).
TYPED_CODE_WRONG = _("That is not the code. Type the 4 digits your MitID app shows for this login.")


class TypedCodeForm(SameWhenBlank):
    """The code the app shows someone who types it instead of scanning; the login checks it."""

    code = forms.CharField(
        label=_("The code from the MitID app"),
        max_length=4,
        error_messages={"required": TYPED_CODE_WRONG, "max_length": TYPED_CODE_WRONG},
        widget=OneTimeCodeInput(
            attrs={
                "inputmode": "numeric",
                "autocomplete": "one-time-code",
                "class": "input-width-xs",
            }
        ),
    )
