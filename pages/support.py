"""Where citizens get help: the support lines and the Borgerservice office of the demo."""

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class SupportLine:
    name: "str | Promise"
    phone: str
    phone_international: str
    hours: tuple[tuple[Promise, "str | Promise"], ...]


MITID_SUPPORT = SupportLine(
    name=_("MitID support"),
    phone="33 98 00 10",
    phone_international="+4533980010",
    hours=(
        (_("Monday to Friday"), "08:00–20:00"),
        (_("Weekends and public holidays"), "10:00–16:00"),
    ),
)

DIGITAL_HOTLINE = SupportLine(
    name="Den Digitale Hotline",
    phone="70 20 00 00",
    phone_international="+4570200000",
    hours=((_("Every day"), _("day, evening and weekend")),),
)


@dataclass(frozen=True)
class Office:
    name: str
    street: str
    postcode: str
    city: str
    phone: str
    phone_international: str
    email: str


BORGERSERVICE_HERNING = Office(
    name="Borgerservice Herning",
    street="Torvet 5",
    postcode="7400",
    city="Herning",
    phone="96 28 24 00",
    phone_international="+4596282400",
    email="borgerservice@herning.dk",
)
