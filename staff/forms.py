"""Forms for staff: the OTP login, and what an admin action needs before it runs.

The forms only validate; errors carry codes. The actions themselves are services.
"""

import re
from typing import Any

from django import forms
from django.core.validators import MaxValueValidator, RegexValidator
from django.db import transaction
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy
from django_otp.admin import OTPAdminAuthenticationForm
from django_otp.models import VerifyNotAllowed

from authenticators.lifecycle import BlockReason, IdCheck
from authenticators.models import IdDocument
from enrollment.models import AppointmentSlot
from pages.logs import CPR_NUMBER

from .services import own_totp_devices


class StaffLoginForm(OTPAdminAuthenticationForm):
    """Username, password and the code the staff member's TOTP device shows.

    Staff hold one TOTP device, so it is chosen for them: django-otp would otherwise ask them
    to pick it from a list after a first failed try. It is never a citizen's code device
    (those are TOTP devices too, on the citizens' own accounts).
    """

    # One answer for a wrong password, a code missing or wrong, and a device resting after
    # wrong codes: which of them it was would tell a guesser that the password is right (the
    # audit log keeps which). In the staff member's language: django-otp speaks no Danish.
    _REFUSED = _(
        "Enter the right username, password and code from your authenticator. After several "
        "wrong codes, wait a few minutes before you try again."
    )
    error_messages = {**OTPAdminAuthenticationForm.error_messages, "invalid_login": _REFUSED}
    otp_error_messages = {
        **OTPAdminAuthenticationForm.otp_error_messages,
        **dict.fromkeys(
            ("token_required", "invalid_token", "n_failed_attempts", "verification_not_allowed"),
            _REFUSED,
        ),
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["otp_token"].label = _("Code from your authenticator")
        self.fields["otp_token"].widget.attrs.update(
            {"autocomplete": "one-time-code", "inputmode": "numeric"}
        )

    def _verify_token(self, user: Any, token: str, device: Any = None) -> Any:
        try:
            return super()._verify_token(user, token, device)
        except forms.ValidationError as error:
            # django-otp refuses a throttled device without an error code; the audit log
            # records why a staff login failed by the code.
            if error.code is not None or device is None:
                raise
            allowed, extra = device.verify_is_allowed()
            if allowed:
                raise
            throttled = (extra or {}).get("reason") == VerifyNotAllowed.N_FAILED_ATTEMPTS
            raise forms.ValidationError(
                error.message,
                code="n_failed_attempts" if throttled else "verification_not_allowed",
            ) from error

    def _chosen_device(self, user: Any) -> Any:
        device = super()._chosen_device(user)
        if device is None and len(devices := list(own_totp_devices(user)[:2])) == 1:
            device = devices[0]
        return device


# The birth date and the four digits written apart by a space, as on a health card.
SPACED_CPR_NUMBER = re.compile(r"(?<!\d)(\d{6}) (\d{4})(?!\d)")


def holds_cpr_number(text: str) -> bool:
    """Whether a text holds something shaped like a CPR number, as the logs mask them
    (`150583-1235`, `1505831235`), or with a space (`150583 1235`)."""
    return bool(CPR_NUMBER.search(SPACED_CPR_NUMBER.sub(r"\1\2", text)))


class BlockForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("Reason"),
        choices=BlockReason.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose the reason.")},
    )
    note = forms.CharField(
        label=_("Note (optional)"),
        required=False,
        max_length=200,
        help_text=_("What the citizen told you; kept in the audit log. No CPR numbers."),
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean_note(self) -> str:
        note: str = self.cleaned_data["note"]
        if holds_cpr_number(note):
            # A note is shown to every staff member and kept for ever in the audit log, where
            # a CPR number is never written out.
            raise forms.ValidationError(
                _("Leave the CPR number out of the note: it is kept in the audit log."),
                code="cpr_number",
            )
        return note

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if (
            cleaned.get("reason") == BlockReason.OTHER
            and not self.has_error("note")
            and not cleaned.get("note", "").strip()
        ):
            # "Other" alone tells the next person at the desk nothing.
            self.add_error(
                "note",
                forms.ValidationError(
                    _("Say what happened when the reason is Other."), code="note_required"
                ),
            )
        return cleaned


class IdCheckForm(forms.Form):
    """The ID document staff saw in person; without it nothing is unblocked or raised."""

    document = forms.ChoiceField(
        label=_("ID document checked"),
        choices=[("", "---------"), *IdDocument.choices],
        error_messages={"required": _("Record which ID document you checked.")},
    )
    last4 = forms.CharField(
        label=_("Last 4 characters of its number"),
        max_length=4,
        validators=[
            RegexValidator(
                r"^[0-9A-Za-z]{4}$",
                message=_("Type the last 4 letters or digits of the document's number."),
                code="last4",
            )
        ],
        error_messages={
            "required": _("Type the last 4 characters of the document's number."),
            "max_length": _("Type exactly 4 characters."),
        },
        widget=forms.TextInput(attrs={"autocomplete": "off", "size": 6}),
    )

    def id_check(self) -> IdCheck:
        return IdCheck(
            document=self.cleaned_data["document"], last4=self.cleaned_data["last4"].upper()
        )


class AppointmentSlotForm(forms.ModelForm):
    """An appointment time as staff add and change it. Citizens who booked it were told its
    time and office, and the portal has no way to move them to another: a booked time keeps
    both, and its capacity does not fall below its bookings."""

    class Meta:
        model = AppointmentSlot
        fields = ["office", "starts_at", "capacity"]
        # Each field's own words, in the clerk's language: Django's ("This field is required.",
        # "Enter a valid date.") have no Greenlandic. The admin's date and time take theirs
        # from `invalid_date` and `invalid_time`.
        error_messages = {
            "office": {
                "required": _("Choose the Borgerservice office."),
                "invalid_choice": _("Choose the Borgerservice office."),
            },
            "starts_at": {
                "required": _("Type the date and the time the appointment starts."),
                "incomplete": _("Type the date and the time the appointment starts."),
                "invalid": _("Type the date and the time the appointment starts."),
                "invalid_date": _("Type a real date, or pick one with the calendar."),
                "invalid_time": _("Type a real time, or pick one with the clock."),
            },
            "capacity": {
                "required": _("Type how many citizens may book this time."),
                "invalid": _("Type how many citizens may book this time, as a whole number."),
                "min_value": _("Type a number of citizens from 0 to 32767."),
                "max_value": _("Type a number of citizens from 0 to 32767."),
            },
        }

    # The column's range (a small integer): PostgreSQL's bounds reach the model field's
    # validators, SQLite's do not, and past it the form passed there.
    MAX_CAPACITY = 32767

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        capacity = self.fields.get("capacity")  # none on a form only to view
        if isinstance(capacity, forms.IntegerField) and capacity.max_value is None:
            capacity.max_value = self.MAX_CAPACITY
            capacity.widget.attrs["max"] = self.MAX_CAPACITY
            capacity.validators.append(
                MaxValueValidator(self.MAX_CAPACITY, capacity.error_messages["max_value"])
            )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        booked = self._booked_now()
        if not booked:
            return cleaned
        for name in ("office", "starts_at"):
            if name in self.changed_data:
                self.add_error(
                    name,
                    forms.ValidationError(
                        _(
                            "Citizens have booked this time, so its time and office stay as "
                            "they are. Add a new time instead."
                        ),
                        code="slot_booked",
                    ),
                )
        capacity = cleaned.get("capacity")
        if capacity is not None and capacity < booked:
            self.add_error(
                "capacity",
                forms.ValidationError(
                    ngettext_lazy(
                        "%(booked)d citizen has booked this time: the capacity cannot be less.",
                        "%(booked)d citizens have booked this time: the capacity cannot be less.",
                        "booked",
                    ),
                    code="capacity_below_bookings",
                    params={"booked": booked},
                ),
            )
        return cleaned

    def _booked_now(self) -> int:
        """The bookings as they are, not as the page read them: a citizen who booked the time
        meanwhile is counted (saving a capacity below it hit the database's constraint, a 500),
        and the row stays locked until the admin's transaction saves it, so that no citizen
        books in between (`enrollment.services.place_order` locks it as well)."""
        if not self.instance.pk:
            return 0
        with transaction.atomic():
            booked = (
                AppointmentSlot.objects.select_for_update()
                .filter(pk=self.instance.pk)
                .values_list("booked", flat=True)
                .first()
            )
        self.instance.booked = booked or 0
        return self.instance.booked

    def save(self, commit: bool = True) -> AppointmentSlot:
        """Django's; but a time that exists saves only the fields staff changed, never
        `booked` as it was read: a citizen who booked the time meanwhile would be lost
        (`enrollment.services` counts a booking up in a save of its own)."""
        if not commit or self.instance._state.adding:
            slot: AppointmentSlot = super().save(commit)
            return slot
        fields = self._meta.fields or ()
        self.instance.save(update_fields=[name for name in self.changed_data if name in fields])
        return self.instance


# MitID at the Borgerservice desk (activation.desk) -------------------------------------------


class DeskStartForm(forms.Form):
    # Each field's own words when it is left empty, as the ID check's: Django's "This field is
    # required." has no Greenlandic, and said nothing of what to type.
    cpr = forms.CharField(
        label=_("CPR number"),
        max_length=11,
        validators=[RegexValidator(r"^\d{6}-?\d{4}$", _("Type the 10 digits of the CPR number."))],
        error_messages={"required": _("Type the 10 digits of the CPR number.")},
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    document = forms.ChoiceField(
        label=capfirst(_("ID document seen")),
        choices=IdDocument.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Record which ID document you checked.")},
    )
    last4 = forms.CharField(
        label=_("Last 4 characters of its number"),
        min_length=4,
        max_length=4,
        error_messages={
            "required": _("Type the last 4 characters of the document's number."),
            "min_length": _("Type exactly 4 characters."),
            "max_length": _("Type exactly 4 characters."),
        },
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    checked_for_high = forms.BooleanField(
        label=_("I checked the document in person for level High"),
        required=False,
        help_text=_("A passport, identity card or driving licence gives level High."),
    )


class DeskUserIdForm(forms.Form):
    # Each step's own words for an empty field, as the first step's: Django's "This field is
    # required." has no Greenlandic (a walk at the desk, Kalaallisut on a tablet).
    user_id = forms.CharField(
        label=_("The user-ID the citizen brought"),
        max_length=60,
        strip=False,
        error_messages={"required": _("Type the user-ID the citizen chose.")},
    )


class DeskSendCodeForm(forms.Form):
    channel = forms.ChoiceField(
        label=_("Send a code by"),
        choices=[("sms", _("SMS")), ("email", _("E-mail"))],
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose SMS or e-mail.")},
    )
    address = forms.CharField(
        label=_("Mobile number or e-mail"),
        max_length=254,
        error_messages={"required": _("Type the citizen's mobile number or e-mail address.")},
    )


class DeskCodeForm(forms.Form):
    code = forms.CharField(
        label=_("The code the citizen reads out"),
        max_length=6,
        error_messages={"required": _("Type the code the citizen reads out.")},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )


class DeskMethodForm(forms.Form):
    method = forms.ChoiceField(
        label=_("How the citizen will use MitID"),
        choices=[
            ("kodeviser", _("Hand out a code display from stock")),
            ("kodeoplaeser", _("Hand out a code reader from stock")),
            ("app", _("Give an activation code for the MitID app")),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose how the citizen will use MitID.")},
    )

    def __init__(self, *args: Any, code_device: bool = True, **kwargs: Any) -> None:
        """`code_device=False`: the citizen holds one already, so only the app is offered."""
        super().__init__(*args, **kwargs)
        if not code_device:
            field = self.fields["method"]
            field.choices = [choice for choice in field.choices if choice[0] == "app"]  # type: ignore[attr-defined]
            field.initial = "app"
