"""Where citizens get help: the support lines and the Borgerservice office of the demo."""

from dataclasses import dataclass
from datetime import time

from django.utils.formats import time_format
from django.utils.functional import Promise
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from .phones import readable_phone_number


@dataclass(frozen=True)
class Hours:
    """Opening hours, written the way of the language they are shown in: 08.00-20.00 in
    Danish, 08:00-20:00 in English."""

    opens: time
    closes: time

    def _times(self) -> tuple[str, str]:
        return time_format(self.opens, "TIME_FORMAT"), time_format(self.closes, "TIME_FORMAT")

    def __str__(self) -> str:
        return "–".join(self._times())

    def as_html(self) -> SafeString:
        """The same with the dash as an entity, for the layout (templates/base.html says why)."""
        return format_html("{}&ndash;{}", *self._times())


class Dialled:
    """A number as the reader dials it: `33 98 00 10` in Danish and English, `+45 33 98 00 10`
    in Greenlandic, whose readers call Denmark from abroad (`pages.phones`)."""

    phone_international: str

    @property
    def phone(self) -> str:
        return readable_phone_number(self.phone_international)


@dataclass(frozen=True)
class SupportLine(Dialled):
    name: "str | Promise"
    phone_international: str
    hours: tuple[tuple[Promise, "str | Promise | Hours"], ...]


MITID_SUPPORT = SupportLine(
    name=_("MitID support"),
    phone_international="+4533980010",
    hours=(
        (_("Monday to Friday"), Hours(time(8), time(20))),
        (_("Weekends and public holidays"), Hours(time(10), time(16))),
    ),
)

DIGITAL_HOTLINE = SupportLine(
    name="Den Digitale Hotline",
    phone_international="+4570200000",
    hours=((_("Every day"), _("day, evening and weekend")),),
)


@dataclass(frozen=True)
class Office(Dialled):
    name: str
    street: str
    postcode: str
    city: str
    phone_international: str
    email: str


BORGERSERVICE_HERNING = Office(
    name="Borgerservice Herning",
    street="Torvet 5",
    postcode="7400",
    city="Herning",
    phone_international="+4596282400",
    email="borgerservice@herning.dk",
)
