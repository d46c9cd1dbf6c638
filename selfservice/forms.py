"""Self-service forms: validation only; errors carry codes."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from authenticators.lifecycle import BlockReason
from enrollment.forms import (
    CodeForm,
    ContactFields,
    DeviceDeliveryForm,
    UserIdForm,
)
from enrollment.models import ContactChannel

from .services import CODE_DEVICE_KINDS

__all__ = [
    "BlockForm",
    "BlockMitIDForm",
    "CodeForm",
    "ContactForm",
    "NotifyForm",
    "OrderForm",
    "TypedCodesForm",
    "UserIdForm",
]

# What a citizen may give as the reason: "other" is for staff, who note what happened.
CITIZEN_REASONS = [
    (BlockReason.LOST.value, _("I have lost it")),
    (BlockReason.STOLEN.value, _("It has been stolen")),
    (BlockReason.MISUSE.value, _("I think someone else has used it")),
]
REASON_ERRORS = {
    "required": _("Choose why you block it."),
    "invalid_choice": _("Choose why you block it."),
}


class BlockForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("Why do you block it?"),
        choices=CITIZEN_REASONS,
        widget=forms.RadioSelect,
        error_messages=REASON_ERRORS,
    )


class BlockMitIDForm(BlockForm):
    """The same reasons for the whole MitID, which some languages speak of otherwise than of a
    device (Danish: "dit MitID", "det"; "din app", "den")."""

    reason = forms.ChoiceField(
        label=pgettext_lazy("the whole MitID", "Why do you block it?"),
        choices=[
            (BlockReason.LOST.value, pgettext_lazy("the whole MitID", "I have lost access to it")),
            (
                BlockReason.STOLEN.value,
                pgettext_lazy("the whole MitID", "Someone else has got hold of it"),
            ),
            (
                BlockReason.MISUSE.value,
                pgettext_lazy("the whole MitID", "I think someone else has used it"),
            ),
        ],
        widget=forms.RadioSelect,
        error_messages={
            "required": pgettext_lazy("the whole MitID", "Choose why you block it."),
            "invalid_choice": pgettext_lazy("the whole MitID", "Choose why you block it."),
        },
    )


class ContactForm(ContactFields):
    """One new address at a time: a mobile number or an e-mail. The view decides which
    (`channel`); the page carries it in a hidden input of its own."""

    def __init__(self, *args: Any, channel: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["mobile"].label = _("New mobile number")
        self.fields["email"].label = _("New e-mail")
        # Only the field of the channel being changed is shown and required.
        shown, hidden = (
            ("mobile", "email") if channel == ContactChannel.SMS else ("email", "mobile")
        )
        del self.fields[hidden]
        self.fields[shown].required = True
        self.fields[shown].error_messages["required"] = (
            _("Type your new mobile number.") if shown == "mobile" else _("Type your new e-mail.")
        )

    def address(self) -> str:
        return str(self.cleaned_data.get("mobile") or self.cleaned_data.get("email") or "")


class NotifyForm(forms.Form):
    notify_on_use = forms.TypedChoiceField(
        label=_("Tell me by SMS and e-mail every time my MitID is used"),
        choices=[("1", _("Yes, every time")), ("0", _("No"))],
        coerce=lambda value: value == "1",
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose yes or no."),
            "invalid_choice": _("Choose yes or no."),
        },
    )


class TypedCodesForm(forms.Form):
    typed_codes = forms.TypedChoiceField(
        label=_("How do you log in with the app on a computer?"),
        choices=[
            ("0", _("I scan the QR code with the app")),
            ("1", _("I type a code the app shows (for people who cannot scan)")),
        ],
        coerce=lambda value: value == "1",
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose scanning or typing a code."),
            "invalid_choice": _("Choose scanning or typing a code."),
        },
    )


class OrderForm(DeviceDeliveryForm):
    """Which code device, and how to get it (enrollment's delivery form)."""

    kind = forms.ChoiceField(
        label=_("Which device?"),
        choices=[(kind.value, kind.label) for kind in CODE_DEVICE_KINDS],
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose a code display or a code reader."),
            "invalid_choice": _("Choose a code display or a code reader."),
        },
    )
    field_order = ["kind", "delivery", "office", "day", "slot"]
