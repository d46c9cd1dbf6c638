"""Enrollment forms: validation only; every error carries a code."""

from datetime import date
from typing import Any

import phonenumbers
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import F, QuerySet
from django.utils import formats, timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from pages.forms import SameWhenBlank

from .flow import Method
from .models import METHOD_CHOICES, AppointmentSlot, DeviceOrder, Office
from .offices import weekday_name
from .user_ids import MAX_LENGTH, validate_user_id

DEFAULT_REGION = "DK"


class TermsForm(SameWhenBlank):
    accept = forms.BooleanField(
        label=_("I have read and understood the terms and conditions for MitID"),
        error_messages={
            "required": _("Tick the box to show that you have read and understood the terms.")
        },
    )


class MethodForm(forms.Form):
    method = forms.ChoiceField(
        label=_("Choose how you want to use MitID"),
        choices=METHOD_CHOICES,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose the app, a code display or a code reader."),
            "invalid_choice": _("Choose the app, a code display or a code reader."),
        },
    )


def as_typed(mobile: str) -> str:
    """A stored mobile number (`parse_mobile`'s) as a Dane types it in the form: without +45."""
    return mobile.removeprefix("+45")


def parse_mobile(value: str) -> str:
    """A mobile number in E.164 form (+4512345678); Danish unless a country code is given."""
    text = value.strip()
    if text.startswith("00"):
        text = "+" + text[2:]
    try:
        number = phonenumbers.parse(text, DEFAULT_REGION)
    except phonenumbers.NumberParseException as error:
        raise ValidationError(
            _("Type a mobile number, like 12 34 56 78, or +299 123456 outside Denmark."),
            code="invalid_phone",
        ) from error
    if not phonenumbers.is_valid_number(number):
        raise ValidationError(
            _("That is not a valid phone number. Check the digits and the country code."),
            code="invalid_phone",
        )
    kind = phonenumbers.number_type(number)
    if kind not in (
        phonenumbers.PhoneNumberType.MOBILE,
        phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
    ):
        raise ValidationError(
            _("That number cannot receive SMS. Type a mobile number."), code="not_mobile"
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


class ContactFields(forms.Form):
    """A mobile number and an e-mail, as enrollment and self-service ask for them."""

    mobile = forms.CharField(
        label=_("Mobile number"),
        help_text=_(
            "Danish numbers without +45. For a number in another country, start with + "
            "and the country code."
        ),
        required=False,
        max_length=25,
        error_messages={"max_length": _("A phone number has at most 15 digits.")},
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )
    email = forms.EmailField(
        label=_("E-mail"),
        required=False,
        max_length=254,
        error_messages={
            "invalid": _("Type an e-mail address, like name@example.dk."),
            "max_length": _("An e-mail address has at most 254 characters."),
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )

    def clean_mobile(self) -> str:
        value = self.cleaned_data["mobile"]
        return parse_mobile(value) if value.strip() else ""


class ContactForm(ContactFields):
    def __init__(self, *args: Any, method: Method, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.method = method
        if method is Method.APP:
            self.fields["mobile"].required = True
            self.fields["mobile"].error_messages["required"] = _(
                "The MitID app needs your mobile number."
            )
            self.fields["email"].help_text = _(
                "Optional. We also send messages about your MitID here."
            )
        else:
            self.fields["email"].help_text = _("Give a mobile number, an e-mail, or both.")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if (
            self.method.is_device
            and not self.errors
            and not (cleaned.get("mobile") or cleaned.get("email"))
        ):
            raise ValidationError(
                _("Give a mobile number or an e-mail, so we can send you a code."),
                code="contact_required",
            )
        return cleaned


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code"),
        max_length=7,  # "123 456": the space is taken out below
        error_messages={
            "required": _("Type the code we sent you."),
            "max_length": _("The code is 6 digits."),
        },
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
    )

    def clean_code(self) -> str:
        value = self.cleaned_data["code"].replace(" ", "")
        if not (len(value) == 6 and value.isdigit()):
            raise ValidationError(_("The code is 6 digits."), code="invalid_format")
        return value


# Said on the public check page, the live check and the user-ID pages, once a client has
# checked `USER_ID_CHECKS_PER_WINDOW` user-IDs in the window.
USER_IDS_CHECKED_TOO_OFTEN = _(
    "You have checked many user-IDs in a short time. Wait a few minutes and try again."
)


class UserIdForm(forms.Form):
    user_id = forms.CharField(
        label=_("User-ID"),
        help_text=_(
            "5 to 48 characters: letters, digits, spaces and { } ! # $ ^ , * ( ) _ + - = : ; ? . @"
        ),
        strip=False,
        max_length=200,
        error_messages={
            "required": _("Type the user-ID you want."),
            "max_length": _("A user-ID can have at most 48 characters."),
        },
        widget=forms.TextInput(
            attrs={
                "autocomplete": "off",
                "autocapitalize": "none",
                "spellcheck": "false",
                "maxlength": str(MAX_LENGTH + 10),
            }
        ),
    )

    def __init__(
        self, *args: Any, cpr: str | None = None, limited: bool = False, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.cpr = cpr
        # The client has checked too many user-IDs lately (`rate_limits`): nothing is checked.
        self.limited = limited

    def clean_user_id(self) -> str:
        value: str = self.cleaned_data["user_id"]
        if self.limited:
            raise ValidationError(USER_IDS_CHECKED_TOO_OFTEN, code="limited")
        validate_user_id(value, cpr=self.cpr)
        return value

    def has_code(self, code: str) -> bool:
        return self.has_error("user_id", code)


class SlotChoiceField(forms.ModelChoiceField):
    """A time at the office and on the day chosen above it: the time is all it needs to say."""

    def label_from_instance(self, obj: AppointmentSlot) -> str:
        return formats.time_format(timezone.localtime(obj.starts_at), "TIME_FORMAT")


def open_slots() -> QuerySet[AppointmentSlot]:
    return AppointmentSlot.objects.select_related("office").filter(
        starts_at__gt=timezone.now(), booked__lt=F("capacity")
    )


def day_label(day: date) -> str:
    return f"{weekday_name(day)} {formats.date_format(day, 'DATE_FORMAT')}"


def office_hint(office: Office) -> str:
    where = f"{office.street}, {office.postcode} {office.city}."
    hours = office.opening_hours_shown()
    if not hours:
        return where
    return f"{where} " + gettext("Open %(hours)s.") % {"hours": ", ".join(hours)}


class DeviceDeliveryForm(forms.Form):
    """By post, or picked up: the office first, then a day it has free times, then a time.

    Without JavaScript the page's "show" buttons (name `narrow`) send the form back to be shown
    again with the next choice; `office` and `day` come from the data or the initial values.
    """

    delivery = forms.ChoiceField(
        label=_("How do you want to get it?"),
        choices=DeviceOrder.Delivery.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose by post or pick-up at Borgerservice."),
            "invalid_choice": _("Choose by post or pick-up at Borgerservice."),
        },
    )
    office = forms.ModelChoiceField(
        label=_("Borgerservice office"),
        queryset=Office.objects.none(),
        required=False,
        widget=forms.RadioSelect,
        empty_label=None,
        error_messages={"invalid_choice": _("Choose one of the offices.")},
    )
    # Only narrows the times shown, so any value is accepted (and a stale one ignored).
    day = forms.CharField(label=_("Date"), required=False, widget=forms.Select)
    slot = SlotChoiceField(
        label=_("Time"),
        queryset=AppointmentSlot.objects.none(),
        required=False,
        widget=forms.RadioSelect,
        empty_label=None,
        error_messages={"invalid_choice": _("That time is no longer free. Choose another.")},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        values = self.data if self.is_bound else self.initial
        free = open_slots()
        self.fields["office"].queryset = Office.objects.filter(  # type: ignore[attr-defined]
            pk__in=free.values("office")
        )
        self.chosen_office = self._office(values.get("office"))
        self.days: list[date] = []
        self.chosen_day: date | None = None
        at_office = free.filter(office=self.chosen_office) if self.chosen_office else free.none()
        # A time is accepted at the chosen office, or at any office when none was chosen.
        self.fields["slot"].queryset = at_office if self.chosen_office else free  # type: ignore[attr-defined]
        if self.chosen_office:
            self.days = sorted({timezone.localdate(slot.starts_at) for slot in at_office})
            self.fields["day"].widget.choices = [("", _("Choose a date"))] + [
                (day.isoformat(), day_label(day)) for day in self.days
            ]
            wanted = str(values.get("day") or "")
            self.chosen_day = next((d for d in self.days if d.isoformat() == wanted), None)
        self.chosen_day_label = day_label(self.chosen_day) if self.chosen_day else ""
        self.office_hints = [
            (office.pk, office_hint(office))
            for office in self.fields["office"].queryset  # type: ignore[attr-defined]
        ]
        # The times shown: those of the chosen day (a bound form accepts any at the office).
        self.times = [
            slot
            for slot in at_office
            if self.chosen_day and timezone.localdate(slot.starts_at) == self.chosen_day
        ]

    @staticmethod
    def _office(value: Any) -> Office | None:
        try:
            return Office.objects.filter(pk=int(value)).first() if value else None
        except (TypeError, ValueError):
            return None

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("delivery") == DeviceOrder.Delivery.POST:
            cleaned["slot"] = None  # a time chosen before switching to post is not booked
            for name in ("office", "day", "slot"):
                self.errors.pop(name, None)
        elif cleaned.get("delivery") == DeviceOrder.Delivery.PICKUP:
            if cleaned.get("slot") or "slot" in self.errors:
                pass
            elif not cleaned.get("office") and "office" not in self.errors:
                self.add_error(
                    "office",
                    ValidationError(_("Choose where to pick it up."), code="office_required"),
                )
            else:
                self.add_error(
                    "slot",
                    ValidationError(_("Choose a time to pick it up."), code="slot_required"),
                )
        return cleaned
