"""Borgerservice offices for a pick-up: opening hours in the reader's language, free days.

An office's opening hours are kept as data, one range of days and hours per part:
"mon-wed 10:00-15:00; thu 10:00-17:30; fri 10:00-13:00". They are written out in the language
of the page ("Monday to Wednesday 10:00-15:00" in English, with the dash of `Hours`); text that
does not follow the form is shown as it is.
"""

import re
from datetime import date, time

from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from pages.support import Hours

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DAY_NAMES: tuple[Promise, ...] = (
    _("Monday"),
    _("Tuesday"),
    _("Wednesday"),
    _("Thursday"),
    _("Friday"),
    _("Saturday"),
    _("Sunday"),
)
PART = re.compile(
    r"^(?P<first>[a-z]{3})(?:-(?P<last>[a-z]{3}))?\s+"
    r"(?P<opens>\d{1,2}):(?P<opens_m>\d\d)-(?P<closes>\d{1,2}):(?P<closes_m>\d\d)$"
)


def weekday_name(day: date) -> str:
    return str(DAY_NAMES[day.weekday()])


def hours_on(text: str, day: date) -> tuple[time, time] | None:
    """When the office is open on `day` by its opening hours (data as above); None when it is
    closed then, or its hours are not data."""
    for part in filter(None, (piece.strip().lower() for piece in text.split(";"))):
        match = PART.match(part)
        if not match or match["first"] not in DAYS or (match["last"] or "mon") not in DAYS:
            return None
        first = DAYS.index(match["first"])
        last = DAYS.index(match["last"]) if match["last"] else first
        if first <= day.weekday() <= last:
            return (
                time(int(match["opens"]), int(match["opens_m"])),
                time(int(match["closes"]), int(match["closes_m"])),
            )
    return None


def opening_hours(text: str) -> list[str]:
    """Each part of `text` in the active language; the text itself if it is not data."""
    shown = []
    for part in filter(None, (piece.strip().lower() for piece in text.split(";"))):
        match = PART.match(part)
        if not match or match["first"] not in DAYS or (match["last"] or "mon") not in DAYS:
            return [text] if text else []
        first = str(DAY_NAMES[DAYS.index(match["first"])])
        days = (
            gettext("%(first)s to %(last)s")
            % {"first": first, "last": DAY_NAMES[DAYS.index(match["last"])]}
            if match["last"]
            else first
        )
        hours = Hours(
            time(int(match["opens"]), int(match["opens_m"])),
            time(int(match["closes"]), int(match["closes_m"])),
        )
        shown.append(f"{days} {hours}")
    return shown
